package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.lungfl.dicom.codec.JpegFixtures.Case;

/** Decodes a fixture and compares it with the original (lossless) or the encoder's own decoder (lossy). */
final class FixtureCheck {
    private FixtureCheck() {
    }

    /**
     * @param maxSampleError largest difference per sample allowed against the reference decoder
     * @return the largest difference per sample found
     */
    static int check(FrameDecoder decoder, Case c, int maxSampleError) throws CodecException {
        JpegFixtures.assumeAvailable(c);
        ImageDescriptor d = c.descriptor();
        int[] decoded = decoder.decode(c.codestream(), d);
        assertThat(decoded).as(c.name() + ": sample count").hasSize(d.samplesPerFrame());
        int[] values = JpegFixtures.storedValues(decoded, d);
        if (c.lossless()) {
            assertThat(values).as(c.name() + ": lossless decode equals the original samples").isEqualTo(c.orig());
            return 0;
        }
        // a reference decoder may leave lossy overshoot outside BitsStored; our decoders clamp it
        int lo = d.signed() ? -(1 << (d.bitsStored() - 1)) : 0;
        int hi = d.signed() ? (1 << (d.bitsStored() - 1)) - 1 : (1 << d.bitsStored()) - 1;
        int max = 0;
        long sum = 0;
        for (int i = 0; i < values.length; i++) {
            int diff = Math.abs(values[i] - Math.max(lo, Math.min(hi, c.ref()[i])));
            max = Math.max(max, diff);
            sum += diff;
        }
        System.out.printf("[%s] %s vs reference decoder: max abs diff %d, mean abs diff %.4f%n",
                decoder.getClass().getSimpleName(), c.name(), max, sum / (double) values.length);
        assertThat(max).as(c.name() + ": max difference per sample against the encoder's own decoder").isLessThanOrEqualTo(maxSampleError);
        double ours = JpegFixtures.mean(values, c.slope(), c.intercept());
        double original = JpegFixtures.mean(c.orig(), c.origSlope(), c.origIntercept());
        assertThat(ours).as(c.name() + ": mean HU against the original").isCloseTo(original, within(1.0));
        return max;
    }
}
