package org.lungfl.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.dataset.CandidateRecall;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.dataset.Nodule;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.volume.VolumeGeometry;

/**
 * synth → {@code dataset import --annotations nodules.csv} under the lesion-centred demo plan: the
 * cached HU volume and its recorded grid put every nodule of the generator's {@code nodules.csv}
 * where it is (patient mm → voxel → mm), the detector proposes every clearly visible nodule, and the
 * patch file holds a patch per candidate and per annotated nodule, centred on it.
 */
class LesionImportTest {
    /** Solid, free-standing nodules of 10–30 mm, no granulomas: every one should be found. */
    static final PhantomModel VISIBLE = new PhantomModel(10, 10, 30, 0, 0, 0, 0, 0, 0, 0, 3, 8, -850, 30, 40);

    @TempDir static Path tmp;
    static Path data, cache;
    static ExecutorService pool;
    static final FederationPlan PLAN = FederationPlan.preset("demo");

    @BeforeAll
    static void synthAndImport() {
        data = tmp.resolve("synth");
        cache = tmp.resolve("cache");
        pool = Executors.newFixedThreadPool(2);
        // Full-size studies of two protocols (3 mm slices every 10 mm, unsigned 12-bit RLE at 2.5 mm), all with cancer.
        SynthTesting.generate(new SynthDataset.Options(2, 3, 0, 1.0, 0, 5, false, VISIBLE, null, null, 2), data);
        for (String site : List.of("site-1", "site-2")) {
            new DatasetImporter(PLAN, DicomReader::read, pool).run(data.resolve(site).resolve("dicom"), data.resolve(site).resolve("labels.csv"),
                    data.resolve(site).resolve("nodules.csv"), cache.resolve(site), DatasetImporter.Listener.NONE);
        }
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyAnnotatedNoduleIsDenseWhereTheGridPutsIt() {
        int checked = 0;
        for (String site : List.of("site-1", "site-2")) {
            for (Manifest.Entry e : Manifest.read(cache.resolve(site)).patients().values()) {
                Npy.ShortArray hu = Npy.readShorts(cache.resolve(site).resolve(e.file()));
                assertThat(hu.shape()).containsExactly(e.shape());
                VolumeGeometry grid = e.lesion().grid();
                assertThat(grid.spacing()).containsExactly(PLAN.preprocess().spacingMm());
                assertThat(e.lesion().nodules()).as("annotations of %s", e.key()).isNotEmpty();
                for (Nodule n : e.lesion().nodules()) {
                    double[] v = grid.toVoxel(n.positionMm());
                    double[] back = grid.toPatient(v[0], v[1], v[2]);
                    for (int a = 0; a < 3; a++) assertThat(back[a]).isCloseTo(n.positionMm()[a], org.assertj.core.data.Offset.offset(1e-9));
                    // Soft tissue at the centre voxel, air (lung) two radii away along x.
                    assertThat(at(hu, v, 0)).as("%s: HU at the centre of the %.1f mm nodule", e.key(), n.diameterMm()).isGreaterThan(-300);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(6);
    }

    @Test
    void theDetectorProposesEveryVisibleNodule() {
        for (String site : List.of("site-1", "site-2")) {
            Manifest m = Manifest.read(cache.resolve(site));
            CandidateRecall r = CandidateRecall.of(m.patients().values(), PLAN.candidates().topK(), PLAN.patch().matchMm());
            assertThat(r.cancers()).isEqualTo(3);
            assertThat(r.atLeast8mm().found()).as("%s: %s", site, r.bands()).isEqualTo(r.atLeast8mm().nodules());
            for (Manifest.Entry e : m.patients().values()) {
                List<Candidate> c = e.lesion().candidates();
                assertThat(c).hasSizeLessThanOrEqualTo(PLAN.candidates().topK());
                for (int i = 1; i < c.size(); i++) assertThat(c.get(i).score()).isLessThanOrEqualTo(c.get(i - 1).score());
                for (Candidate k : c) {
                    double[] mm = e.lesion().grid().toPatient(k.voxel()[0], k.voxel()[1], k.voxel()[2]);
                    assertThat(k.distanceMm(mm)).isLessThan(1e-6);
                }
            }
        }
    }

    @Test
    void patchesAreCentredOnCandidatesThenNodules() {
        int side = PLAN.patch().storedSize();
        for (Manifest.Entry e : Manifest.read(cache.resolve("site-2")).patients().values()) {
            Npy.ShortArray patches = Npy.readShorts(cache.resolve("site-2").resolve(e.lesion().patches()));
            int rows = e.lesion().candidates().size() + e.lesion().nodules().size();
            assertThat(patches.shape()).containsExactly(rows, side, side, side);
            Npy.ShortArray hu = Npy.readShorts(cache.resolve("site-2").resolve(e.file()));
            int c = side / 2, cube = side * side * side;
            for (int r = 0; r < rows; r++) {
                double[] v = r < e.lesion().candidates().size() ? toDouble(e.lesion().candidates().get(r).voxel())
                        : e.lesion().grid().toVoxel(e.lesion().nodules().get(r - e.lesion().candidates().size()).positionMm());
                short centre = patches.data()[r * cube + (c * side + c) * side + c];
                assertThat(centre).as("%s row %d", e.key(), r).isEqualTo((short) at(hu, v, 0));
            }
        }
    }

    private static double[] toDouble(int[] v) {
        return new double[] {v[0], v[1], v[2]};
    }

    private static int at(Npy.ShortArray hu, double[] v, int dx) {
        int[] s = hu.shape();
        int z = (int) Math.round(v[0]), y = (int) Math.round(v[1]), x = (int) Math.round(v[2]) + dx;
        if (z < 0 || y < 0 || x < 0 || z >= s[0] || y >= s[1] || x >= s[2]) return -1000;
        return hu.data()[(z * s[1] + y) * s[2] + x];
    }
}
