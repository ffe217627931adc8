package org.lungfl.dicom.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.FolderListing;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.DicomSource;
import org.lungfl.dicom.series.SeriesAssembler;
import org.lungfl.dicom.series.SeriesChooser;
import org.lungfl.dicom.series.SliceHeader;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.Preprocessor;
import org.lungfl.dicom.volume.SliceDecoder;
import org.lungfl.dicom.volume.VolumeGeometry;
import org.lungfl.dicom.volume.VolumeStacker;

/**
 * {@code DIR/<patient>/...} → {@code CACHE/<key>.npy} + {@code CACHE/manifest.json}. One folder per
 * patient, any layout and file names below it. Patients are done one after another, the files of
 * each in parallel on the given pool. Every file is read once: its header is kept and its pixels
 * are decoded straight to the plan's in-plane spacing (small), then the series is chosen and its
 * slices stacked along z. Nothing here stops on one bad file or patient: it is skipped,
 * remembered and reported in the {@link Summary}.
 */
public final class DatasetImporter {
    /** Progress, called from the importing thread. */
    public interface Listener {
        Listener NONE = new Listener() {
            @Override public void started(int patients) {}

            @Override public void patientDone(int done, int total, long slices) {}
        };

        void started(int patients);

        /** After each patient, imported or not; {@code slices} counts slices imported so far. */
        void patientDone(int done, int total, long slices);
    }

    /** What one run did. Keys are cache keys (folder names or salted hashes), never PatientIDs. */
    public record Summary(
            List<Manifest.Entry> imported,
            List<String> alreadyDone,
            List<Manifest.Skip> skipped,
            Map<Path, String> unreadableFiles,
            List<String> labelsWithoutData,
            long slicesImported) {}

    private final FederationPlan plan;
    private final DicomSource source;
    private final ExecutorService pool;

    public DatasetImporter(FederationPlan plan, DicomSource source, ExecutorService pool) {
        this.plan = plan;
        this.source = source;
        this.pool = pool;
    }

    public Summary run(Path dicomDir, Path labelsCsv, Path cacheDir, Listener listener) {
        return run(dicomDir, labelsCsv, null, cacheDir, listener);
    }

    /**
     * @param annotationsCsv nodule annotations (a lesion-centred plan trains on them), or null: the
     *                       patients can then be evaluated and scored, not trained on
     */
    public Summary run(Path dicomDir, Path labelsCsv, Path annotationsCsv, Path cacheDir, Listener listener) {
        if (!Files.isDirectory(dicomDir)) throw new UserFacingException(dicomDir + ": not a directory");
        Labels labels = Labels.read(labelsCsv);
        Annotations annotations = annotationsCsv == null ? null : Annotations.read(annotationsCsv);
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new UserFacingException(cacheDir + ": cannot create cache directory: " + e.getMessage());
        }
        boolean newCache = !Files.exists(cacheDir.resolve(Manifest.FILE));
        Manifest manifest = Manifest.open(cacheDir, labels.layout());
        try {
            // the salt must be on disk before the first salted key is: a killed run is resumed by key
            if (newCache) manifest.lastRunSkipped(List.of());
            // volumes a killed run finished after the manifest's last save
            String fingerprint = plan.preprocessFingerprint();
            for (Manifest.Entry e : VolumeSidecar.finished(cacheDir, fingerprint)) {
                if (!manifest.isDone(e.key(), fingerprint)) manifest.put(e);
            }
        } catch (IOException e) {
            throw new UserFacingException(cacheDir + ": cannot write manifest: " + e.getMessage(), e);
        }
        Map<String, Labels.Label> labelByKey = keyed(labels, manifest.salt());

