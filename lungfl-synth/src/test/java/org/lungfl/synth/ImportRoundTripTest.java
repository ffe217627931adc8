package org.lungfl.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.SeriesAssembler;
import org.lungfl.dicom.series.SeriesChooser;
import org.lungfl.dicom.series.SliceHeader;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.Preprocessor;
import org.lungfl.dicom.volume.SliceDecoder;
import org.lungfl.dicom.volume.VolumeStacker;

/**
 * synth --small → dataset import (the importer the CLI runs) → every nodule is in the
 * preprocessed volume where the generator put it, within a voxel, and the labels survive.
 *
 * <p>The cache does not record where its crop window sits in patient coordinates, so the test
 * locates each cached volume inside the importer's own uncropped plan-spacing volume by exact
 * match, then maps the generator's millimetres through that volume's grid.
 */
class ImportRoundTripTest {
    /** Solid, free-standing nodules of 10–30 mm (visible at 5 mm voxels), no granulomas. */
    static final PhantomModel VISIBLE = new PhantomModel(10, 10, 30, 0, 0, 0, 0, 0, 0, 0, 3, 8, -850, 30, 40);

    @TempDir static Path tmp;
    static Path data, cache;
    static ExecutorService pool;
    static FederationPlan plan = FederationPlan.preset("whole-volume");

