package org.lungfl.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.lungfl.core.tensor.Npy;

/**
 * A learnable stand-in for the real task: noisy volumes, half of them ("cancer") with one bright
 * Gaussian blob at a random place. Written as .npy files like the dataset cache holds them.
 */
final class SyntheticVolumes {
    static final int[] SHAPE = {1, 16, 32, 32};

    private SyntheticVolumes() {}

    static List<LabelledVolume> write(Path dir, String prefix, int count, long seed) {
        Random r = new Random(seed);
        List<LabelledVolume> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int label = i % 2;
            float[] v = volume(label == 1, r);
            Path f = dir.resolve(prefix + i + ".npy");
            try {
                Npy.write(f, new int[] {SHAPE[1], SHAPE[2], SHAPE[3]}, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.add(new LabelledVolume(prefix + i, label, f));
        }
        return out;
    }

    static float[] volume(boolean blob, Random r) {
        int d = SHAPE[1], h = SHAPE[2], w = SHAPE[3];
        float[] v = new float[d * h * w];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.2 - 0.25);
        if (blob) {
            int cz = 4 + r.nextInt(d - 8), cy = 6 + r.nextInt(h - 12), cx = 6 + r.nextInt(w - 12);
            double radius = 2.5;
            for (int z = 0; z < d; z++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        double dist2 = (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx);
                        v[(z * h + y) * w + x] += (float) (1.5 * Math.exp(-dist2 / (2 * radius * radius)));
                    }
        }
        return v;
    }
}
