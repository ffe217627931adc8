package org.lungfl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.dataset.Nodule;
import org.lungfl.dicom.volume.VolumeGeometry;

/** Patch files as the cache holds them, read as training and scoring examples. */
class PatchExamplesTest {
    static final FederationPlan PLAN = FederationPlan.preset("demo");
    static final int S = PLAN.patch().storedSize(), P = PLAN.patch().size();
    static final VolumeGeometry GRID = new VolumeGeometry(new double[3], new double[] {1, 0, 0}, new double[] {0, 1, 0},
            new double[] {0, 0, 1}, new double[] {1.5, 1.5, 1.5});
    @TempDir Path dir;

    /** A patient with {@code candidates} candidates along x, 15 mm apart; a malignant nodule on the first, a benign one elsewhere. */
    private LesionPatient patient(String key, int label, int candidates, boolean annotated) throws IOException {
        List<Candidate> c = new ArrayList<>();
        for (int i = 0; i < candidates; i++) c.add(new Candidate(new int[] {0, 0, i * 10}, new double[] {i * 15, 0, 0}, 2.5, 100 - i));
        List<Nodule> nodules = annotated ? List.of(new Nodule(new double[] {1, 0, 0}, 10, label == 1), new Nodule(new double[] {0, 90, 0}, 6, false)) : null;
        int rows = candidates + (annotated ? 2 : 0);
        short[] data = new short[rows * S * S * S];
        Random r = new Random(key.hashCode());
        for (int i = 0; i < data.length; i++) data[i] = (short) (-900 + r.nextInt(100));
        for (int row = 0; row < rows; row++) data[row * S * S * S + ((S / 2) * S + S / 2) * S + S / 2] = 40; // the centre voxel: soft tissue
        Path f = dir.resolve(key + ".patches.npy");
        try (OutputStream out = Files.newOutputStream(f)) {
            Npy.write(out, new int[] {rows, S, S, S}, data);
        }
        return new LesionPatient(key, label, f, c, nodules, GRID);
    }

    @Test
    void trainingRowsAreCandidatesLabelledByTheAnnotationsThenTheNodules() throws IOException {
        PatchExamples e = PatchExamples.forTraining(List.of(patient("a", 1, 5, true), patient("b", 0, 4, true)), PLAN);
        assertThat(e.size()).isEqualTo(5 + 2 + 4 + 2);
        // a: candidate 0 lies on the malignant nodule, then its two nodule rows (malignant, benign); b has none malignant.
        int[] labels = new int[e.size()];
        for (int i = 0; i < e.size(); i++) labels[i] = e.label(i);
        assertThat(labels).containsExactly(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(e.positives()).isEqualTo(2);
    }

    @Test
    void anEpochHasEveryPositiveAndTheRatioOfNegativesDrawnAfresh() throws IOException {
        List<LesionPatient> ps = new ArrayList<>();
        for (int i = 0; i < 6; i++) ps.add(patient("p" + i, i % 2, 10, true));
        PatchExamples e = PatchExamples.forTraining(ps, PLAN);
        int[] a = e.epoch(1), b = e.epoch(2);
        int positives = e.positives();
        assertThat(positives).isEqualTo(6);
        assertThat(a).hasSize(positives + (int) Math.round(positives * PLAN.patch().negativesPerPositive()));
        assertThat(java.util.Arrays.stream(a).filter(i -> e.label(i) == 1).count()).isEqualTo(positives);
        assertThat(a).doesNotHaveDuplicates();
        assertThat(java.util.Arrays.stream(a).sorted().toArray()).isNotEqualTo(java.util.Arrays.stream(b).sorted().toArray());
        assertThat(e.epoch(1)).containsExactly(a);
    }

    @Test
    void theCentreStaysTheCentreUnderEveryAugmentationAndValuesAreNormalised() throws IOException {
        PatchExamples e = PatchExamples.candidates(List.of(patient("a", 1, 3, true)), PLAN);
        float[] x = new float[P * P * P];
        int c = P / 2;
        double expected = (40 - PLAN.preprocess().huLow()) / (PLAN.preprocess().huHigh() - PLAN.preprocess().huLow()) - PLAN.preprocess().mean();
        e.load(0, x, 0, null);
        float tissue = x[(c * P + c) * P + c];
        assertThat((double) tissue).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6));
        Random r = new Random(3);
        for (int k = 0; k < 50; k++) {
            e.load(1, x, 0, r);
            // The stored centre (S/2) moves by the shift (±margin) and flips/rotations: find it within the margin.
            int found = 0;
            for (int i = 0; i < x.length; i++) if (x[i] == tissue) found++;
            assertThat(found).isEqualTo(1);
        }
    }

    @Test
    void unannotatedPatientsCannotBeTrainedOnButCanBeScored() throws IOException {
        LesionPatient p = patient("u", 1, 3, false);
        assertThatThrownBy(() -> PatchExamples.forTraining(List.of(p), PLAN)).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("patient u has no nodule annotations").hasMessageContaining("--annotations");
        assertThat(PatchExamples.candidates(List.of(p), PLAN).size()).isEqualTo(3);
    }

    @Test
    void aPatchFileOfTheWrongShapeIsNamed() throws IOException {
        LesionPatient p = patient("w", 0, 3, true);
        LesionPatient wrong = new LesionPatient("w", 0, p.patches(), p.candidates().subList(0, 2), p.nodules(), GRID);
        assertThatThrownBy(() -> PatchExamples.candidates(List.of(wrong), PLAN)).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("w.patches.npy").hasMessageContaining("re-import");
    }

    @Test
    void patientProbabilityIsTheMaxOrTheLeakyNoisyOr() {
        double[] p = {0.2, 0.5, 0.1};
        assertThat(LesionEvaluator.combine(p, PLAN.patch())).isEqualTo(0.5);
        var noisy = new FederationPlan.Patch(32, 2, 5, 3, FederationPlan.Combine.NOISY_OR, 0.1);
        assertThat(LesionEvaluator.combine(p, noisy)).isCloseTo(1 - 0.9 * 0.8 * 0.5 * 0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(LesionEvaluator.combine(new double[0], PLAN.patch())).isZero();
    }
}
