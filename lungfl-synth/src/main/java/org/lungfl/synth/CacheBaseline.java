package org.lungfl.synth;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.dataset.Manifest;

/**
 * Scores every patient of an imported dataset cache with {@link DenseBlobBaseline} and reports the
 * ROC AUC against the cache's labels. Works on the volumes the cache keeps, so the baseline and
 * the CNN face the same resolution: HU (int16) under a lesion-centred plan, the normalised window
 * (float32) under the whole-volume one.
 */
public final class CacheBaseline {
    public record Score(String key, int label, double largestBlobMl) {}

    public record Result(List<Score> scores, double auc) {
        public long positives() { return scores.stream().filter(s -> s.label() == 1).count(); }
    }

    private CacheBaseline() {}

    public static Result run(Path cacheDir, FederationPlan federationPlan) {
        FederationPlan.Preprocess plan = federationPlan.preprocess();
        Manifest manifest = Manifest.read(cacheDir);
        double low = plan.huWindow()[0], range = plan.huWindow()[1] - plan.huWindow()[0];
        List<Score> scores = new ArrayList<>();
        for (Manifest.Entry e : manifest.patients().values()) {
            Path file = cacheDir.resolve(e.file());
            int[] s;
            float[] hu;
            if (federationPlan.lesionCentred()) {
                Npy.ShortArray a = Npy.readShorts(file);
                s = a.shape();
                hu = new float[a.data().length];
                for (int i = 0; i < hu.length; i++) hu[i] = a.data()[i];
            } else {
                Npy.Array a = Npy.read(file);
                s = a.shape();
                hu = new float[a.data().length];
                for (int i = 0; i < hu.length; i++) hu[i] = (float) ((a.data()[i] + plan.mean()) * range + low);
            }
            if (s.length != 3) throw new UserFacingException(file + ": expected a 3-D volume, shape has " + s.length + " axes");
            scores.add(new Score(e.key(), e.label(), DenseBlobBaseline.largestDenseBlobMl(hu, s[0], s[1], s[2], plan.spacingMm())));
        }
        double[] x = new double[scores.size()];
        boolean[] y = new boolean[scores.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = scores.get(i).largestBlobMl();
            y[i] = scores.get(i).label() == 1;
        }
        return new Result(scores, RocAuc.of(x, y));
    }
}
