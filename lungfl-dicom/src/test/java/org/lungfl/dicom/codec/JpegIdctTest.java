package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** libjpeg's islow IDCT is accurate to ±1 of the exact transform (IEEE 1180); so must ours be. */
class JpegIdctTest {
    @Test
    void reconstructsRandomBlocksWithinOneAt8Bits() {
        assertThat(worstError(JpegIdct.PRECISION_8, 8)).isLessThanOrEqualTo(1);
    }

    @Test
    void reconstructsRandomBlocksWithinOneAt12Bits() {
        assertThat(worstError(JpegIdct.PRECISION_12, 12)).isLessThanOrEqualTo(1);
    }

    /** Random blocks → exact forward DCT rounded to integers (quantisation step 1) → our IDCT. */
    private static int worstError(JpegIdct idct, int bits) {
        Random random = new Random(1180);
        int max = (1 << bits) - 1;
        int worst = 0;
        int[] quant = new int[64];
        Arrays.fill(quant, 1);
        int[] coef = new int[64], ws = new int[64], out = new int[64];
        for (int trial = 0; trial < 2000; trial++) {
            int[] pixels = new int[64];
            int base = random.nextInt(max + 1), spread = 1 + random.nextInt(max + 1);
            for (int i = 0; i < 64; i++) pixels[i] = Math.max(0, Math.min(max, base + random.nextInt(spread) - spread / 2));
            for (int v = 0; v < 8; v++) {
                for (int u = 0; u < 8; u++) {
                    double sum = 0;
                    for (int y = 0; y < 8; y++) {
                        for (int x = 0; x < 8; x++) {
                            sum += (pixels[y * 8 + x] - (max + 1) / 2) * Math.cos((2 * x + 1) * u * Math.PI / 16) * Math.cos((2 * y + 1) * v * Math.PI / 16);
                        }
                    }
                    coef[v * 8 + u] = (int) Math.round(sum / 4 * (u == 0 ? Math.sqrt(0.5) : 1) * (v == 0 ? Math.sqrt(0.5) : 1));
                }
            }
            idct.transform(coef, quant, ws, out, 0, 8);
            for (int i = 0; i < 64; i++) worst = Math.max(worst, Math.abs(out[i] - pixels[i]));
        }
        return worst;
    }
}
