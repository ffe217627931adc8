package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.JpegFixtures.LOSSLESS;
import static org.lungfl.dicom.codec.JpegFixtures.LOSSLESS_SV1;

import java.io.IOException;
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

    @Test
    void refusesLossyJpeg() throws IOException {
        Case lossy = JpegFixtures.committed(JpegFixtures.EXTENDED).findFirst().orElseThrow();
        assertThatThrownBy(() -> decoder.decode(lossy.codestream(), lossy.descriptor()))
                .isInstanceOf(CodecException.class).hasMessageContaining("not lossless");
    }
}
