package org.lungfl.dicom.volume;

import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;

/**
 * The plan's preprocessing (Zuidhof's DSB2017 recipe, see docs/preprocessing.md): resample to
 * {@code spacing_mm} trilinearly, clip to {@code hu_window}, scale to [0, 1], subtract {@code mean},
 * and crop or pad to {@code target_shape} about the body centre, padding with the value of air.
 */
public final class Preprocessor {
    /** Air in Hounsfield units: what padding pixels become and what the pad value stands for. */
    public static final float AIR_HU = -1000f;

    private final FederationPlan.Preprocess plan;
    private final float low;
    private final float scale;
    private final float mean;

    public Preprocessor(FederationPlan.Preprocess plan) {
        this.plan = plan;
        this.low = (float) plan.huLow();
        this.scale = (float) (1.0 / (plan.huHigh() - plan.huLow()));
        this.mean = (float) plan.mean();
    }

    public FederationPlan.Preprocess plan() {
        return plan;
    }

    /** Full-resolution HU volume in, model input out: {@link #resample} then {@link #normalizeAndFrame}. */
    public Npy.Array preprocess(HuVolume hu) {
        return normalizeAndFrame(resample(hu));
    }

    /** Trilinear resampling to the plan's spacing, one axis at a time (x, y per slice, then z). */
    public HuVolume resample(HuVolume hu) {
        LinearAxis ys = LinearAxis.uniform(hu.height(), hu.spacing()[1], plan.spacingMm()[1]);
        LinearAxis xs = LinearAxis.uniform(hu.width(), hu.spacing()[2], plan.spacingMm()[2]);
        int plane = hu.height() * hu.width();
        float[][] slices = new float[hu.depth()][];
        float[] one = new float[plane];
        for (int z = 0; z < hu.depth(); z++) {
            System.arraycopy(hu.data(), z * plane, one, 0, plane);
            slices[z] = inPlane(one, hu.height(), hu.width(), ys, xs);
        }
        LinearAxis zs = LinearAxis.uniform(hu.depth(), hu.spacing()[0], plan.spacingMm()[0]);
        return new HuVolume(zs.size(), ys.size(), xs.size(), zs.alongSlices(slices, ys.size() * xs.size()), plan.spacingMm().clone());
    }

    static float[] inPlane(float[] slice, int rows, int columns, LinearAxis ys, LinearAxis xs) {
        return ys.alongColumns(xs.alongRows(slice, rows, columns), rows, xs.size());
    }

    /** Value of one HU after clipping, scaling and centring. */
    public float normalize(float hu) {
        // min/max rather than branches: compiled without jumps (and vectorised), where CT noise
        // around the window's edges would mispredict a branch for every other voxel
        return Math.max(0f, Math.min(1f, (hu - low) * scale)) - mean;
    }

    /**
     * Clip, scale and centre a volume already at the plan's spacing, then crop or pad it to the
     * target shape about the body centre ({@link BodyCentre}). Pads with normalised air.
     */
    public Npy.Array normalizeAndFrame(HuVolume atPlanSpacing) {
        int[] in = atPlanSpacing.shape();
        int[] out = plan.targetShape();
        double[] centre = BodyCentre.of(atPlanSpacing);
        int[] start = new int[3];
        for (int a = 0; a < 3; a++) start[a] = cropStart(centre[a], in[a], out[a]);

        float[] src = atPlanSpacing.data();
        float[] dst = new float[out[0] * out[1] * out[2]];
        float air = normalize(AIR_HU);
        // Output slices are independent: shared out over the cores, as the stacking before it.
        java.util.stream.IntStream.range(0, out[0]).parallel().forEach(z -> {
            int plane = out[1] * out[2];
            int sz = z + start[0];
            if (sz < 0 || sz >= in[0]) {
                java.util.Arrays.fill(dst, z * plane, (z + 1) * plane, air);
                return;
            }
            for (int y = 0; y < out[1]; y++) {
                int sy = y + start[1];
                int d = (z * out[1] + y) * out[2];
                if (sy < 0 || sy >= in[1]) {
                    java.util.Arrays.fill(dst, d, d + out[2], air);
                    continue;
                }
                int x0 = Math.max(0, -start[2]);
                int x1 = Math.min(out[2], in[2] - start[2]);
                int s = (sz * in[1] + sy) * in[2] + start[2];
                java.util.Arrays.fill(dst, d, d + x0, air);
                for (int x = x0; x < x1; x++) dst[d + x] = normalize(src[s + x]);
                java.util.Arrays.fill(dst, d + Math.max(x0, x1), d + out[2], air);
            }
        });
        return new Npy.Array(out.clone(), dst);
    }

    /**
     * First source index of the output window along one axis: centred on {@code centre}, but never
     * cutting away data it could keep (a window larger than the data holds all of it; a smaller
     * one stays inside it). Negative means padding before the data.
     */
    static int cropStart(double centre, int in, int out) {
        int start = (int) Math.round(centre - out / 2.0);
        int lo = Math.min(0, in - out);
        int hi = Math.max(0, in - out);
        return Math.max(lo, Math.min(hi, start));
    }
}
