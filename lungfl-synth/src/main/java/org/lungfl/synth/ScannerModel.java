package org.lungfl.synth;

/**
 * What the scanner adds to the ideal image: Gaussian quantum noise, then the reconstruction
 * kernel's blur (a separable [1 2 1]/4 filter, which is also the in-plane partial-volume effect at
 * tissue edges). The blur correlates the noise like a real CT noise texture and scales its standard
 * deviation by 3/8, so the noise is drawn 8/3 times larger to end at the requested σ.
 */
final class ScannerModel {
    /** Standard deviation of white noise after the [1 2 1]/4 ⊗ [1 2 1]/4 filter: sqrt(Σ w²) = 6/16. */
    static final double BLUR_NOISE_GAIN = 6.0 / 16.0;

    private ScannerModel() {}

    /**
     * Adds noise of final standard deviation sigma (HU), blurs, and stores the result as the site
     * stores pixels; deterministic for a given noiseSeed. One pass per direction over the image.
     */
    static void acquire(float[] hu, int rows, int cols, double sigma, long noiseSeed, Storage storage, short[] stored) {
        float s = (float) (sigma / BLUR_NOISE_GAIN);
        long state = noiseSeed | 1;
        int mask = Gaussian.TABLE.length - 1;
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                row[j] = hu[o + j] + s * Gaussian.TABLE[(int) (state >>> 40) & mask];
            }
            for (int j = 0; j < cols; j++) {
                float l = row[j > 0 ? j - 1 : 0], r = row[j < cols - 1 ? j + 1 : cols - 1];
                hu[o + j] = 0.25f * (l + 2 * row[j] + r);
            }
        }
        for (int i = 0; i < rows; i++) {
            int o = i * cols, up = i > 0 ? o - cols : o, down = i < rows - 1 ? o + cols : o;
            for (int j = 0; j < cols; j++) stored[o + j] = storage.stored(0.25f * (hu[up + j] + 2 * hu[o + j] + hu[down + j]));
        }
    }
}