    @BeforeAll
    static void synthAndImport() {
        data = tmp.resolve("synth");
        cache = tmp.resolve("cache");
        pool = Executors.newFixedThreadPool(2);
        // Site 2 stores unsigned RLE, site 1 signed explicit LE: both paths through the reader.
        SynthDataset.Options o = new SynthDataset.Options(2, 4, 0, 0.5, 0, 21, true, VISIBLE, null, null, 2);
        SynthTesting.generate(o, data);
        for (String site : List.of("site-1", "site-2")) {
            new DatasetImporter(plan, DicomReader::read, pool).run(data.resolve(site).resolve("dicom"),
                    data.resolve(site).resolve("labels.csv"), cache.resolve(site), new DatasetImporter.Listener() {
                        @Override public void started(int patients) {}

                        @Override public void patientDone(int done, int total, long slices) {}
                    });
        }
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void labelsSurviveTheImport() {
        for (String site : List.of("site-1", "site-2")) {
            Map<String, Integer> expected = new HashMap<>();
            for (String l : SynthTesting.lines(data.resolve(site).resolve("labels.csv")).subList(1, 5)) {
                expected.put(l.split(",")[0], Integer.parseInt(l.split(",")[1]));
            }
            Map<String, Integer> imported = new HashMap<>();
            Manifest.read(cache.resolve(site)).patients().forEach((k, e) -> imported.put(k, e.label()));
            assertThat(imported).isEqualTo(expected);
        }
    }

    @Test
    void everyNoduleIsWhereTheGeneratorPutIt() throws IOException {
        Preprocessor pre = new Preprocessor(plan.preprocess());
        double[] sp = plan.preprocess().spacingMm();
        int checked = 0;
        for (String site : List.of("site-1", "site-2")) {
            Manifest manifest = Manifest.read(cache.resolve(site));
            for (String line : SynthTesting.lines(data.resolve(site).resolve("nodules.csv")).subList(1, linesIn(site))) {
                String[] f = line.split(",");
                String id = f[0];
                double x = Double.parseDouble(f[6]), y = Double.parseDouble(f[7]), z = Double.parseDouble(f[8]), d = Double.parseDouble(f[9]);
                Npy.Array cached = Npy.read(cache.resolve(site).resolve(manifest.patients().get(id).file()));

                CtSeries series = series(data.resolve(site).resolve("dicom").resolve(id));
                SliceDecoder decoder = new SliceDecoder(sp);
                List<SliceDecoder.Slice> decoded = new ArrayList<>();
                for (SliceHeader h : series.slices()) decoded.add(decoder.decode(DicomReader.read(h.path()), h));
                HuVolume full = VolumeStacker.stack(decoded, series.positions(), sp);
                int[] crop = cropOffset(cached, full, pre);
                double[] ipp = series.slices().get(0).position();
                double[] expected = {(z - series.positions()[0]) / sp[0] - crop[0], (y - ipp[1]) / sp[1] - crop[1], (x - ipp[0]) / sp[2] - crop[2]};

                int[] s = cached.shape();
                int nz = (int) Math.round(expected[0]), ny = (int) Math.round(expected[1]), nx = (int) Math.round(expected[2]);
                assertThat(cached.data()[(nz * s[1] + ny) * s[2] + nx]).as("%s: HU at the voxel of the %.1f mm nodule centre", id, d)
                        .isGreaterThan(pre.normalize(-300f));
                double[] centroid = denseCentroid(cached, pre, expected, d / 2 + sp[1] / 2, sp);
                assertThat(centroid).as("%s nodule at (%.1f, %.1f, %.1f) mm, %.1f mm: no dense voxels near voxel %s", id, x, y, z, d,
                        java.util.Arrays.toString(expected)).isNotNull();
                for (int a = 0; a < 3; a++) {
                    assertThat(Math.abs(centroid[a] - expected[a])).as("%s nodule %.1f mm, axis %d: found %s, expected %s", id, d, a,
                            java.util.Arrays.toString(centroid), java.util.Arrays.toString(expected)).isLessThanOrEqualTo(1.0);
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    private static int linesIn(String site) {
        return SynthTesting.lines(data.resolve(site).resolve("nodules.csv")).size();
    }

    private static CtSeries series(Path patient) throws IOException {
        List<SliceHeader> headers = new ArrayList<>();
        try (var files = Files.list(patient)) {
            for (Path p : files.sorted().toList()) headers.add(SliceHeader.of(DicomReader.read(p)));
        }
        SeriesChooser.Choice choice = SeriesChooser.choose(SeriesAssembler.assemble(headers));
        assertThat(choice.found()).as(choice.reason()).isTrue();
        return choice.series();
    }

    /** Where the cached (cropped or padded) volume starts inside the full plan-spacing volume: the offset at which every overlapping voxel matches. */
    private static int[] cropOffset(Npy.Array cached, HuVolume full, Preprocessor pre) {
        int[] out = cached.shape(), in = full.shape();
        float air = pre.normalize(Preprocessor.AIR_HU);
        for (int sz = Math.min(0, in[0] - out[0]); sz <= Math.max(0, in[0] - out[0]); sz++) {
            for (int sy = Math.min(0, in[1] - out[1]); sy <= Math.max(0, in[1] - out[1]); sy++) {
                search:
                for (int sx = Math.min(0, in[2] - out[2]); sx <= Math.max(0, in[2] - out[2]); sx++) {
                    for (int z = 0; z < out[0]; z++) {
                        for (int y = 0; y < out[1]; y++) {
                            for (int x = 0; x < out[2]; x++) {
                                int fz = z + sz, fy = y + sy, fx = x + sx;
                                boolean inside = fz >= 0 && fz < in[0] && fy >= 0 && fy < in[1] && fx >= 0 && fx < in[2];
                                float want = inside ? pre.normalize(full.at(fz, fy, fx)) : air;
                                if (cached.data()[(z * out[1] + y) * out[2] + x] != want) continue search;
                            }
                        }
                    }
                    return new int[] {sz, sy, sx};
                }
            }
        }
        throw new AssertionError("the cached volume is not a crop of the importer's plan-spacing volume");
    }

    /**
     * Centroid (voxel coordinates) of the voxels above -300 HU connected to the voxel nearest the
     * expected centre, within the nodule's radius plus half a voxel (so the chest wall or a vessel
     * it abuts at this resolution does not pull it); null if none.
     */
    private static double[] denseCentroid(Npy.Array v, Preprocessor pre, double[] at, double radiusMm, double[] sp) {
        int[] s = v.shape();
        float threshold = pre.normalize(-300f);
        int cz = (int) Math.round(at[0]), cy = (int) Math.round(at[1]), cx = (int) Math.round(at[2]);
        java.util.ArrayDeque<int[]> queue = new java.util.ArrayDeque<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        queue.add(new int[] {cz, cy, cx});
        double sz = 0, sy = 0, sx = 0;
        int n = 0;
        while (!queue.isEmpty()) {
            int[] p = queue.poll();
            if (p[0] < 0 || p[1] < 0 || p[2] < 0 || p[0] >= s[0] || p[1] >= s[1] || p[2] >= s[2]) continue;
            double dz = (p[0] - at[0]) * sp[0], dy = (p[1] - at[1]) * sp[1], dx = (p[2] - at[2]) * sp[2];
            if (dz * dz + dy * dy + dx * dx > radiusMm * radiusMm) continue;
            int i = (p[0] * s[1] + p[1]) * s[2] + p[2];
            if (!seen.add(i) || !(v.data()[i] > threshold)) continue;
            sz += p[0];
            sy += p[1];
            sx += p[2];
            n++;
            int[][] nb = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
            for (int[] d : nb) queue.add(new int[] {p[0] + d[0], p[1] + d[1], p[2] + d[2]});
        }
        return n == 0 ? null : new double[] {sz / n, sy / n, sx / n};
    }
}
