package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/** Damaged copies of valid frames: the decoder must return a frame of the right size or throw CodecException. */
final class HostileInput {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private HostileInput() {}

    /** Decodes every prefix of {@code frame} whose length is a multiple of 7; each must be rejected. */
    static void everyTruncationRejected(FrameDecoder decoder, byte[] frame, ImageDescriptor d) {
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (int length = 0; length < frame.length; length += 7) {
                byte[] prefix = Arrays.copyOf(frame, length);
                int cut = length;
                assertThatCode(() -> decoder.decode(prefix, d)).as("frame cut to %d of %d bytes", cut, frame.length)
                        .isInstanceOf(CodecException.class);
            }
        });
    }

    /** Flips 1–4 random bytes {@code trials} times (fixed seed). */
    static void byteFlipsSurvived(FrameDecoder decoder, byte[] frame, ImageDescriptor d, int trials) {
        Random random = new Random(20261128L);
        assertTimeoutPreemptively(TIMEOUT, () -> {
            for (int t = 0; t < trials; t++) {
                byte[] damaged = frame.clone();
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
                }
                decodedOrRejected(decoder, damaged, d);
            }
        });
    }

    static void decodedOrRejected(FrameDecoder decoder, byte[] frame, ImageDescriptor d) {
        try {
            int[] samples = decoder.decode(frame, d);
            assertThat(samples).hasSize(d.samplesPerFrame());
        } catch (CodecException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
