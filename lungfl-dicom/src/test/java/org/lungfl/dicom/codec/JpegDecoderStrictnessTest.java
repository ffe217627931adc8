package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.TinyJpeg.gray;
import static org.lungfl.dicom.codec.TinyJpeg.soi;

import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Each malformation named in T.81's syntax gives its own CodecException. */
class JpegDecoderStrictnessTest {
    private final JpegDecoder decoder = new JpegDecoder();

    private AbstractThrowableAssert<?, ?> refused(byte[] jpeg, ImageDescriptor d) {
        return assertThatThrownBy(() -> decoder.decode(jpeg, d)).isInstanceOf(CodecException.class);
    }

    @Test
    void flatBlocksDecodeToTheLevelShift() throws CodecException {
        assertThat(decoder.decode(TinyJpeg.flat(9, 17), gray(9, 17, 8))).hasSize(9 * 17).containsOnly(128);
        byte[] twelve = soi().dqt16().sof(0xC1, 12, 8, 8).dht().sos().entropy("000").eoi().bytes();
        assertThat(decoder.decode(twelve, gray(8, 8, 12))).hasSize(64).containsOnly(2048);
    }

    @Test
    void oneAcCoefficientGivesACosinePattern() throws CodecException {
        // DC 0, coefficient (0,1) = +1: a horizontal half-cosine of amplitude ~0.18, rounded to 128 or so
        byte[] jpeg = soi().dqt().sof(0xC0, 8, 8, 8).dht().sos().entropy("0 10 1 00").eoi().bytes();
        int[] samples = decoder.decode(jpeg, gray(8, 8, 8));
        assertThat(samples).hasSize(64);
        assertThat(Arrays.stream(samples).min().orElseThrow()).isGreaterThanOrEqualTo(127);
        assertThat(Arrays.stream(samples).max().orElseThrow()).isLessThanOrEqualTo(129);
    }

    @Test
    void markersOutOfOrderAreRefused() {
        refused(soi().dqt().dht().sos().entropy("000").eoi().bytes(), gray(8, 8, 8)).hasMessageContaining("scan before the frame header");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).sos().entropy("000").eoi().bytes(), gray(8, 8, 8)).hasMessageContaining("undefined Huffman table");
        refused(soi().sof(0xC0, 8, 8, 8).dht().sos().entropy("000").eoi().bytes(), gray(8, 8, 8)).hasMessageContaining("undefined quantisation table");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).sof(0xC0, 8, 8, 8).dht().sos().entropy("000").eoi().bytes(), gray(8, 8, 8)).hasMessageContaining("second frame header");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).dht().eoi().bytes(), gray(8, 8, 8)).hasMessageContaining("EOI before all components");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).dht().sos().entropy("000").sos().entropy("000").eoi().bytes(), gray(8, 8, 8))
                .hasMessageContaining("scanned twice");
        refused(soi().raw(0xFF, 0xD8).bytes(), gray(8, 8, 8)).hasMessageContaining("unexpected marker 0xFFD8");
        refused(new byte[] {0x12, 0x34}, gray(8, 8, 8)).hasMessageContaining("missing SOI");
    }

    @Test
    void otherProcessesAndPrecisionsAreRefused() {
        refused(soi().dqt().sof(0xC2, 8, 8, 8).bytes(), gray(8, 8, 8)).hasMessageContaining("SOF2 (progressive)");
        refused(soi().dqt().sof(0xC9, 8, 8, 8).bytes(), gray(8, 8, 8)).hasMessageContaining("SOF9");
        refused(soi().dqt().sof(0xC0, 12, 8, 8).bytes(), gray(8, 8, 12)).hasMessageContaining("baseline frame with precision 12");
        refused(soi().dqt().sof(0xC1, 16, 8, 8).bytes(), gray(8, 8, 16)).hasMessageContaining("precision 16");
        refused(soi().dqt().sof(0xC0, 8, 0, 8).bytes(), gray(8, 8, 8)).hasMessageContaining("DNL");
    }

    @Test
    void restartMarkersAreChecked() throws CodecException {
        byte[] good = soi().dqt().sof(0xC0, 8, 8, 24).dri(1).dht().sos()
                .entropy("000").rst(0).entropy("000").rst(1).entropy("000").eoi().bytes();
        assertThat(decoder.decode(good, gray(8, 24, 8))).containsOnly(128);
        byte[] misnumbered = soi().dqt().sof(0xC0, 8, 8, 24).dri(1).dht().sos()
                .entropy("000").rst(0).entropy("000").rst(3).entropy("000").eoi().bytes();
        refused(misnumbered, gray(8, 24, 8)).hasMessageContaining("expected restart marker RST1, found marker 0xFFD3");
        byte[] missing = soi().dqt().sof(0xC0, 8, 8, 24).dri(1).dht().sos()
                .entropy("000").entropy("000").entropy("000").eoi().bytes();
        refused(missing, gray(8, 24, 8)).hasMessageContaining("unexpected data after the last block");
    }

    @Test
    void entropyCodedDataErrorsAreRefused() {
        // four zero runs of 16 from coefficient 1 pass coefficient 63
        refused(soi().dqt().sof(0xC0, 8, 8, 8).dht().sos().entropy("0 01 01 01 01").eoi().bytes(), gray(8, 8, 8))
                .hasMessageContaining("zero run past coefficient 63");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).dht().sos().entropy("1111111111111111").eoi().bytes(), gray(8, 8, 8))
                .hasMessageContaining("invalid Huffman code");
        // nine blocks declared, eight present: 24 bits that end exactly on a byte
        refused(soi().dqt().sof(0xC0, 8, 8, 72).dht().sos().entropy("000".repeat(8)).eoi().bytes(), gray(8, 72, 8))
                .hasMessageContaining("ends early");
        refused(soi().dqt().sof(0xC0, 8, 8, 8).dht().sos().entropy("000").raw(0x55).eoi().bytes(), gray(8, 8, 8))
                .hasMessageContaining("unexpected data after the last block");
    }

    @Test
    void malformedSegmentsAreRefused() {
        refused(soi().raw(0xFF, 0xDB, 0xFF, 0xFF, 0x00).bytes(), gray(8, 8, 8)).hasMessageContaining("declares 65535 bytes");
        refused(soi().raw(0xFF, 0xC4, 0x00, 0x16, 0x00, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3).bytes(), gray(8, 8, 8))
                .hasMessageContaining("more codes than fit in 1 bits");
        refused(soi().raw(0xFF, 0xC4, 0x00, 0x14, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16).bytes(), gray(8, 8, 8))
                .hasMessageContaining("category 16");
        refused(soi().raw(0xFF, 0xDB, 0x00, 0x03, 0x00).bytes(), gray(8, 8, 8)).hasMessageContaining("DQT segment is shorter");
    }

    @Test
    void aHugeFrameInATinyCodestreamIsRefusedBeforeAllocation() {
        byte[] jpeg = soi().dqt().sof(0xC0, 8, 65535, 65535).dht().sos().entropy("000").eoi().bytes();
        refused(jpeg, gray(65535, 65535, 8)).hasMessageContaining("larger than");
    }
}
