package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.dicom.codec.JpegFixtures.J2K;
import static org.lungfl.dicom.codec.JpegFixtures.J2K_LOSSLESS;

import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.codec.JpegFixtures.Case;

class Jpeg2000DecoderTest {
    /** jai-imageio's 9/7 wavelet differs from OpenJPEG's by a unit or two (NOTES.md). */
    private static final int LOSSY_TOLERANCE = 2;

    private final Jpeg2000Decoder decoder = new Jpeg2000Decoder();

    static Stream<Case> generatedCases() {
        return JpegFixtures.generated(J2K_LOSSLESS, J2K);
    }

    static Stream<Case> committedCases() throws IOException {
        return JpegFixtures.committed(J2K_LOSSLESS, J2K);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedCases")
    void decodesLikeOpenJpeg(Case c) throws CodecException {
        assertThat(FixtureCheck.check(decoder, c, LOSSY_TOLERANCE)).isLessThanOrEqualTo(LOSSY_TOLERANCE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedCases")
    void decodesCommittedCodestreamsLikeOpenJpeg(Case c) throws CodecException {
        FixtureCheck.check(decoder, c, LOSSY_TOLERANCE);
    }
}
