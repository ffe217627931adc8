package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.JpegFixtures.LOSSLESS;
import static org.lungfl.dicom.codec.JpegFixtures.LOSSLESS_SV1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.codec.JpegFixtures.Case;

class JpegLosslessDecoderTest {
    private final JpegLosslessDecoder decoder = new JpegLosslessDecoder();

    static Stream<Case> generatedCases() {
        return JpegFixtures.generated(LOSSLESS, LOSSLESS_SV1);
    }

    static Stream<Case> committedCases() throws IOException {
        return JpegFixtures.committed(LOSSLESS, LOSSLESS_SV1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCases")
    void decodesEveryPredictorAndPrecisionToTheOriginalSamples(Case c) throws CodecException {
        FixtureCheck.check(decoder, c, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedCases")
    void decodesCommittedCodestreamsToTheOriginalSamples(Case c) throws CodecException {
        FixtureCheck.check(decoder, c, 0);
    }

    /**
     * Issue 12: 14 of 252 DCMTK-encoded CT slices came out with hu_sum 2000 too high. Their
     * entropy-coded data ends exactly on a byte boundary and DCMTK pads the fragment to an even
     * length with a fill byte 0xFF before EOI; the previous decoder (TwelveMonkeys) stopped one
     * sample early and left the last pixel, −2000 padding, at 0.
     */
    @Test
    void lastSampleSurvivesAFillByteBeforeEoi() throws IOException, CodecException {
        for (String name : new String[] {"dcmtk_lossless_p1_s16_fill_16x16", "dcmtk_lossless_p7_s16_fill_16x16"}) {
            Case c = JpegFixtures.committed(LOSSLESS).filter(k -> k.name().equals(name)).findFirst().orElseThrow();
            byte[] stream = c.codestream();
            assertThat(Arrays.copyOfRange(stream, stream.length - 3, stream.length)).as("fill byte, then EOI")
                    .containsExactly(0xFF, 0xFF, 0xD9);
            int[] values = JpegFixtures.storedValues(decoder.decode(stream, c.descriptor()), c.descriptor());
            assertThat(values[values.length - 1]).as(name + ": last sample").isEqualTo(-2000);
            assertThat(values).as(name).isEqualTo(c.orig());
        }
    }

    @Test
    void refusesLossyJpeg() throws IOException {
        Case lossy = JpegFixtures.committed(JpegFixtures.EXTENDED).findFirst().orElseThrow();
        assertThatThrownBy(() -> decoder.decode(lossy.codestream(), lossy.descriptor()))
                .isInstanceOf(CodecException.class).hasMessageContaining("not lossless");
    }
}
