package org.lungfl.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lungfl.core.aggregation.ServerState;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.weights.SafeTensorsFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server optimiser's state (FedAdam's and FedYogi's moments m and v) kept next to the versions,
 * in {@code optimizer/vNNNNNNNN-<slot>.safetensors}: one file per slot with the tensors the
 * strategy aggregates, written while the round streams and committed (fsync, rename) before its
 * version is. A crash between the two leaves state for a version that does not exist yet; the
 * round is then run again and overwrites it. State older than the two newest versions is deleted.
 * A version with no state (the first round, a version adopted from the peer server) starts from
 * zero moments, and says so in the log.
 */
final class OptimizerStateFiles implements ServerState {
    private static final Logger LOG = LoggerFactory.getLogger("org.lungfl.server.aggregation");
    private static final Pattern NAME = Pattern.compile("v(\\d{8})-[a-z]+\\.safetensors");
    static final String DIR = "optimizer";

    private final Path dir;
    private final List<TensorSpec> layout;
    private boolean started;
    private Open current;

    /** @param layout the F32 tensors the strategy aggregates, in model order */
    OptimizerStateFiles(Path dataDir, List<TensorSpec> layout) {
        this.dir = dataDir.resolve(DIR);
        this.layout = List.copyOf(layout);
    }

    Path path(long version, String slot) {
        return dir.resolve(String.format("v%08d-%s.safetensors", version, slot));
    }

    @Override
    public synchronized Round open(long fromVersion, long toVersion, List<String> slots) {
        try {
            if (!started) {
                Files.createDirectories(dir);
                DurableFiles.removeTemps(dir);
                started = true;
            }
            if (current != null) current.abandon();
            current = new Open(fromVersion, toVersion, slots);
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("optimizer state in " + dir, e);
        }
    }

    private final class Open implements Round {
        private final long toVersion;
        private final Map<String, SafeTensorsFile> readers = new HashMap<>();
        private final Map<String, java.util.Set<String>> readable = new HashMap<>();
        private final Map<String, FileChannel> channels = new LinkedHashMap<>();
        private final Map<String, Path> temps = new HashMap<>();
        private final Map<String, SafeTensorsFile.Writer> writers = new HashMap<>();
        private final ByteBuffer scratch = ByteBuffer.allocate(StreamingAggregation.SLICE * 4);

        Open(long fromVersion, long toVersion, List<String> slots) throws IOException {
            this.toVersion = toVersion;
            boolean missing = false;
            try {
                for (String slot : slots) {
                    Path old = path(fromVersion, slot);
                    if (Files.exists(old)) {
                        SafeTensorsFile f = SafeTensorsFile.open(old);
                        readers.put(slot, f);
                        java.util.Set<String> names = new java.util.HashSet<>();
                        for (TensorSpec t : f.layout()) names.add(t.name());
                        readable.put(slot, names);
                    } else {
                        missing = true;
                    }
                    Path tmp = dir.resolve(DurableFiles.TEMP_PREFIX + UUID.randomUUID());
                    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    temps.put(slot, tmp);
                    channels.put(slot, ch);
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("version", Long.toString(toVersion));
                    meta.put("slot", slot);
                    writers.put(slot, SafeTensorsFile.writer(ch, layout, meta));
                }
            } catch (IOException | RuntimeException e) {
                abandon();
                throw e;
            }
            if (missing && fromVersion > 0) LOG.warn("no optimizer state kept with version {}: the moments start from zero", fromVersion);
        }

        @Override
        public void read(String slot, String tensor, long from, float[] dst, int n) {
            SafeTensorsFile f = readers.get(slot);
            // No state yet, or state from before the plan switched FedBN on or off: start from zero.
            if (f == null || !readable.get(slot).contains(tensor)) {
                java.util.Arrays.fill(dst, 0, n, 0f);
                return;
            }
            f.readFloats(tensor, from, dst, n, scratch);
        }

        @Override
        public void write(String slot, String tensor, long from, float[] src, int n) {
            try {
                writers.get(slot).floats(src, n);
            } catch (IOException e) {
                throw new UncheckedIOException("optimizer state " + slot + " for version " + toVersion, e);
            }
        }

        @Override
        public void commit() {
            synchronized (OptimizerStateFiles.this) {
                try {
                    for (Map.Entry<String, FileChannel> e : channels.entrySet()) {
                        writers.get(e.getKey()).finish();
                        e.getValue().force(true);
                        e.getValue().close();
                    }
                    for (Map.Entry<String, Path> e : temps.entrySet()) DurableFiles.commit(e.getValue(), path(toVersion, e.getKey()));
                    temps.clear();
                    closeReaders();
                    prune(toVersion - 1);
                    if (current == this) current = null;
                } catch (IOException e) {
                    throw new UncheckedIOException("optimizer state for version " + toVersion, e);
                }
            }
        }

        void abandon() {
            closeReaders();
            for (FileChannel ch : channels.values()) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // deleted below
                }
            }
            for (Path p : temps.values()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // removed at the next start
                }
            }
        }

        private void closeReaders() {
            for (SafeTensorsFile f : readers.values()) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
            readers.clear();
        }
    }

    /** Deletes the state of versions before {@code oldestKept}. */
    private void prune(long oldestKept) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "v*.safetensors")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) < oldestKept) Files.delete(f);
            }
        }
        DurableFiles.syncDirectory(dir);
    }
}
