package org.lungfl.model;

import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.metrics.BinaryMetrics;

/** Runs a model over examples in inference mode and scores its probabilities. */
public final class Evaluator {
    /** One patient's outcome. */
    public record Prediction(String key, int label, double probability) {}

    public record Result(BinaryMetrics metrics, List<Prediction> predictions) {}

    private Evaluator() {}

    /** Whole volumes (plan {@code whole-volume}): one probability per patient. */
    public static Result evaluate(LungModel model, List<LabelledVolume> data, int batchSize) {
        double[] p = probabilities(model, new VolumeExamples(data, model.inputShape()), batchSize);
        List<Prediction> out = new ArrayList<>(data.size());
        for (int i = 0; i < p.length; i++) out.add(new Prediction(data.get(i).key(), data.get(i).label(), p[i]));
        int[] y = out.stream().mapToInt(Prediction::label).toArray();
        return new Result(BinaryMetrics.of(p, y), out);
    }

    /** The model's probability for every example, in order, without augmentation. */
    public static double[] probabilities(LungModel model, Examples data, int batchSize) {
        int n = data.size();
        double[] out = new double[n];
        try (BatchLoader loader = new BatchLoader(data, model.inputShape(), false)) {
            if (n > 0) loader.prefetch(range(0, Math.min(n, batchSize)), 0);
            for (int from = 0; from < n; from += batchSize) {
                BatchLoader.Batch batch = loader.take();
                int next = from + batchSize;
                if (next < n) loader.prefetch(range(next, Math.min(n, next + batchSize)), 0);
                float[] logits = model.logits(batch.volumes(), batch.size());
                for (int i = 0; i < batch.size(); i++) out[batch.indices()[i]] = LungModel.sigmoid(logits[i]);
            }
        }
        return out;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
