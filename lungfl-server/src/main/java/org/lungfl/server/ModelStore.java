package org.lungfl.server;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsFile;
import org.lungfl.core.weights.Weights;

/**
 * Global model versions as {@code versions/vNNNNNNNN.safetensors}, each written durably and never
 * changed. Version 0 is the plan's deterministic initialisation. Older versions are kept while an
 * update may still need them as its base (see {@link #prune}).
 *
 * <p>A version file that cannot be used at start (unreadable, another plan's) is quarantined; if
 * none is left, version 0 is published again (it is deterministic).
 *
 * <p>Versions form a hash chain: a version's {@code parent_hash} metadata is the SHA-256 of its
 * parent's file, so two servers can tell whether their histories are the same (see PeerLink).
 */
final class ModelStore {
    private static final Pattern NAME = Pattern.compile("v(\\d{8})\\.safetensors");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Path dir;
    private final FederationPlan plan;
    private final NavigableSet<Long> kept = new ConcurrentSkipListSet<>();
    /** The latest version's bytes, served to every client: one model's worth of memory. */
    private volatile FederationStore.Latest latest;
    /** SHA-256 of each kept version's file: files never change, so computed once. */
    private final Map<Long, String> hashes = new java.util.concurrent.ConcurrentHashMap<>();

    ModelStore(Path dataDir, FederationPlan plan, Quarantine quarantine) throws IOException {
        this.dir = DataDir.create(dataDir.resolve("versions"));
        this.plan = plan;
        DurableFiles.removeTemps(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "v*.safetensors")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) kept.add(Long.parseLong(m.group(1)));
            }
        }
        for (long v : List.copyOf(kept)) {
            String wrong = check(v);
            if (wrong == null) {
                DataDir.restrict(path(v));
                continue;
            }
            kept.remove(v);
            quarantine.move(path(v), "global version " + v + " " + wrong);
        }
        if (kept.isEmpty()) publishVersionZero();
        loadLatest();
    }

    private void publishVersionZero() throws IOException {
        Weights w = plan.initialWeights();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("version", "0");
        meta.put("plan_fingerprint", plan.fingerprint());
        // No timestamp: version 0 is byte-identical on every server of a plan, so a primary and
        // its backup share the root of their hash chain.
        meta.put("contributors", "[]");
        Path tmp = DurableFiles.writeTemp(dir, SafeTensors.write(w, meta));
        DurableFiles.commit(tmp, path(0));
        kept.add(0L);
    }

    /**
     * Null when a kept version is whole and belongs to the plan, else what is wrong with it. Only
     * the header is read: values were checked finite before the version was written.
     */
    private String check(long v) {
        try (SafeTensorsFile f = SafeTensorsFile.open(path(v))) {
            if (!f.layout().equals(plan.modelSpec().tensors())) return "has tensors that differ from the plan's " + plan.architecture();
            if (!plan.fingerprint().equals(f.metadata().get("plan_fingerprint"))) return "was made for another plan";
            if (v > 0) {
                String contributors = f.metadata().get("contributors");
                if (contributors == null || !(JSON.readTree(contributors) instanceof com.fasterxml.jackson.databind.node.ArrayNode)) {
                    return "lacks its list of contributors";
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "is unreadable (" + e.getClass().getSimpleName() + ")";
        }
    }

    private void loadLatest() throws IOException {
        long v = kept.last();
        byte[] bytes = Files.readAllBytes(path(v));
        latest = new FederationStore.Latest(v, bytes, "\"v" + v + "-" + plan.fingerprint().substring(0, 12) + "\"");
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256 of a kept version's file (read once, on first use), or null when it is not kept. */
    String hash(long version) {
        if (!kept.contains(version)) return null;
        return hashes.computeIfAbsent(version, v -> {
            try {
                return sha256(Files.readAllBytes(path(v)));
            } catch (java.nio.file.NoSuchFileException pruned) {
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    Path dir() {
        return dir;
    }

    Path path(long version) {
        return dir.resolve(String.format("v%08d.safetensors", version));
    }

    FederationStore.Latest latest() {
        return latest;
    }

    long latestVersion() {
        return latest.version();
    }

    boolean isKept(long version) {
        return kept.contains(version);
    }

    NavigableSet<Long> kept() {
        return kept;
    }

    Optional<byte[]> bytes(long version) throws IOException {
        FederationStore.Latest l = latest;
        if (version == l.version()) return Optional.of(l.bytes());
        if (!kept.contains(version)) return Optional.empty();
        try {
            return Optional.of(Files.readAllBytes(path(version)));
        } catch (java.nio.file.NoSuchFileException pruned) {
            return Optional.empty();
        }
    }

    Map<String, String> metadata(long version) throws IOException {
        try (SafeTensorsFile f = SafeTensorsFile.open(path(version))) {
            return f.metadata();
        }
    }

    /** Makes a temporary written by the aggregation the next version, durably. */
    void commit(Path tmp, long version) throws IOException {
        if (version != latest.version() + 1) throw new IllegalStateException("version " + version + " after " + latest.version());
        DurableFiles.commit(tmp, path(version));
        kept.add(version);
        loadLatest();
        hashes.put(version, sha256(latest.bytes()));
    }

    /**
     * Stores a version made by the peer server byte for byte (the caller checked its hash and
     * parent); refused unless it has this plan's layout and fingerprint.
     */
    void adopt(byte[] bytes, long version, String source) throws IOException {
        Path tmp = DurableFiles.writeTemp(dir, bytes);
        try (SafeTensorsFile f = SafeTensorsFile.open(tmp)) {
            if (!f.layout().equals(plan.modelSpec().tensors()) || !plan.fingerprint().equals(f.metadata().get("plan_fingerprint"))) {
                throw new UserFacingException(source + ": version " + version + " was made for another plan or architecture");
            }
            // No version with a non-finite value is published here either, whoever made it.
            for (org.lungfl.core.tensor.Tensor t : f.readAll().tensors()) {
                if (t.dtype() != org.lungfl.core.tensor.DType.F32) continue;
                for (float x : t.floats()) {
                    if (!Float.isFinite(x)) {
                        throw new UserFacingException(source + ": version " + version + " holds " + x + " in '" + t.name() + "'; not adopted");
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        commit(tmp, version);
    }

    /** Keeps the newest {@code retention} versions and every version a queued update is based on. */
    void prune(int retention, Set<Long> pinned) throws IOException {
        List<Long> all = List.copyOf(kept);
        for (int i = 0; i < all.size() - retention; i++) {
            long v = all.get(i);
            if (pinned.contains(v)) continue;
            kept.remove(v);
            hashes.remove(v);
            Files.deleteIfExists(path(v));
        }
        DurableFiles.syncDirectory(dir);
    }
}
