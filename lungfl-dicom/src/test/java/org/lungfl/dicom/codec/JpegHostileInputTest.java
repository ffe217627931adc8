package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.codec.JpegFixtures.Case;

/** Corrupt, truncated and mislabelled codestreams give a CodecException, promptly, and nothing else. */
class JpegHostileInputTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);

    static Stream<Arguments> decodersAndCodestreams() throws IOException {
        return Stream.of(
                Arguments.of(new JpegDecoder(), one(JpegFixtures.EXTENDED)),
                Arguments.of(new JpegDecoder(), one(JpegFixtures.BASELINE)),
                Arguments.of(new JpegLosslessDecoder(), one(JpegFixtures.LOSSLESS)),
                Arguments.of(new Jpeg2000Decoder(), one(JpegFixtures.J2K)));
    }

    private static Case one(String syntax) throws IOException {
        return JpegFixtures.committed(syntax).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("decodersAndCodestreams")
    void emptyAndForeignInputIsRefused(FrameDecoder decoder, Case c) {
        ImageDescriptor d = c.descriptor();
        for (byte[] junk : new byte[][] {{}, {(byte) 0xFF}, {(byte) 0xFF, (byte) 0xD8}, {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9},
                {(byte) 0xFF, 0x4F}, "DICM not a codestream".getBytes(), new byte[4096]}) {
            assertThatThrownBy(() -> decoder.decode(junk, d)).as(Arrays.toString(junk)).isInstanceOf(CodecException.class);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("decodersAndCodestreams")
    void descriptorThatDoesNotMatchTheCodestreamIsRefused(FrameDecoder decoder, Case c) {
        ImageDescriptor d = c.descriptor();
        assertRefused(decoder, c, d2 -> new ImageDescriptor(d.rows() + 1, d.columns(), d.samplesPerPixel(), d.bitsAllocated(),
                d.bitsStored(), d.highBit(), d.pixelRepresentation(), d.photometricInterpretation(), 0), "DICOM says");
        assertRefused(decoder, c, d2 -> new ImageDescriptor(d.rows(), d.columns() - 1, d.samplesPerPixel(), d.bitsAllocated(),
                d.bitsStored(), d.highBit(), d.pixelRepresentation(), d.photometricInterpretation(), 0), "DICOM says");
        assertRefused(decoder, c, d2 -> new ImageDescriptor(d.rows(), d.columns(), 4 - d.samplesPerPixel(), d.bitsAllocated(),
                d.bitsStored(), d.highBit(), d.pixelRepresentation(), d.photometricInterpretation(), 0), "SamplesPerPixel");
        if (decoder instanceof Jpeg2000Decoder) {
            // a JPEG 2000 code-stream narrower than BitsStored is decoded (issue 12); one wider than BitsAllocated is not
            assertRefused(decoder, c, d2 -> new ImageDescriptor(d.rows(), d.columns(), d.samplesPerPixel(), 8,
                    8, 7, d.pixelRepresentation(), d.photometricInterpretation(), 0), "BitsAllocated");
        } else {
            assertRefused(decoder, c, d2 -> new ImageDescriptor(d.rows(), d.columns(), d.samplesPerPixel(), 32,
                    31, 30, d.pixelRepresentation(), d.photometricInterpretation(), 0), "BitsStored");
        }
    }

    private static void assertRefused(FrameDecoder decoder, Case c, UnaryOperator<ImageDescriptor> change, String message) {
        ImageDescriptor wrong = change.apply(c.descriptor());
        assertThatThrownBy(() -> decoder.decode(c.codestream(), wrong)).isInstanceOf(CodecException.class).hasMessageContaining(message);
    }

    /** Every prefix: refused, or (only once the entropy data is complete) decoded to the full image. */
    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("decodersAndCodestreams")
    void truncationAnywhereIsRefused(FrameDecoder decoder, Case c) throws CodecException {
        int[] full = decoder.decode(c.codestream(), c.descriptor());
        int refused = assertTimeoutPreemptively(LIMIT, () -> {
            int n = 0;
            for (int length = 0; length < c.codestream().length; length++) {
                byte[] cut = Arrays.copyOf(c.codestream(), length);
                try {
                    int[] decoded = decoder.decode(cut, c.descriptor());
                    assertThat(decoded).as("prefix of %d bytes", length).hasSize(full.length);
                    if (decoder instanceof JpegDecoder) {
                        assertThat(length).as("only the EOI marker may be missing").isGreaterThanOrEqualTo(c.codestream().length - 2);
                        assertThat(decoded).isEqualTo(full);
                    }
                } catch (CodecException expected) {
                    n++;
                }
            }
            return n;
        });
        System.out.printf("[%s] %s: %d of %d prefixes refused%n", decoder.getClass().getSimpleName(), c.name(), refused, c.codestream().length);
        // only prefixes missing no more than the end marker (EOI, EOC) may decode
        assertThat(refused).isGreaterThanOrEqualTo(c.codestream().length - 2);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("decodersAndCodestreams")
    void randomByteFlipsGiveACodecExceptionOrAnImageOfTheRightSize(FrameDecoder decoder, Case c) {
        Random random = new Random(20261128);
        int refused = assertTimeoutPreemptively(LIMIT, () -> {
            int n = 0;
            for (int trial = 0; trial < 400; trial++) {
                byte[] bad = c.codestream().clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    bad[random.nextInt(bad.length)] ^= (byte) (1 + random.nextInt(255));
                }
                try {
                    assertThat(decoder.decode(bad, c.descriptor())).hasSize(c.descriptor().samplesPerFrame());
                } catch (CodecException expected) {
                    n++;
                }
            }
            return n;
        });
        System.out.printf("[%s] %s: %d of 400 corrupted codestreams refused%n", decoder.getClass().getSimpleName(), c.name(), refused);
        assertThat(refused).isPositive();
    }
}