        List<Path> folders = new ArrayList<>();
        List<Manifest.Skip> earlySkips = new ArrayList<>();
        try (Stream<Path> s = Files.list(dicomDir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) continue;
                if (Files.isDirectory(p)) folders.add(p);
                else earlySkips.add(new Manifest.Skip(name, "a file directly in " + dicomDir + ", not in a patient folder"));
            }
        } catch (IOException e) {
            throw new UserFacingException(dicomDir + ": cannot list: " + e.getMessage());
        }

        Run run = new Run(labels, labelByKey, manifest, cacheDir, annotations);
        listener.started(folders.size());
        int done = 0;
        try {
            for (Path folder : folders) {
                String folderName = folder.getFileName().toString();
                try {
                    run.patient(folder);
                } catch (UserFacingException e) {
                    run.skipped.add(new Manifest.Skip(folderName, e.getMessage()));
                } catch (RuntimeException e) {
                    // A bug or an unforeseen input must cost one patient, not the whole import.
                    run.skipped.add(new Manifest.Skip(folderName, "internal error: " + e));
                } catch (IOException e) {
                    throw new UserFacingException(cacheDir + ": cannot write: " + e.getMessage(), e);
                } finally {
                    listener.patientDone(++done, folders.size(), run.slices);
                }
            }
        } catch (RuntimeException stopped) {
            // A listener that ends the run early (the desktop client's Cancel): the manifest keeps every
            // patient imported so far, so the next run resumes instead of starting over.
            try {
                manifest.lastRunSkipped(run.skipped);
            } catch (IOException e) {
                stopped.addSuppressed(e);
            }
            throw stopped;
        }
        List<Manifest.Skip> skipped = new ArrayList<>(earlySkips);
        skipped.addAll(run.skipped);
        List<String> withoutData = new ArrayList<>();
        labelByKey.forEach((key, label) -> {
            if (!run.seen.contains(key)) {
                withoutData.add(labels.layout() == Labels.Layout.DSB2017 ? key : "line " + label.line());
            }
        });
        try {
            manifest.lastRunSkipped(skipped);
        } catch (IOException e) {
            throw new UserFacingException(cacheDir + ": cannot write manifest: " + e.getMessage(), e);
        }
        return new Summary(run.imported, run.alreadyDone, skipped, run.unreadable, withoutData, run.slices);
    }

    /** One import run: what it has done so far, and how one patient folder is done. */
    private final class Run {
        final Labels labels;
        final Map<String, Labels.Label> labelByKey;
        final Manifest manifest;
        final Path cacheDir;
        final String fingerprint = plan.preprocessFingerprint();
        final Preprocessor preprocessor = new Preprocessor(plan.preprocess());
        final SliceDecoder decoder = new SliceDecoder(plan.preprocess().spacingMm());
        final List<Manifest.Entry> imported = new ArrayList<>();
        final List<String> alreadyDone = new ArrayList<>();
        final List<Manifest.Skip> skipped = new ArrayList<>();
        final Map<Path, String> unreadable = new TreeMap<>();
        final Set<String> seen = new HashSet<>();
        final Annotations annotations;
        final Map<String, List<Nodule>> nodulesByKey;
        final LesionCache lesions = plan.lesionCentred() ? new LesionCache(plan) : null;
        long slices;

        Run(Labels labels, Map<String, Labels.Label> labelByKey, Manifest manifest, Path cacheDir, Annotations annotations) {
            this.labels = labels;
            this.labelByKey = labelByKey;
            this.manifest = manifest;
            this.cacheDir = cacheDir;
            this.annotations = annotations;
            this.nodulesByKey = annotations == null || annotations.keyedBy() == Annotations.Keyed.SERIES ? Map.of()
                    : keyedNodules(annotations, labels.layout(), manifest.salt());
        }

        /** The patient's annotated nodules, or null when this import has no annotations. */
        List<Nodule> nodules(String key, String seriesUid) {
            if (annotations == null) return null;
            return annotations.keyedBy() == Annotations.Keyed.SERIES ? annotations.of(seriesUid) : nodulesByKey.getOrDefault(key, List.of());
        }

        /** Skips (known, unlabeled, unusable) or imports one patient folder; IOException only for the cache. */
        void patient(Path folder) throws IOException {
            String folderName = folder.getFileName().toString();
            boolean dsb = labels.layout() == Labels.Layout.DSB2017;
            // Decide as much as possible before decoding anything: label, then resume. With PatientID
            // labels the key needs a PatientID: one file's is enough to recognise a patient already done.
            if (dsb) {
                if (skippedEarly(folderName)) return;
            } else {
                String peeked = peekKey(folder, manifest.salt());
                if (peeked != null && manifest.isDone(peeked, fingerprint) && skippedEarly(peeked)) return;
            }

            Scan scan = scan(folder, manifest.salt(), labels.layout(), decoder);
            unreadable.putAll(scan.unreadable);
            if (scan.key == null) {
                skipped.add(new Manifest.Skip(folderName, scan.problem));
                return;
            }
            if (!dsb && skippedEarly(scan.key)) return;
            Labels.Label label = labelByKey.get(scan.key);
            SeriesChooser.Choice choice = SeriesChooser.choose(SeriesAssembler.assemble(scan.headers));
            if (!choice.found()) {
                skipped.add(new Manifest.Skip(scan.key, choice.reason()));
                return;
            }
            CtSeries series = choice.series();
            List<SliceDecoder.Slice> decoded = series.slices().stream().map(h -> scan.slices.get(h.path())).toList();
            double[] spacing = plan.preprocess().spacingMm();
            HuVolume hu = VolumeStacker.stack(decoded, series.positions(), spacing);
            VolumeSidecar.remove(cacheDir, scan.key);
            String file;
            int[] shape;
            Manifest.Lesion lesion = null;
            if (lesions != null) {
                LesionCache.Written w = lesions.write(cacheDir, scan.key, hu, VolumeGeometry.of(series, spacing),
                        nodules(scan.key, series.seriesInstanceUid()));
                file = w.file();
                shape = w.shape();
                lesion = w.lesion();
            } else {
                Npy.Array volume = preprocessor.normalizeAndFrame(hu);
                file = scan.key + ".npy";
                shape = volume.shape();
                AtomicFiles.write(cacheDir.resolve(file), out -> Npy.write(out, volume.shape(), volume.data()));
            }
            Manifest.Entry entry = new Manifest.Entry(scan.key, label.value(), file, shape, fingerprint,
                    series.seriesInstanceUid(), new int[] {series.sliceCount(), series.rows(), series.columns()},
                    new double[] {series.sliceSpacing(), series.pixelSpacing()[0], series.pixelSpacing()[1]},
                    choice.reason(), series.warnings(), scan.unreadable.size(), lesion);
            VolumeSidecar.write(cacheDir, entry);
            manifest.put(entry);
            imported.add(entry);
            slices += series.sliceCount();
        }

        /** Records the patient as seen and says whether it is skipped (no label) or already done. */
        private boolean skippedEarly(String key) {
            seen.add(key);
            if (!labelByKey.containsKey(key)) {
                skipped.add(new Manifest.Skip(key, "no label in " + labels.file()));
                return true;
            }
            if (manifest.isDone(key, fingerprint) && sameNodules(manifest.patients().get(key))) {
                alreadyDone.add(key);
                return true;
            }
            return false;
        }

        /** A patient imported without annotations, or with others, is done again when annotations are given. */
        private boolean sameNodules(Manifest.Entry e) {
            if (annotations == null || e.lesion() == null) return true;
            return java.util.Objects.equals(e.lesion().nodules(), nodules(e.key(), e.sourceSeriesUid()));
        }
    }

    /** Every readable file of one patient folder (header and decoded slice), and the patient's cache key. */
    private record Scan(String key, String problem, List<SliceHeader> headers, Map<Path, SliceDecoder.Slice> slices,
            Map<Path, String> unreadable) {}

    private Scan scan(Path folder, String salt, Labels.Layout layout, SliceDecoder decoder) {
        FolderListing listing = filesUnder(folder);
        List<Path> files = listing.files();
        record Read(SliceHeader header, SliceDecoder.Slice slice, String key) {}
        List<Future<Read>> futures = new ArrayList<>(files.size());
        for (Path f : files) {
            futures.add(pool.submit(() -> {
                DicomFile d = source.read(f);
                if (d.pixelDataMismatch() != null) throw new DicomException(f, d.pixelDataMismatch() + "; slice skipped");
                // The PatientID is hashed here and goes no further.
                String key = layout == Labels.Layout.PATIENT_ID ? patientKey(salt, d.patientId()) : null;
                SliceHeader h = SliceHeader.of(d);
                return new Read(h, decoder.decode(d, h), key);
            }));
        }
        List<SliceHeader> headers = new ArrayList<>(files.size());
        Map<Path, SliceDecoder.Slice> slices = new java.util.HashMap<>();
        Map<Path, String> unreadable = new LinkedHashMap<>();
        listing.skipped().forEach((path, why) -> unreadable.put(path, path + ": " + why + " (skipped)"));
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                Read r = futures.get(i).get();
                headers.add(r.header());
                if (r.slice() != null) slices.put(r.header().path(), r.slice());
                if (r.key() != null) keys.add(r.key());
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof OutOfMemoryError) {
                    // one file too large for this JVM costs that file, not the import
                    unreadable.put(files.get(i), files.get(i) + ": not enough memory to read it");
                    continue;
                }
                if (c instanceof Error err) throw err;
                // DicomException says "FILE: reason"; anything else is a reader bug, still only this file's loss.
                unreadable.put(files.get(i), c instanceof UserFacingException ? c.getMessage() : files.get(i) + ": internal error: " + c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserFacingException("interrupted");
            }
        }
        String folderName = folder.getFileName().toString();
        if (headers.isEmpty()) {
            return new Scan(null, files.isEmpty() ? "empty folder" : "no readable DICOM file (" + unreadable.size() + " unreadable)",
                    headers, slices, unreadable);
        }
        if (layout == Labels.Layout.DSB2017) return new Scan(folderName, null, headers, slices, unreadable);
        keys.remove(null);
        if (keys.size() != 1) {
            return new Scan(null, keys.isEmpty() ? "no PatientID in any file"
                    : "files of " + keys.size() + " different PatientIDs in one folder", headers, slices, unreadable);
        }
        return new Scan(keys.iterator().next(), null, headers, slices, unreadable);
    }

    /** The key of the first readable file with a PatientID in the folder, or null. */
    private String peekKey(Path folder, String salt) {
        for (Path f : filesUnder(folder).files()) {
            try {
                String key = patientKey(salt, source.read(f).patientId());
                if (key != null) return key;
            } catch (UserFacingException e) {
                // unreadable: try the next one; the full scan reports it
            }
        }
        return null;
    }

    /**
     * Every regular file below the folder, in name order, DICOMDIR and hidden files excluded; and
     * what is not a regular file (a FIFO, a socket, a link loop), with why it is skipped.
     */
    private static FolderListing filesUnder(Path folder) {
        try {
            FolderListing all = FolderListing.of(folder);
            return new FolderListing(all.files().stream()
                    .filter(p -> !p.getFileName().toString().startsWith(".") && !p.getFileName().toString().equals("DICOMDIR"))
                    .toList(), all.skipped());
        } catch (IOException e) {
            throw new UserFacingException(folder + ": cannot list: " + e.getMessage());
        }
    }

    /** Patient-keyed annotations under the cache's keys (folder names, or salted PatientID hashes). */
    private static Map<String, List<Nodule>> keyedNodules(Annotations a, Labels.Layout layout, String salt) {
        if (layout == Labels.Layout.DSB2017) return a.byId();
        Map<String, List<Nodule>> out = new java.util.HashMap<>();
        a.byId().forEach((id, nodules) -> out.put(patientKey(salt, id), nodules));
        return out;
    }

    private static Map<String, Labels.Label> keyed(Labels labels, String salt) {
        if (labels.layout() == Labels.Layout.DSB2017) return labels.byId();
        Map<String, Labels.Label> out = new LinkedHashMap<>();
        labels.byId().forEach((id, label) -> out.put(patientKey(salt, id), label));
        return out;
    }

    /**
     * First 16 hex digits of SHA-256(salt, PatientID): stable within one cache (so resume works),
     * different across caches (so a key cannot be looked up in a table of hashed IDs).
     */
    static String patientKey(String salt, String patientId) {
        if (patientId == null || patientId.isBlank()) return null;
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt.getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(patientId.strip().getBytes(StandardCharsets.UTF_8));
            return "p" + HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
