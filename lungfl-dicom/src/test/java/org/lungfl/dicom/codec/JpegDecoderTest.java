package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.JpegFixtures.BASELINE;
import static org.lungfl.dicom.codec.JpegFixtures.EXTENDED;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.codec.JpegFixtures.Case;

class JpegDecoderTest {
    private final JpegDecoder decoder = new JpegDecoder();

    static Stream<Case> generatedCases() {
        return JpegFixtures.generated(BASELINE, EXTENDED);
    }

    static Stream<Case> committedCases() throws IOException {
        return JpegFixtures.committed(BASELINE, EXTENDED);
    }

    /** The islow IDCT is libjpeg's, so DCMTK's dcmdjpeg and libjpeg-turbo's djpeg must agree bit for bit. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCases")
    void decodesLikeLibjpeg(Case c) throws CodecException {
        assertThat(FixtureCheck.check(decoder, c, 0)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedCases")
    void decodesCommittedCodestreamsLikeLibjpeg(Case c) throws CodecException {
        assertThat(FixtureCheck.check(decoder, c, 0)).isZero();
    }

    @Test
    void refusesOtherJpegProcesses() throws IOException {
        Case lossless = JpegFixtures.committed(JpegFixtures.LOSSLESS).findFirst().orElseThrow();
        assertThatThrownBy(() -> decoder.decode(lossless.codestream(), lossless.descriptor()))
                .isInstanceOf(CodecException.class).hasMessageContaining("SOF3 (lossless)");
    }
}
