package org.lungfl.model;

import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.metrics.BinaryMetrics;

/** Runs a model over labelled volumes in inference mode and scores its probabilities. */
public final class Evaluator {
    /** One patient's outcome. */
    public record Prediction(String key, int label, double probability) {}

    public record Result(BinaryMetrics metrics, List<Prediction> predictions) {}

    private Evaluator() {}

    public static Result evaluate(LungModel model, List<LabelledVolume> data, int batchSize) {
        List<Prediction> out = new ArrayList<>(data.size());
        int n = data.size();
        try (BatchLoader loader = new BatchLoader(data, model.inputShape(), false)) {
            if (n > 0) loader.prefetch(range(0, Math.min(n, batchSize)), 0);
            for (int from = 0; from < n; from += batchSize) {
                BatchLoader.Batch batch = loader.take();
                int next = from + batchSize;
                if (next < n) loader.prefetch(range(next, Math.min(n, next + batchSize)), 0);
                float[] logits = model.logits(batch.volumes(), batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    LabelledVolume v = data.get(batch.indices()[i]);
                    out.add(new Prediction(v.key(), v.label(), LungModel.sigmoid(logits[i])));
                }
            }
        }
        double[] p = out.stream().mapToDouble(Prediction::probability).toArray();
        int[] y = out.stream().mapToInt(Prediction::label).toArray();
        return new Result(BinaryMetrics.of(p, y), out);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
