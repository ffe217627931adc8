package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.EncoderFixtures.masked;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class JpegLsDecoderTest {
    private static final ImageDescriptor MONO8_16x16 = new ImageDescriptor(16, 16, 1, 8, 8, 7, 0, "MONOCHROME2", 0);

    private final JpegLsDecoder decoder = new JpegLsDecoder();

    @TestFactory
    Stream<DynamicTest> decodesWhatDcmtkAndGdcmEncode() throws Exception {
        return EncoderFixtures.tests("jpegls", this::check);
    }

    @TestFactory
    Stream<DynamicTest> decodesCommittedCodestreams() throws Exception {
        List<EncoderFixtures.Case> cases = EncoderFixtures.committed("jpegls");
        assertThat(cases).hasSize(3);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /**
     * Issue 12, point 5: GDCM codes 12-bit data near-losslessly with P=16 and MAXVAL 65535, so a
     * sample of 4095 may be reconstructed as 4095 + NEAR. Masked to BitsStored that wrapped to a
     * few units (bone became air); it must be clamped to 4095, as T.87 clamps to MAXVAL.
     */
    @Test
    void nearLosslessOvershootBeyondBitsStoredIsClampedNotWrapped() throws Exception {
        EncoderFixtures.Case c = EncoderFixtures.committed("jpegls").stream()
                .filter(k -> k.name().equals("u12_24x20.gdcm-jls-near2")).findFirst().orElseThrow();
        int[] ours = decoder.decode(c.frameBytes(), c.descriptor());
        int[] original = c.expectedSamples();
        int bright = 0;
        for (int i = 0; i < ours.length; i++) {
            assertThat(ours[i]).as("sample %d", i).isBetween(0, 4095);
            assertThat(Math.abs(ours[i] - original[i])).as("error of sample %d", i).isLessThanOrEqualTo(c.near());
            if (original[i] == 4095) bright++;
        }
        assertThat(bright).as("samples at the top of the 12-bit range, where the overshoot happens").isPositive();
    }

    private void check(EncoderFixtures.Case c) throws Exception {
        ImageDescriptor d = c.descriptor();
        if (c.rejectedByOthers()) {
            assertThatThrownBy(() -> decoder.decode(c.frameBytes(), d))
                    .as("%s: neither DCMTK nor GDCM can decode it", c).isInstanceOf(CodecException.class);
            return;
        }
        int[] ours = masked(decoder.decode(c.frameBytes(), d), d.bitsStored());
        int[] original = c.expectedSamples();
        if (c.near() == 0) {
            assertThat(ours).as("lossless decode of %s", c).isEqualTo(original);
            return;
        }
        assertThat(ours).as("decode of %s equals the independent decoder's", c).isEqualTo(c.referenceSamples());
        // Distance modulo 2^BitsStored: GDCM codes 12-bit data with P=16, so 4095 may come back
        // as 4096, which is 0 once the pipeline masks to 12 bits.
        int modulus = 1 << d.bitsStored();
        for (int i = 0; i < ours.length; i++) {
            int diff = Math.floorMod(ours[i] - original[i], modulus);
            assertThat(Math.min(diff, modulus - diff)).as("error of sample %d of %s", i, c)
                    .isLessThanOrEqualTo(c.near());
        }
    }

    @Test
    void rejectsEveryTruncation() throws Exception {
        for (EncoderFixtures.Case c : EncoderFixtures.committed("jpegls")) {
            HostileInput.everyTruncationRejected(decoder, c.frameBytes(), c.descriptor());
        }
    }

    @Test
    void survivesRandomByteFlips() throws Exception {
        for (EncoderFixtures.Case c : EncoderFixtures.committed("jpegls")) {
            HostileInput.byteFlipsSurvived(decoder, c.frameBytes(), c.descriptor(), 400);
        }
    }

    @Test
    void rejectsEmptyFrame() {
        assertThatThrownBy(() -> decoder.decode(new byte[0], MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("SOI");
    }

    @Test
    void rejectsFrameThatDisagreesWithTheDicomHeader() throws Exception {
        EncoderFixtures.Case c = committed("s16_24x20.dcmcjpls");
        ImageDescriptor d = c.descriptor();
        byte[] frame = c.frameBytes();
        assertThatThrownBy(() -> decoder.decode(frame, new ImageDescriptor(21, 24, 1, 16, 16, 15, 1, "MONOCHROME2", 0)))
                .isInstanceOf(CodecException.class).hasMessageContaining("24x20").hasMessageContaining("24x21");
        assertThatThrownBy(() -> decoder.decode(frame, new ImageDescriptor(20, 24, 3, 16, 16, 15, 1, "RGB", 0)))
                .isInstanceOf(CodecException.class).hasMessageContaining("3 samples per pixel");
        assertThatThrownBy(() -> decoder.decode(frame, new ImageDescriptor(20, 24, 1, 8, 8, 7, 1, "MONOCHROME2", 0)))
                .isInstanceOf(CodecException.class).hasMessageContaining("precision 16 exceeds bits allocated 8");
        assertThat(decoder.decode(frame, d)).hasSize(480);
    }

    @Test
    void skipsCommentsApplicationSegmentsZeroRestartIntervalFillBytesAndPaddingAfterEoi() throws Exception {
        EncoderFixtures.Case c = committed("s16_24x20.dcmcjpls");
        byte[] frame = c.frameBytes();
        int[] plain = decoder.decode(frame, c.descriptor());
        int eoi = frame.length - 2;
        while (!(frame[eoi] == (byte) 0xFF && frame[eoi + 1] == (byte) 0xD9)) {
            eoi--; // encoders may pad after EOI themselves
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(frame, 0, 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 5, 'h', 'i', '!'}); // COM
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE8, 0, 7, 'm', 'r', 'f', 'x', 0}); // APP8, no colour transform
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDD, 0, 5, 0, 0, 0}); // DRI: 3-byte interval 0, no restarts
        out.write(frame, 2, eoi - 2);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xD9, 0}); // fill byte before EOI, pad after
        assertThat(decoder.decode(out.toByteArray(), c.descriptor())).isEqualTo(plain);
    }

    @Test
    void refusesToAllocateHugeFrames() {
        // Run mode could code this from a few hundred bytes; the limit stops it before allocating.
        ImageDescriptor huge = new ImageDescriptor(65535, 65535, 1, 16, 16, 15, 0, "MONOCHROME2", 0);
        byte[] frame = codestream(16, 65535, 65535, new byte[0], 0, new byte[] {(byte) 0xFF, 0x7F});
        assertThatThrownBy(() -> decoder.decode(frame, huge))
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void oneDecoderServesManyThreads() throws Exception {
        List<EncoderFixtures.Case> cases = EncoderFixtures.committed("jpegls");
        List<int[]> expected = new ArrayList<>();
        for (EncoderFixtures.Case c : cases) {
            expected.add(decoder.decode(c.frameBytes(), c.descriptor()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < cases.size(); i++) {
                            EncoderFixtures.Case c = cases.get(i);
                            if (!Arrays.equals(decoder.decode(c.frameBytes(), c.descriptor()), expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rejectsGolombCodeLongerThanLimit() {
        // All-zero neighbours start run mode; a 0 bit ends the run at once, and the interruption
        // sample's Golomb code then runs into 10 bytes of zeros, past LIMIT − J[0] − 1 = 31.
        byte[] frame = codestream(8, 16, 16, new byte[0], 0, new byte[10]);
        assertThatThrownBy(() -> decoder.decode(frame, MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("exceeds the limit");
    }

    @Test
    void rejectsScanDataThatEndsBeforeTheImage() throws Exception {
        byte[] frame = committed("s16_24x20.dcmcjpls").frameBytes();
        int scanStart = indexOf(frame, 0xDA) + 2 + 8; // SOS marker, then its 8-byte segment
        byte[] shortened = Arrays.copyOf(frame, scanStart + 60);
        shortened[shortened.length - 2] = (byte) 0xFF;
        shortened[shortened.length - 1] = (byte) 0xD9;
        assertThatThrownBy(() -> decoder.decode(shortened, committed("s16_24x20.dcmcjpls").descriptor()))
                .isInstanceOf(CodecException.class).hasMessageStartingWith("JPEG-LS:");
    }

    @Test
    void rejectsScanDataLeftOverAfterTheLastLine() throws Exception {
        EncoderFixtures.Case c = committed("s16_24x20.dcmcjpls");
        byte[] frame = c.frameBytes();
        int eoi = frame.length - 2;
        while (!(frame[eoi] == (byte) 0xFF && frame[eoi + 1] == (byte) 0xD9)) {
            eoi--;
        }
        byte[] longer = new byte[frame.length + 5];
        System.arraycopy(frame, 0, longer, 0, eoi);
        System.arraycopy(frame, eoi, longer, eoi + 5, frame.length - eoi); // five zero bytes before EOI
        assertThatThrownBy(() -> decoder.decode(longer, c.descriptor()))
                .isInstanceOf(CodecException.class).hasMessageContaining("left after the last line");
    }

    @Test
    void rejectsFeaturesItDoesNotImplement() {
        byte[] mappingTable = {(byte) 0xFF, (byte) 0xF8, 0, 6, 2, 1, 0, 0};
        assertThatThrownBy(() -> decoder.decode(codestream(8, 16, 16, mappingTable, 0, new byte[4]), MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("mapping tables");
        byte[] restart = {(byte) 0xFF, (byte) 0xDD, 0, 6, 0, 0, 1, 0};
        assertThatThrownBy(() -> decoder.decode(codestream(8, 16, 16, restart, 0, new byte[4]), MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("restart intervals");
        byte[] baselineJpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0};
        assertThatThrownBy(() -> decoder.decode(baselineJpeg, MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("not JPEG-LS");
        byte[] colourTransform = {(byte) 0xFF, (byte) 0xE8, 0, 7, 'm', 'r', 'f', 'x', 1};
        assertThatThrownBy(() -> decoder.decode(codestream(8, 16, 16, colourTransform, 0, new byte[4]), MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("colour transform");
        byte[] dnl = codestream(8, 0, 16, new byte[0], 0, new byte[4]);
        assertThatThrownBy(() -> decoder.decode(dnl, MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("DNL");
    }

    @Test
    void rejectsInvalidPresetParameters() {
        // T1 = 20 > T2 = 10 breaks T1 ≤ T2 ≤ T3 (T.87 C.2.4.1.1).
        byte[] lse = {(byte) 0xFF, (byte) 0xF8, 0, 13, 1, 0, (byte) 255, 0, 20, 0, 10, 0, 30, 0, 64};
        assertThatThrownBy(() -> decoder.decode(codestream(8, 16, 16, lse, 0, new byte[4]), MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("thresholds");
        assertThatThrownBy(() -> decoder.decode(codestream(8, 16, 16, new byte[0], 200, new byte[4]), MONO8_16x16))
                .isInstanceOf(CodecException.class).hasMessageContaining("NEAR 200");
    }

    /** SOI, SOF55 with one component, extra segments, SOS with ILV 0, the scan bytes, EOI. */
    private static byte[] codestream(int precision, int rows, int columns, byte[] segments, int near, byte[] scan) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xF7, 0, 11, (byte) precision,
            (byte) (rows >> 8), (byte) rows, (byte) (columns >> 8), (byte) columns, 1, 1, 0x11, 0});
        out.writeBytes(segments);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0, (byte) near, 0, 0});
        out.writeBytes(scan);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
        return out.toByteArray();
    }

    private static EncoderFixtures.Case committed(String name) throws Exception {
        return EncoderFixtures.committed("jpegls").stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static int indexOf(byte[] frame, int marker) {
        for (int i = 0; i + 1 < frame.length; i++) {
            if (frame[i] == (byte) 0xFF && frame[i + 1] == (byte) marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + marker);
    }
}
