package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.lungfl.dicom.codec.EncoderFixtures.masked;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class RleDecoderTest {
    private final RleDecoder decoder = new RleDecoder();

    @TestFactory
    Stream<DynamicTest> decodesWhatDcmtkAndGdcmEncode() throws Exception {
        return EncoderFixtures.tests("rle", this::check);
    }

    @TestFactory
    Stream<DynamicTest> decodesCommittedFrames() throws Exception {
        List<EncoderFixtures.Case> cases = EncoderFixtures.committed("rle");
        assertThat(cases).hasSize(1);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(EncoderFixtures.Case c) throws Exception {
        int[] ours = decoder.decode(c.frameBytes(), c.descriptor());
        assertThat(masked(ours, c.descriptor().bitsStored())).as("decode of %s", c).isEqualTo(c.expectedSamples());
    }

    @Test
    void decodesLiteralReplicateAndNoOpRuns() throws Exception {
        // PS3.5 G.3.1: n ≥ 0 copies n+1 bytes, −127 ≤ n ≤ −1 repeats the next byte 1−n times, −128 does nothing.
        byte[] frame = frame(segment(1, 10, 20, -128, -2, 30, 0, 40));
        assertThat(decoder.decode(frame, mono(2, 3, 8))).containsExactly(10, 20, 30, 30, 30, 40);
    }

    @Test
    void combinesByteSegmentsMostSignificantFirst() throws Exception {
        byte[] frame = frame(segment(1, 0x12, 0xFF), segment(1, 0x34, 0x01));
        assertThat(decoder.decode(frame, mono(1, 2, 16))).containsExactly(0x1234, 0xFF01);
        byte[] wide = frame(segment(0, 0x80), segment(0, 0x01), segment(0, 0x02), segment(0, 0x03));
        assertThat(decoder.decode(wide, mono(1, 1, 32))).containsExactly(0x80010203);
    }

    @Test
    void interleavesColourPlanes() throws Exception {
        byte[] frame = frame(segment(-1, 1), segment(1, 2, 3), segment(-1, 9));
        ImageDescriptor rgb = new ImageDescriptor(1, 2, 3, 8, 8, 7, 0, "RGB", 1);
        assertThat(decoder.decode(frame, rgb)).containsExactly(1, 2, 9, 1, 3, 9);
    }

    @Test
    void toleratesPaddingAfterCompleteSegments() throws Exception {
        byte[] frame = frame(segment(1, 7, 8, 0), segment(1, 5, 6, 0));
        assertThat(decoder.decode(frame, mono(1, 2, 16))).containsExactly(0x0705, 0x0806);
    }

    @Test
    void rejectsSegmentCountThatDoesNotMatchTheImage() {
        byte[] frame = frame(segment(1, 7, 8));
        assertThatThrownBy(() -> decoder.decode(frame, mono(1, 2, 16)))
                .isInstanceOf(CodecException.class).hasMessageContaining("declares 1 segments").hasMessageContaining("need 2");
    }

    @Test
    void rejectsOffsetsOutsideTheFrame() {
        byte[] frame = frame(segment(1, 7, 8), segment(1, 5, 6));
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(8, frame.length + 1);
        assertThatThrownBy(() -> decoder.decode(frame, mono(1, 2, 16)))
                .isInstanceOf(CodecException.class).hasMessageContaining("segment 2 offset");
        ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 10);
        assertThatThrownBy(() -> decoder.decode(frame, mono(1, 2, 16)))
                .isInstanceOf(CodecException.class).hasMessageContaining("segment 2 offset 10");
    }

    @Test
    void rejectsSegmentsThatDecodeToTooFewOrTooManyBytes() {
        assertThatThrownBy(() -> decoder.decode(frame(segment(1, 7, 8)), mono(1, 3, 8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("segment 1 ends after 2 of 3 bytes");
        assertThatThrownBy(() -> decoder.decode(frame(segment(-3, 7)), mono(1, 3, 8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("more than 3 bytes");
        assertThatThrownBy(() -> decoder.decode(frame(segment(3, 1, 2, 3, 4)), mono(1, 3, 8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("more than 3 bytes");
        assertThatThrownBy(() -> decoder.decode(frame(segment(5, 1, 2)), mono(1, 3, 8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("passes the end of the segment");
    }

    @Test
    void rejectsHugeImageClaimsBeforeAllocating() {
        ImageDescriptor huge = mono(65535, 65535, 16);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> decoder.decode(frame(segment(-127, 0), segment(-127, 0)), huge))
                        .isInstanceOf(CodecException.class).hasMessageContaining("too few"));
    }

    @Test
    void rejectsEmptyFrame() {
        assertThatThrownBy(() -> decoder.decode(new byte[0], mono(2, 2, 8)))
                .isInstanceOf(CodecException.class).hasMessageContaining("64-byte RLE header");
    }

    @Test
    void truncationIsRejectedUnlessOnlyPaddingWasCut() throws Exception {
        for (EncoderFixtures.Case c : EncoderFixtures.committed("rle")) {
            byte[] frame = c.frameBytes();
            int[] full = decoder.decode(frame, c.descriptor());
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int length = 0; length < frame.length; length += 7) {
                    try {
                        int[] partial = decoder.decode(Arrays.copyOf(frame, length), c.descriptor());
                        assertThat(partial).as("frame cut to %d of %d bytes", length, frame.length).isEqualTo(full);
                    } catch (CodecException expected) {
                        assertThat(expected.getMessage()).startsWith("RLE:");
                    }
                }
            });
        }
    }

    @Test
    void survivesRandomByteFlips() throws Exception {
        for (EncoderFixtures.Case c : EncoderFixtures.committed("rle")) {
            HostileInput.byteFlipsSurvived(decoder, c.frameBytes(), c.descriptor(), 2000);
        }
    }

    private static ImageDescriptor mono(int rows, int columns, int bits) {
        return new ImageDescriptor(rows, columns, 1, bits, bits, bits - 1, 0, "MONOCHROME2", 0);
    }

    private static byte[] segment(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return b;
    }

    /** The 64-byte header (segment count, offsets) followed by the segments. */
    private static byte[] frame(byte[]... segments) {
        ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(segments.length);
        int offset = 64;
        for (byte[] s : segments) {
            header.putInt(offset);
            offset += s.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.array());
        for (byte[] s : segments) {
            out.writeBytes(s);
        }
        return out.toByteArray();
    }
}
