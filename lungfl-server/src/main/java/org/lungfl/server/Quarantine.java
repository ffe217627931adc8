package org.lungfl.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a file the server cannot use goes at start: {@code quarantine/} in the data dir. No single
 * file may keep the server down; the file is moved aside (never deleted, so an operator can
 * inspect or restore it), audited ({@code quarantined}) and listed in {@code /status}.
 */
final class Quarantine {
    static final String DIR = "quarantine";
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.server.aggregation");

    /** One moved file: where it was, where it is, and why. */
    record Entry(String file, String movedTo, String reason, Instant at) {}

    private final Path dataDir;
    private final AuditLog audit;
    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    Quarantine(Path dataDir, AuditLog audit) {
        this.dataDir = dataDir;
        this.audit = audit;
    }

    /** Moves {@code file} aside because of {@code reason} (one line, no patient data). */
    void move(Path file, String reason) throws IOException {
        Path dir = DataDir.create(dataDir.resolve(DIR));
        String name = file.getFileName().toString();
        Path target = dir.resolve(name);
        for (int i = 1; Files.exists(target); i++) target = dir.resolve(name + "." + i);
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.syncDirectory(dir);
        DurableFiles.syncDirectory(file.getParent());
        String relative = dataDir.relativize(file).toString();
        Entry e = new Entry(relative, dataDir.relativize(target).toString(), reason, Instant.now());
        entries.add(e);
        ObjectNode a = AuditLog.event("quarantined");
        a.put("file", e.file()).put("moved_to", e.movedTo()).put("reason", e.reason());
        audit.append(a, true);
        LOG.error("{} cannot be used ({}); moved to {} and starting without it", relative, reason, e.movedTo());
    }

    List<Entry> entries() {
        return List.copyOf(entries);
    }
}
