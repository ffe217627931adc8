package org.lungfl.model;

import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;

/**
 * Candidate patches of a lesion-centred cache as model inputs: the stored int16 cubes (side
 * S = P + 2·margin) are memory-mapped, and each input is the centred P³ window, normalised by the
 * plan's HU window. Augmentation shifts the window within the margin, flips each axis and rotates by
 * a multiple of 90° in the axial plane: all label-preserving for a roughly round lesion at the centre.
 *
 * <p>An epoch visits every positive and {@code negatives_per_positive} times as many negatives, drawn
 * afresh each epoch: the thousands of vessel and rib candidates would otherwise swamp the few
 * nodules, and a different sample every epoch still shows the model all of them over time.
 */
public final class PatchExamples implements Examples {
    /** One example: a row of a patient's patch file and its label. */
    record Row(int patient, int row, int label) {}

    private final List<LesionPatient> patients;
    private final List<Row> rows;
    private final ShortBuffer[] files;
    private final int size;
    private final int margin;
    private final int stored;
    private final float low;
    private final float scale;
    private final float mean;
    private final double negativesPerPositive;

    private PatchExamples(List<LesionPatient> patients, List<Row> rows, FederationPlan plan) {
        this(patients, mapAll(patients, plan.patch().storedSize()), rows, plan);
    }

    private PatchExamples(List<LesionPatient> patients, ShortBuffer[] files, List<Row> rows, FederationPlan plan) {
        this.patients = List.copyOf(patients);
        this.rows = List.copyOf(rows);
        FederationPlan.Patch p = plan.patch();
        this.size = p.size();
        this.margin = p.margin();
        this.stored = p.storedSize();
        this.low = (float) plan.preprocess().huLow();
        this.scale = (float) (1.0 / (plan.preprocess().huHigh() - plan.preprocess().huLow()));
        this.mean = (float) plan.preprocess().mean();
        this.negativesPerPositive = p.negativesPerPositive();
        this.files = files;
    }

    /** {@code count} stored patches held in memory (a study being scored), unlabelled. */
    public static PatchExamples ofPatches(short[] patches, int count, FederationPlan plan) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) rows.add(new Row(0, i, 0));
        return new PatchExamples(List.of(), new ShortBuffer[] {ShortBuffer.wrap(patches)}, rows, plan);
    }

    private static ShortBuffer[] mapAll(List<LesionPatient> patients, int stored) {
        ShortBuffer[] files = new ShortBuffer[patients.size()];
        Map<Path, ShortBuffer> mapped = new HashMap<>();
        for (int i = 0; i < patients.size(); i++) {
            LesionPatient pt = patients.get(i);
            files[i] = mapped.computeIfAbsent(pt.patches(), f -> map(f, pt, stored));
        }
        return files;
    }

    /**
     * Training examples: every candidate, labelled by the annotations, plus every annotated
     * nodule's own patch (malignant ones are positives the detector may have missed, benign ones
     * hard negatives). Patients without annotations cannot be trained on: that is an error.
     */
    public static PatchExamples forTraining(List<LesionPatient> patients, FederationPlan plan) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < patients.size(); i++) {
            LesionPatient p = patients.get(i);
            if (!p.annotated()) {
                throw new UserFacingException("patient " + p.key() + " has no nodule annotations: plan '" + plan.name()
                        + "' trains on annotated nodules (import with --annotations)");
            }
            int n = p.candidates().size();
            for (int c = 0; c < n; c++) rows.add(new Row(i, c, p.candidateLabel(c, plan.patch().matchMm())));
            for (int k = 0; k < p.nodules().size(); k++) rows.add(new Row(i, n + k, p.nodules().get(k).malignant() ? 1 : 0));
        }
        return new PatchExamples(patients, rows, plan);
    }

    /** The candidates of each patient, in order, labelled by the annotations where there are any (else 0). */
    public static PatchExamples candidates(List<LesionPatient> patients, FederationPlan plan) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < patients.size(); i++) {
            LesionPatient p = patients.get(i);
            for (int c = 0; c < p.candidates().size(); c++) rows.add(new Row(i, c, p.candidateLabel(c, plan.patch().matchMm())));
        }
        return new PatchExamples(patients, rows, plan);
    }

    public List<LesionPatient> patients() {
        return patients;
    }

    /** The patient (index into {@link #patients()}) of example {@code i}. */
    public int patientOf(int i) {
        return rows.get(i).patient();
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public int label(int i) {
        return rows.get(i).label();
    }

    public int positives() {
        return (int) rows.stream().filter(r -> r.label() == 1).count();
    }

    @Override
    public int[] epoch(long seed) {
        Random rnd = new Random(seed);
        List<Integer> pos = new ArrayList<>();
        List<Integer> neg = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) (rows.get(i).label() == 1 ? pos : neg).add(i);
        int[] negatives = neg.stream().mapToInt(Integer::intValue).toArray();
        Examples.shuffle(negatives, rnd);
        int take = pos.isEmpty() ? negatives.length : (int) Math.min(negatives.length, Math.round(pos.size() * negativesPerPositive));
        int[] out = new int[pos.size() + take];
        for (int i = 0; i < pos.size(); i++) out[i] = pos.get(i);
        System.arraycopy(negatives, 0, out, pos.size(), take);
        Examples.shuffle(out, rnd);
        return out;
    }

    @Override
    public void load(int i, float[] dst, int offset, Random augment) {
        Row r = rows.get(i);
        ShortBuffer src = files[r.patient()];
        int cube = stored * stored * stored;
        int base = r.row() * cube;
        int oz = margin, oy = margin, ox = margin;
        boolean fz = false, fy = false, fx = false;
        int rot = 0;
        if (augment != null) {
            oz = augment.nextInt(2 * margin + 1);
            oy = augment.nextInt(2 * margin + 1);
            ox = augment.nextInt(2 * margin + 1);
            fz = augment.nextBoolean();
            fy = augment.nextBoolean();
            fx = augment.nextBoolean();
            rot = augment.nextInt(4);
        }
        int p = size, last = size - 1;
        int o = offset;
        for (int z = 0; z < p; z++) {
            int sz = oz + (fz ? last - z : z);
            for (int y = 0; y < p; y++) {
                for (int x = 0; x < p; x++) {
                    // Rotate (y, x) by rot·90° in the axial plane, then flip.
                    int ry, rx;
                    switch (rot) {
                        case 1 -> { ry = x; rx = last - y; }
                        case 2 -> { ry = last - y; rx = last - x; }
                        case 3 -> { ry = last - x; rx = y; }
                        default -> { ry = y; rx = x; }
                    }
                    int sy = oy + (fy ? last - ry : ry);
                    int sx = ox + (fx ? last - rx : rx);
                    dst[o++] = normalize(src.get(base + (sz * stored + sy) * stored + sx));
                }
            }
        }
    }

    private float normalize(short hu) {
        float v = (hu - low) * scale;
        return (v < 0 ? 0 : v > 1 ? 1 : v) - mean;
    }

    private static ShortBuffer map(Path file, LesionPatient p, int side) {
        Npy.MappedShorts m = Npy.mapShorts(file);
        int[] s = m.shape();
        int rows = p.candidates().size() + (p.nodules() == null ? 0 : p.nodules().size());
        if (s.length != 4 || s[0] != rows || s[1] != side || s[2] != side || s[3] != side) {
            throw new UserFacingException(file + ": patches of shape " + java.util.Arrays.toString(s) + ", expected [" + rows + ", "
                    + side + ", " + side + ", " + side + "] (re-import the dataset with this plan)");
        }
        return m.data();
    }
}
