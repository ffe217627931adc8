package org.lungfl.synth;

/** Area under the ROC curve: the probability that a random positive scores above a random negative (ties count half). */
public final class RocAuc {
    private RocAuc() {}

    /** NaN when either class is absent. */
    public static double of(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) throw new IllegalArgumentException("scores and labels differ in length");
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!positive[i]) continue;
            for (int j = 0; j < scores.length; j++) {
                if (positive[j]) continue;
                pairs++;
                if (scores[i] > scores[j]) wins += 1;
                else if (scores[i] == scores[j]) wins += 0.5;
            }
        }
        return pairs == 0 ? Double.NaN : wins / pairs;
    }
}
