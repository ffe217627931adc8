package org.lungfl.dicom.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code CACHE/.volumes/<key>.json}: the manifest entry of one finished volume, written right
 * after its {@code .npy} is renamed into place (and removed before a new one is written), so a
 * sidecar always describes the volume beside it. The manifest itself is rewritten only every few
 * seconds; after a kill, the sidecars give back every volume that was finished, and a rerun
 * reuses those whose preprocessing fingerprint still matches instead of redoing them.
 */
final class VolumeSidecar {
    static final String DIR = ".volumes";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private VolumeSidecar() {}

    private static Path file(Path cacheDir, String key) {
        return cacheDir.resolve(DIR).resolve(key + ".json");
    }

    /** Before a volume is (re)written: its old sidecar must not outlive the old volume. */
    static void remove(Path cacheDir, String key) throws IOException {
        Files.deleteIfExists(file(cacheDir, key));
    }

    /** After the volume is in place. */
    static void write(Path cacheDir, Manifest.Entry entry) throws IOException {
        Files.createDirectories(cacheDir.resolve(DIR));
        byte[] bytes = JSON.writeValueAsBytes(entry);
        // Like the volume it describes, derived data: whole after a kill, not fsynced (see AtomicFiles).
        AtomicFiles.write(file(cacheDir, entry.key()), out -> out.write(bytes), false);
    }

    /**
     * Entries of finished volumes made with this preprocessing whose file is still there; a
     * sidecar that cannot be read is ignored (its volume is simply redone).
     */
    static List<Manifest.Entry> finished(Path cacheDir, String fingerprint) {
        Path dir = cacheDir.resolve(DIR);
        List<Manifest.Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) return entries;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                try {
                    Manifest.Entry e = JSON.readValue(f.toFile(), Manifest.Entry.class);
                    if (e.key() != null && e.file() != null && fingerprint.equals(e.preprocessFingerprint())
                            && cacheDir.resolve(e.file()).normalize().getParent().equals(cacheDir.normalize())
                            && f.getFileName().toString().equals(e.key() + ".json")
                            && Files.isRegularFile(cacheDir.resolve(e.file())) && Files.size(cacheDir.resolve(e.file())) > 0
                            && (e.lesion() == null || Files.isRegularFile(cacheDir.resolve(e.lesion().patches())))) {
                        entries.add(e);
                    }
                } catch (IOException unreadable) {
                    // a sidecar cut short: its volume is redone
                }
            }
        } catch (IOException e) {
            return entries;
        }
        return entries;
    }
}
