package org.lungfl.model;

import java.util.Random;

/**
 * What a model trains on or scores, one input at a time: whole preprocessed volumes
 * ({@link VolumeExamples}) or candidate patches ({@link PatchExamples}). Each example is a label
 * and a way to write its input, possibly augmented, as floats.
 */
public interface Examples {
    int size();

    /** 1 = positive (cancer, or a malignant nodule at the patch centre), 0 = negative. */
    int label(int i);

    /**
     * Writes example {@code i} as the model's input (D·H·W floats) into {@code dst} from {@code offset};
     * {@code augment} draws a random label-preserving change, null means none.
     */
    void load(int i, float[] dst, int offset, Random augment);

    /**
     * The examples one epoch visits, in order: by default every example once, shuffled by the seed.
     * Patch sets draw a balanced sample instead.
     */
    default int[] epoch(long seed) {
        int[] idx = new int[size()];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        shuffle(idx, new Random(seed));
        return idx;
    }

    /** Fisher–Yates with the given generator: the same seed, the same order on every machine. */
    static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
