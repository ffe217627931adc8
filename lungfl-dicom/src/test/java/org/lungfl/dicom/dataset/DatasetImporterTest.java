package org.lungfl.dicom.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.PydicomCt;
import org.lungfl.dicom.series.SeriesWarning;

/** The importer end to end on pydicom-written patients; the cache is checked with numpy. */
class DatasetImporterTest {
    @TempDir Path tmp;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeAll
    static void pydicom() {
        PydicomCt.assumeAvailable();
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static FederationPlan plan(double mean) {
        FederationPlan wv = FederationPlan.preset("whole-volume");
        var pre = new FederationPlan.Preprocess(new double[] {2.0, 1.6, 1.6}, new int[] {8, 16, 16}, new double[] {-1000, 400}, mean);
        return new FederationPlan("test", wv.architecture(), wv.seed(), pre, null, null, wv.train(), wv.aggregation());
    }

    private DatasetImporter.Summary run(FederationPlan plan, Path dicom, Path labels, Path cache) {
        return new DatasetImporter(plan, DicomReader::read, pool).run(dicom, labels, cache, DatasetImporter.Listener.NONE);
    }

    /**
     * p1: two interleaved series in one flat folder (2 mm with one slice missing, 5 mm), plus a
     * corrupt file; p2: nested folders, PixelPaddingValue outside the field of view; p4: no label.
     */
    private Path dicomTree() throws Exception {
        Path dicom = tmp.resolve("dicom");
        PydicomCt ct = new PydicomCt();
        List<Object> blob = List.of(16, 16, 6, 40);
        for (int i = 0; i < 12; i++) {
            if (i == 5) continue;
            ct.slice(dicom.resolve("p1/" + Integer.toHexString(i * 40503 % 4099)), "1.2.840.99.1", i * 2.0).put("blob", blob);
        }
        for (int i = 0; i < 5; i++) ct.slice(dicom.resolve("p1/x" + i), "1.2.840.99.2", i * 5.0).put("blob", blob);
        ct.corrupt(dicom.resolve("p1/zz_corrupt"));
        for (int i = 0; i < 6; i++) {
            Map<String, Object> m = ct.slice(dicom.resolve("p2/study/series/IM" + i), "1.2.840.99.3", i * 2.0);
            m.put("blob", blob);
            m.put("padding", 65535);
        }
        for (int i = 0; i < 4; i++) ct.slice(dicom.resolve("p4/s" + i), "1.2.840.99.4", i * 2.0).put("blob", blob);
        ct.write();
        return dicom;
    }

    @Test
    void importsMessyPatientsReportsEverythingAndNumpyLoadsTheVolumes() throws Exception {
        Path dicom = dicomTree();
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\np1,1\np2,0\np3,1\n");
        Path cache = tmp.resolve("cache");
        DatasetImporter.Summary s = run(plan(0.25), dicom, labels, cache);

        assertThat(s.imported()).extracting(Manifest.Entry::key).containsExactly("p1", "p2");
        assertThat(s.skipped()).extracting(Manifest.Skip::key, Manifest.Skip::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p4", "no label in " + labels));
        assertThat(s.labelsWithoutData()).containsExactly("p3");
        assertThat(s.unreadableFiles()).containsOnlyKeys(dicom.resolve("p1/zz_corrupt"));
        assertThat(s.unreadableFiles().get(dicom.resolve("p1/zz_corrupt"))).startsWith(dicom.resolve("p1/zz_corrupt").toString());
        assertThat(s.slicesImported()).isEqualTo(11 + 6);

        Manifest.Entry p1 = s.imported().get(0);
        assertThat(p1.sourceSeriesUid()).isEqualTo("1.2.840.99.1");
        assertThat(p1.seriesChoice()).contains("11 slices at 2.00 mm").contains("chosen over 1 other series");
        assertThat(p1.warnings()).extracting(SeriesWarning::kind).containsExactly(SeriesWarning.Kind.MISSING_SLICES);
        assertThat(p1.originalShape()).containsExactly(11, 32, 32);
        assertThat(p1.originalSpacingMm()).containsExactly(2.0, 0.8, 0.8);
        assertThat(p1.unreadableFiles()).isEqualTo(1);
        assertThat(p1.label()).isEqualTo(1);
        assertThat(p1.preprocessFingerprint()).isEqualTo(plan(0.25).preprocessFingerprint());

        // What the model will read: numpy's view of the files.
        Manifest m = Manifest.read(cache);
        assertThat(m.patients()).containsOnlyKeys("p1", "p2");
        assertThat(Files.list(cache).map(p -> p.getFileName().toString()).sorted().toList())
                .containsExactly(".volumes", "manifest.json", "p1.npy", "p2.npy");
        assumeNumpy();
        String out = python("import numpy as np, sys\n"
                + "for f in sys.argv[1:]:\n"
                + "    a = np.load(f)\n"
                + "    print(a.dtype, a.shape, repr(float(a[4, 8, 8])), repr(float(a[4, 0, 0])), repr(float(a.max())))\n",
                cache.resolve("p1.npy").toString(), cache.resolve("p2.npy").toString());
        float tissue = (40f + 1000f) / 1400f - 0.25f;
        List<String> lines = out.lines().toList();
        for (String line : lines) {
            String[] f = line.split(" ", 2);
            assertThat(f[0]).isEqualTo("float32");
            assertThat(f[1]).startsWith("(8, 16, 16) ");
            String[] v = f[1].substring("(8, 16, 16) ".length()).split(" ");
            assertThat(Float.parseFloat(v[0])).as("blob centre").isCloseTo(tissue, org.assertj.core.data.Offset.offset(1e-6f));
            // p2's corners are PixelPaddingValue (65535 = 64511 HU if taken literally): they must be air.
            assertThat(Float.parseFloat(v[1])).as("corner").isEqualTo(-0.25f);
            assertThat(Float.parseFloat(v[2])).as("max").isCloseTo(tissue, org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(lines).hasSize(2);
        // And our own reader agrees with numpy about the same file.
        assertThat(Npy.read(cache.resolve("p2.npy")).data()[(4 * 16 + 8) * 16 + 8]).isCloseTo(tissue, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void resumeSkipsDonePatientsAndAChangedPlanRedoesThem() throws Exception {
        Path dicom = dicomTree();
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "id,cancer\np1,1\np2,0\n");
        Path cache = tmp.resolve("cache");
        run(plan(0.25), dicom, labels, cache);
        long p1Time = Files.getLastModifiedTime(cache.resolve("p1.npy")).toMillis();
        float before = Npy.read(cache.resolve("p1.npy")).data()[0];

        DatasetImporter.Summary again = run(plan(0.25), dicom, labels, cache);
        assertThat(again.imported()).isEmpty();
        assertThat(again.alreadyDone()).containsExactly("p1", "p2");
        assertThat(Files.getLastModifiedTime(cache.resolve("p1.npy")).toMillis()).isEqualTo(p1Time);

        // A deleted volume is redone even with the same plan.
        Files.delete(cache.resolve("p2.npy"));
        assertThat(run(plan(0.25), dicom, labels, cache).imported()).extracting(Manifest.Entry::key).containsExactly("p2");

        DatasetImporter.Summary changed = run(plan(0.30), dicom, labels, cache);
        assertThat(changed.imported()).extracting(Manifest.Entry::key).containsExactly("p1", "p2");
        assertThat(Npy.read(cache.resolve("p1.npy")).data()[0]).isCloseTo(before - 0.05f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(Manifest.read(cache).patients().get("p1").preprocessFingerprint()).isEqualTo(plan(0.30).preprocessFingerprint());
        try (var s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void patientIdLabelsGiveSaltedHashKeysAndNoIdReachesTheCache() throws Exception {
        Path dicom = tmp.resolve("dicom");
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 5; i++) {
            ct.slice(dicom.resolve("scan-a/" + i), "1.2.840.99.5", i * 2.0).put("patient_id", "PID-123");
            ct.slice(dicom.resolve("scan-b/" + i), "1.2.840.99.6", i * 2.0).put("patient_id", "PID-456");
        }
        ct.write();
        Path labels = Files.writeString(tmp.resolve("labels.csv"), "PatientID,label\nPID-456,0\nPID-123,1\nPID-789,1\n");
        Path cache = tmp.resolve("cache");
        DatasetImporter.Summary s = run(plan(0.25), dicom, labels, cache);
        assertThat(s.imported()).hasSize(2).allSatisfy(e -> assertThat(e.key()).matches("p[0-9a-f]{16}"));
        assertThat(s.labelsWithoutData()).containsExactly("line 4");
        String manifest = Files.readString(cache.resolve(Manifest.FILE), StandardCharsets.UTF_8);
        assertThat(manifest).doesNotContain("PID-").doesNotContain("SYNTH").doesNotContain("scan-");
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("PID"));
        }
        Map<Integer, String> keyByLabel = new java.util.HashMap<>();
        s.imported().forEach(e -> keyByLabel.put(e.label(), e.key()));
        assertThat(keyByLabel).hasSize(2);
        // Keys are stable within the cache (resume works) ...
        assertThat(run(plan(0.25), dicom, labels, cache).alreadyDone()).containsExactlyInAnyOrderElementsOf(keyByLabel.values());
        // ... and differ in another cache (its own salt).
        DatasetImporter.Summary other = run(plan(0.25), dicom, labels, tmp.resolve("cache2"));
        assertThat(other.imported()).extracting(Manifest.Entry::key).doesNotContainAnyElementsOf(keyByLabel.values());
    }

    static void assumeNumpy() {
        boolean ok;
        try {
            ok = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (Exception e) {
            ok = false;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ok, "needs /usr/bin/python3 with numpy (Debian python3-numpy)");
    }

    static String python(String script, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
