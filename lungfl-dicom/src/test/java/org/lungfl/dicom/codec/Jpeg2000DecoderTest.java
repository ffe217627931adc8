package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.JpegFixtures.J2K;
import static org.lungfl.dicom.codec.JpegFixtures.J2K_LOSSLESS;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

    /**
     * Issue 12, point 2 (nibabel's slicethickness_empty_string.dcm: a 10-bit code-stream, BitsStored
     * 12): a code-stream narrower than BitsStored is decoded by its own precision, as GDCM and
     * pydicom do, with a warning. The fixture is OpenJPEG's, 10 bits, described as BitsStored 12.
     */
    @Test
    void codeStreamNarrowerThanBitsStoredIsDecodedWithAWarning() throws IOException, CodecException {
        Case c = JpegFixtures.committed(J2K_LOSSLESS).filter(k -> k.name().equals("opj_j2k_p10_bs12_24x20")).findFirst().orElseThrow();
        assertThat(c.descriptor().bitsStored()).isEqualTo(12);
        List<String> warnings = new ArrayList<>();
        int[] decoded = decoder.decode(c.codestream(), c.descriptor(), warnings::add);
        assertThat(decoded).isEqualTo(c.orig());
        assertThat(warnings).singleElement().asString().contains("have 10 bits (unsigned), DICOM BitsStored is 12");

        // unsigned 10-bit values fit signed 12-bit pixels too; wider than BitsAllocated does not fit at all
        ImageDescriptor d = c.descriptor();
        ImageDescriptor signed = new ImageDescriptor(d.rows(), d.columns(), 1, 16, 12, 11, 1, d.photometricInterpretation(), 0);
        assertThat(decoder.decode(c.codestream(), signed)).isEqualTo(decoded);
        ImageDescriptor eightBits = new ImageDescriptor(d.rows(), d.columns(), 1, 8, 8, 7, 0, d.photometricInterpretation(), 0);
        assertThatThrownBy(() -> decoder.decode(c.codestream(), eightBits)).isInstanceOf(CodecException.class)
                .hasMessageContaining("has 10 bits, DICOM BitsAllocated is 8");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedCases")
    void decodesCommittedCodestreamsLikeOpenJpeg(Case c) throws CodecException {
        FixtureCheck.check(decoder, c, LOSSY_TOLERANCE);
    }
}
