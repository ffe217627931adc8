package org.lungfl.cli;

import java.util.Random;
import org.lungfl.model.Examples;

/**
 * A site's training examples with every label inverted (the label-flipping attack of
 * {@code lungfl bench robustness}). Each epoch visits the same examples as the honest site would,
 * so the hostile site trains as long and reports as many samples as it would honestly; only what
 * it is taught is reversed.
 */
record FlippedLabels(Examples honest) implements Examples {
    @Override
    public int size() {
        return honest.size();
    }

    @Override
    public int label(int i) {
        return 1 - honest.label(i);
    }

    @Override
    public void load(int i, float[] dst, int offset, Random augment) {
        honest.load(i, dst, offset, augment);
    }

    @Override
    public int[] epoch(long seed) {
        return honest.epoch(seed);
    }
}
