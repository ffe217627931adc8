package org.lungfl.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * The queue's files: {@code queue/uNNNNNNNNNNNN.safetensors}, numbered in arrival order, holding
 * the uploaded bytes unchanged. The file's presence is the acknowledgement; which updates wait and
 * which are being aggregated is {@link AggregationService}'s business.
 */
final class UpdateQueue {
    private static final Pattern NAME = Pattern.compile("u(\\d{12})\\.safetensors");

    private final Path dir;

    UpdateQueue(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("queue");
        Files.createDirectories(dir);
        DurableFiles.removeTemps(dir);
    }

    /** Writes and fsyncs the upload under a temporary name; slow, so done outside any lock. */
    Path stage(byte[] body) throws IOException {
        return DurableFiles.writeTemp(dir, body);
    }

    Path commit(Path staged, long seq) throws IOException {
        Path target = dir.resolve(String.format("u%012d.safetensors", seq));
        DurableFiles.commit(staged, target);
        return target;
    }

    void discard(Path staged) throws IOException {
        Files.deleteIfExists(staged);
    }

    void delete(Collection<QueuedUpdate> updates) throws IOException {
        if (updates.isEmpty()) return;
        for (QueuedUpdate u : updates) Files.deleteIfExists(u.file());
        DurableFiles.syncDirectory(dir);
    }

    /** Every queued file in arrival order; the address comes from the audit log, when it has it. */
    List<QueuedUpdate> load(Map<Long, String> addressBySeq) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "u*.safetensors")) {
            s.forEach(files::add);
        }
        files.sort(null);
        List<QueuedUpdate> out = new ArrayList<>();
        for (Path f : files) {
            Matcher m = NAME.matcher(f.getFileName().toString());
            if (!m.matches()) continue;
            long seq = Long.parseLong(m.group(1));
            Map<String, String> meta;
            try (SafeTensorsFile sf = SafeTensorsFile.open(f)) {
                meta = sf.metadata();
            }
            out.add(new QueuedUpdate(seq, meta.get("client_id"), meta.get("update_id"), Long.parseLong(meta.get("num_samples")),
                    Long.parseLong(meta.get("base_version")), addressBySeq.getOrDefault(seq, "unknown"),
                    Files.getLastModifiedTime(f).toInstant(), f));
        }
        return out;
    }
}
