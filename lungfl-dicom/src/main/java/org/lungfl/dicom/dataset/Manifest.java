package org.lungfl.dicom.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.series.SeriesWarning;
import org.lungfl.dicom.volume.VolumeGeometry;

/**
 * {@code CACHE/manifest.json}: one entry per imported patient, keyed by folder name (DSB2017) or a
 * salted hash of the PatientID. It lists only volumes whose {@code .npy} was completely written
 * (the volume is renamed into place before its entry is saved), so a killed import leaves a
 * manifest that is still true. No DICOM name, ID or date is ever stored here.
 */
public final class Manifest {
    public static final String FILE = "manifest.json";
    static final String FORMAT = "lungfl-cache/1";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    /** One imported patient. Shapes and spacings are (z, y, x). */
    public record Entry(
            @JsonProperty("key") String key,
            @JsonProperty("label") int label,
            @JsonProperty("file") String file,
            @JsonProperty("shape") int[] shape,
            @JsonProperty("preprocess_fingerprint") String preprocessFingerprint,
            @JsonProperty("source_series_uid") String sourceSeriesUid,
            @JsonProperty("original_shape") int[] originalShape,
            @JsonProperty("original_spacing_mm") double[] originalSpacingMm,
            @JsonProperty("series_choice") String seriesChoice,
            @JsonProperty("warnings") List<SeriesWarning> warnings,
            @JsonProperty("unreadable_files") int unreadableFiles,
            @JsonProperty("lesion") Lesion lesion) {}

    /**
     * What a lesion-centred plan keeps besides the HU volume ({@code file}, int16, cropped to the
     * lungs): where the volume's voxels are in the patient, the detector's candidates (best first),
     * the annotated nodules (null when the import had no annotations: such a patient can be
     * evaluated and scored but not trained on), and the file of patches, int16 [rows, S, S, S]: one
     * row per candidate, in order, then one per annotated nodule.
     */
    public record Lesion(
            @JsonProperty("grid") VolumeGeometry grid,
            @JsonProperty("candidates") List<Candidate> candidates,
            @JsonProperty("nodules") List<Nodule> nodules,
            @JsonProperty("patches") String patches) {

        public boolean annotated() {
            return nodules != null;
        }
    }

    /** A patient the last run did not import, and why. */
    public record Skip(@JsonProperty("key") String key, @JsonProperty("reason") String reason) {}

    record Document(
            @JsonProperty("format") String format,
            @JsonProperty("layout") Labels.Layout layout,
            @JsonProperty("salt") String salt,
            @JsonProperty("patients") Map<String, Entry> patients,
            @JsonProperty("last_run_skipped") List<Skip> lastRunSkipped) {}

    private final Path dir;
    private final Labels.Layout layout;
    private final String salt;
    private final Map<String, Entry> patients;
    private List<Skip> skipped = List.of();
    private static final long SAVE_EVERY_NANOS = 5_000_000_000L;
    private long lastSave = System.nanoTime();

    private Manifest(Path dir, Labels.Layout layout, String salt, Map<String, Entry> patients) {
        this.dir = dir;
        this.layout = layout;
        this.salt = salt;
        this.patients = patients;
    }

    /** The cache's manifest, or a fresh one (with a new random salt) when the cache is new. */
    public static Manifest open(Path cacheDir, Labels.Layout layout) {
        Path file = cacheDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] salt = new byte[16];
            new SecureRandom().nextBytes(salt);
            return new Manifest(cacheDir, layout, HexFormat.of().formatHex(salt), new TreeMap<>());
        }
        Document doc;
        try {
            doc = JSON.readValue(file.toFile(), Document.class);
        } catch (IOException e) {
            throw new UserFacingException(file + ": not a LungFL cache manifest (" + e.getMessage().lines().findFirst().orElse("")
                    + "); move it away to start a new cache");
        }
        if (!FORMAT.equals(doc.format()) || doc.salt() == null || doc.patients() == null) {
            throw new UserFacingException(file + ": not a " + FORMAT + " manifest; move it away to start a new cache");
        }
        if (doc.layout() != layout) {
            throw new UserFacingException(file + ": this cache was made from " + doc.layout()
                    + " labels, not " + layout + "; use another --out directory");
        }
        return new Manifest(cacheDir, layout, doc.salt(), new TreeMap<>(doc.patients()));
    }

    public static Manifest read(Path cacheDir) {
        Path file = cacheDir.resolve(FILE);
        try {
            Document doc = JSON.readValue(file.toFile(), Document.class);
            return new Manifest(cacheDir, doc.layout(), doc.salt(), new TreeMap<>(doc.patients()));
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read manifest: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Per-cache random salt for hashing PatientIDs into keys (the same ID gives another key in another cache). */
    String salt() {
        return salt;
    }

    /** Which labels layout made this cache: with DSB2017 a patient's key is its folder name. */
    public Labels.Layout layout() {
        return layout;
    }

    /**
     * The key this cache gives the patient with {@code patientId} (PATIENT_ID layout), or null
     * without an ID. Lets a viewer find the folder of a patient it lists by key; the ID itself
     * must go no further than this call.
     */
    public String keyOf(String patientId) {
        return DatasetImporter.patientKey(salt, patientId);
    }

    public Map<String, Entry> patients() {
        return java.util.Collections.unmodifiableMap(patients);
    }

    /** The entry for {@code key} if it was made with this preprocessing and its volume is still there. */
    boolean isDone(String key, String fingerprint) {
        Entry e = patients.get(key);
        return e != null && fingerprint.equals(e.preprocessFingerprint()) && Files.isRegularFile(dir.resolve(e.file()));
    }

    /**
     * Adds an entry whose volume is already in place. The file is rewritten at most every few
     * seconds (and at the end of the run): rewriting it per patient would cost O(patients²) bytes
     * on a large archive. Entries not yet saved when the import is killed are simply redone.
     */
    synchronized void put(Entry e) throws IOException {
        patients.put(e.key(), e);
        if (System.nanoTime() - lastSave >= SAVE_EVERY_NANOS) save();
    }

    synchronized void lastRunSkipped(List<Skip> skips) throws IOException {
        this.skipped = List.copyOf(skips);
        save();
    }

    private void save() throws IOException {
        lastSave = System.nanoTime();
        byte[] bytes = JSON.writeValueAsBytes(new Document(FORMAT, layout, salt, patients, skipped));
        AtomicFiles.write(dir.resolve(FILE), out -> out.write(bytes));
    }
}
