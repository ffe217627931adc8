package org.lungfl.dicom.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SliceDecoderTest {
    /** The definition the table must reproduce bit for bit: each pixel to HU (padding and below air as air), then the blends. */
    private static float[] pixelByPixel(int[] stored, int rows, int columns, LinearAxis ys, LinearAxis xs, float slope, float intercept,
            OptionalInt padding) {
        float[] hu = new float[rows * columns];
        for (int i = 0; i < hu.length; i++) {
            float v = stored[i] * slope + intercept;
            hu[i] = padding.isPresent() && stored[i] == padding.getAsInt() || v < Preprocessor.AIR_HU ? Preprocessor.AIR_HU : v;
        }
        float[] out = new float[ys.size() * xs.size()];
        for (int k = 0; k < ys.size(); k++) {
            for (int j = 0; j < xs.size(); j++) {
                int r0 = ys.lower[k], r1 = rows == 1 ? r0 : r0 + 1, c0 = xs.lower[j], c1 = columns == 1 ? c0 : c0 + 1;
                float top = hu[r0 * columns + c0] + (hu[r0 * columns + c1] - hu[r0 * columns + c0]) * xs.frac[j];
                float bottom = hu[r1 * columns + c0] + (hu[r1 * columns + c1] - hu[r1 * columns + c0]) * xs.frac[j];
                out[k * xs.size() + j] = top + (bottom - top) * ys.frac[k];
            }
        }
        return out;
    }

    @Test
    void theTableGivesTheBitsOfConvertingEachPixel() {
        Random r = new Random(12);
        for (int trial = 0; trial < 50; trial++) {
            int rows = 1 + r.nextInt(40), columns = 1 + r.nextInt(40);
            boolean signed = r.nextBoolean();
            int bits = 8 + r.nextInt(9);
            int lo = signed ? -(1 << (bits - 1)) : 0, hi = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
            int[] stored = new int[rows * columns];
            for (int i = 0; i < stored.length; i++) stored[i] = lo + r.nextInt(hi - lo + 1);
            float slope = r.nextBoolean() ? 1f : 0.5f + r.nextFloat(), intercept = -1024f + r.nextInt(200) + (r.nextBoolean() ? 0 : 0.37f);
            OptionalInt padding = r.nextBoolean() ? OptionalInt.of(stored[0]) : OptionalInt.empty();
            LinearAxis ys = LinearAxis.uniform(rows, 0.6 + r.nextDouble(), 0.5 + 2 * r.nextDouble());
            LinearAxis xs = LinearAxis.uniform(columns, 0.6 + r.nextDouble(), 0.5 + 2 * r.nextDouble());
            float[] table = SliceDecoder.bilinearHu(stored, columns, ys, xs, HuTable.of(lo, hi, slope, intercept, padding));
            assertThat(table).as("trial %d", trial).containsExactly(pixelByPixel(stored, rows, columns, ys, xs, slope, intercept, padding));
        }
    }

    @Test
    void valuesTooWideToTabulateAreConvertedPixelByPixel() {
        int[] stored = {-2_000_000_000, 0, 1_500_000_000, 1000};
        HuTable perPixel = HuTable.perPixel(stored, 4, 1f, -1024f, OptionalInt.empty());
        assertThat(perPixel.hu()).containsExactly(-1000f, -1000f, 1_500_000_000f - 1024f, -24f);
    }
}
