package org.lungfl.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.model.WeightRules;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.Weights;

/**
 * What the one hostile site of {@code lungfl bench robustness} does to its update. The weight
 * attacks start from the site's honestly trained weights θ and the global model w it trained from,
 * and change the delta Δ = θ − w of every tensor the strategy aggregates (counters are left alone:
 * every strategy takes their maximum); label flipping changes the training instead. The attacker
 * keeps its update valid for the server's upload checks ({@link WeightRules}: a BatchNorm running
 * variance below 0 is refused with 422), as one who wants its update aggregated would: such a
 * variance is sent as 0.
 */
enum Attack {
    HONEST("honest", "all honest"),
    /** Δ × −10: a model-replacement attack, or a site whose update blew up. */
    SCALING("scaling", "model scaling (delta x -10)"),
    /** Δ × −1: the update points away from where the site's data leads, with an honest norm. */
    SIGN_FLIP("sign-flip", "sign flip (delta x -1)"),
    /** Δ replaced by Gaussian noise of the same L2 norm: garbage that no norm bound can tell from an update. */
    NOISE("noise", "Gaussian noise (honest norm)"),
    /** The site trains honestly, on its own data, with every training label inverted. */
    LABEL_FLIP("label-flip", "labels flipped");

    static final double SCALE = -10;

    final String id;
    final String title;

    Attack(String id, String title) {
        this.id = id;
        this.title = title;
    }

    static Attack byId(String id) {
        for (Attack a : values()) if (a.id.equals(id)) return a;
        throw new UserFacingException("unknown attack '" + id + "' (known: " + String.join(", ", ids()) + ")");
    }

    static List<String> ids() {
        return Arrays.stream(values()).map(a -> a.id).toList();
    }

    boolean flipsLabels() {
        return this == LABEL_FLIP;
    }

    /**
     * The update the attacker sends instead of {@code trained}.
     *
     * @param aggregated names of the F32 tensors the strategy combines
     * @param rnd the noise attack's generator
     */
    Weights apply(Weights global, Weights trained, List<String> aggregated, Random rnd) {
        return switch (this) {
            case HONEST, LABEL_FLIP -> trained;
            case SCALING -> scaled(global, trained, aggregated, SCALE);
            case SIGN_FLIP -> scaled(global, trained, aggregated, -1);
            case NOISE -> noise(global, trained, aggregated, rnd);
        };
    }

    /** ‖a − b‖₂ over the named tensors, in double precision (what the server's screening computes). */
    static double deltaNorm(Weights a, Weights b, List<String> tensors) {
        double sum = 0;
        for (String name : tensors) {
            float[] x = a.get(name).floats(), y = b.get(name).floats();
            for (int j = 0; j < x.length; j++) {
                double d = (double) x[j] - y[j];
                sum += d * d;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * The cosine between the steps {@code a − base} and {@code Σ bs − n·base} (the sum of the
     * deltas {@code bs} start from base) over the named tensors: +1 when the global model moved the way
     * the honest sites lead, −1 when an attack turned it round.
     */
    static double cosine(Weights a, List<Weights> bs, Weights base, List<String> tensors) {
        double dot = 0, na = 0, nb = 0;
        for (String name : tensors) {
            float[] x = a.get(name).floats(), g = base.get(name).floats();
            double[] sum = new double[g.length];
            for (Weights b : bs) {
                float[] y = b.get(name).floats();
                for (int j = 0; j < g.length; j++) sum[j] += (double) y[j] - g[j];
            }
            for (int j = 0; j < g.length; j++) {
                double d = (double) x[j] - g[j];
                dot += d * sum[j];
                na += d * d;
                nb += sum[j] * sum[j];
            }
        }
        return na == 0 || nb == 0 ? Double.NaN : dot / Math.sqrt(na * nb);
    }

    private static Weights scaled(Weights global, Weights trained, List<String> aggregated, double factor) {
        return map(global, trained, aggregated, (name, g, t, j) -> (float) (g[j] + factor * ((double) t[j] - g[j])));
    }

    private static Weights noise(Weights global, Weights trained, List<String> aggregated, Random rnd) {
        double norm = deltaNorm(trained, global, aggregated);
        Map<String, float[]> draws = new HashMap<>();
        double sum = 0;
        for (String name : aggregated) {
            float[] n = new float[global.get(name).size()];
            for (int j = 0; j < n.length; j++) {
                n[j] = (float) rnd.nextGaussian();
                sum += (double) n[j] * n[j];
            }
            draws.put(name, n);
        }
        double scale = sum == 0 ? 0 : norm / Math.sqrt(sum);
        return map(global, trained, aggregated, (name, g, t, j) -> (float) (g[j] + scale * draws.get(name)[j]));
    }

    private interface Op {
        float at(String tensor, float[] global, float[] trained, int j);
    }

    /** {@code trained} with each aggregated tensor's values replaced by {@code op}; the others as trained. */
    private static Weights map(Weights global, Weights trained, List<String> aggregated, Op op) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : trained.tensors()) {
            if (!aggregated.contains(t.name())) {
                out.add(t);
                continue;
            }
            float[] g = global.get(t.name()).floats(), v = t.floats(), r = new float[v.length];
            boolean variance = WeightRules.isRunningVariance(t.name());
            for (int j = 0; j < r.length; j++) {
                r[j] = op.at(t.name(), g, v, j);
                if (variance && r[j] < 0) r[j] = 0f;
            }
            out.add(Tensor.ofFloats(t.name(), t.shape(), r));
        }
        return new Weights(out);
    }
}
