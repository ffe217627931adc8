package org.lungfl.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queue's files: {@code queue/uNNNNNNNNNNNN.safetensors}, numbered in arrival order, holding
 * the uploaded bytes unchanged. The file's presence is the acknowledgement; which updates wait and
 * which are being aggregated is {@link AggregationService}'s business. Uploads are streamed into
 * temporaries here ({@link IncomingUpload}) and renamed into the queue once accepted.
 */
final class UpdateQueue {
    private static final Pattern NAME = Pattern.compile("u(\\d{12})\\.safetensors");

    private final Path dir;

    UpdateQueue(Path dataDir) throws IOException {
        this.dir = DataDir.create(dataDir.resolve("queue"));
        DurableFiles.removeTemps(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes and fsyncs bytes (an update copied from the peer) as a temporary, ready for {@link #commit}. */
    IncomingUpload.Received stage(byte[] body) throws IOException {
        Path tmp = DurableFiles.writeTemp(dir, body);
        return new IncomingUpload.Received(tmp, body.length, sha256(body));
    }

    Path path(long seq) {
        return dir.resolve(String.format("u%012d.safetensors", seq));
    }

    Path commit(IncomingUpload.Received staged, long seq) throws IOException {
        Path target = path(seq);
        DurableFiles.commit(staged.file(), target);
        return target;
    }

    void delete(Collection<QueuedUpdate> updates) throws IOException {
        if (updates.isEmpty()) return;
        for (QueuedUpdate u : updates) Files.deleteIfExists(path(u.seq()));
        DurableFiles.syncDirectory(dir);
    }

    /**
     * Every queued file in arrival order; the address comes from the audit log, when it has it. A
     * file that fails the checks an upload passes (torn by a disk fault, edited, or accepted by an
     * older, laxer server) is quarantined, and the rest load.
     */
    List<QueuedUpdate> load(Map<Long, String> addressBySeq, UpdateValidator validator, Quarantine quarantine) throws IOException {
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
            UpdateValidator.Update u;
            try {
                u = validator.validate(f);
            } catch (ApiException e) {
                quarantine.move(f, "queued update fails the upload checks: " + AuditText.reason(e.detail()));
                continue;
            } catch (RuntimeException e) {
                quarantine.move(f, "queued update unreadable: " + e.getClass().getSimpleName());
                continue;
            }
            DataDir.restrict(f);
            out.add(new QueuedUpdate(seq, u.clientId(), u.updateId(), u.numSamples(), u.baseVersion(), addressBySeq.getOrDefault(seq, "unknown"),
                    Files.getLastModifiedTime(f).toInstant(), sha256(f), u.metrics()));
        }
        return out;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
