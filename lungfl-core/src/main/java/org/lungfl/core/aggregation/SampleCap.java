package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bounds the weight a claimed sample count buys. A site says how many samples it trained on and
 * FedAvg weights it by that; nothing checks the claim, so one update saying 10,000,000 beside two of
 * 100 would take 99.998 % of the round. Within a round each update counts at most {@link #FACTOR}
 * times the round's lower median count: {@code n'_i = min(n_i, FACTOR · median)}. Honest sites
 * rarely differ by more than that from the median site, so ordinary rounds are unchanged, and no
 * claim, however large, weighs more than {@code FACTOR / (FACTOR + K − 1)} beside K − 1 sites at
 * the median (10/12 at K = 3). Deliberate poisoning within the cap is for robust strategies.
 */
public final class SampleCap {
    /** An update counts at most this many times the round's median sample count. */
    public static final long FACTOR = 10;

    private SampleCap() {}

    /** The lower median: the smaller middle value for an even count, so a pair cannot lift its own cap. */
    public static long median(long[] counts) {
        if (counts.length == 0) throw new IllegalArgumentException("no counts");
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    /** The sample counts the round weights by: each claim capped at FACTOR × median. */
    public static long[] counted(long[] claimed) {
        long m = median(claimed);
        long cap = m > Long.MAX_VALUE / FACTOR ? Long.MAX_VALUE : m * FACTOR;
        long[] out = new long[claimed.length];
        for (int i = 0; i < claimed.length; i++) out[i] = Math.min(claimed[i], cap);
        return out;
    }

    /** The contributions with their sample counts capped; base versions unchanged. */
    public static List<Contribution> apply(List<Contribution> claimed) {
        long[] n = new long[claimed.size()];
        for (int i = 0; i < n.length; i++) n[i] = claimed.get(i).numSamples();
        long[] c = counted(n);
        List<Contribution> out = new ArrayList<>(n.length);
        for (int i = 0; i < n.length; i++) out.add(new Contribution(c[i], claimed.get(i).baseVersion()));
        return out;
    }
}
