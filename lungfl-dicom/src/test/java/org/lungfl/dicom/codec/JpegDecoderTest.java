package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lungfl.dicom.codec.JpegFixtures.BASELINE;
import static org.lungfl.dicom.codec.JpegFixtures.EXTENDED;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Issue 12, point 3 (pydicom's JPEG-lossy.dcm): a 12-bit SOF1 frame whose scan header says
     * Ss=0 Se=0. The SOF marker makes the frame sequential; libjpeg and GDCM ignore Ss/Se with a
     * warning, and so does LungFL: same samples as the well-formed stream, and a warning.
     */
    @Test
    void sequentialFrameWithSsSeZeroIsDecodedWithAWarning() throws IOException, CodecException {
        Case c = JpegFixtures.committed(EXTENDED).findFirst().orElseThrow();
        byte[] odd = c.codestream().clone();
        int sos = indexOf(odd, (byte) 0xFF, (byte) 0xDA);
        int ns = odd[sos + 4];
        int se = sos + 4 + 1 + 2 * ns + 1;
        assertThat(odd[se]).as("Se of the DCMTK stream").isEqualTo((byte) 63);
        odd[se] = 0;
        List<String> warnings = new ArrayList<>();
        int[] decoded = decoder.decode(odd, c.descriptor(), warnings::add);
        assertThat(decoded).isEqualTo(decoder.decode(c.codestream(), c.descriptor()));
        assertThat(warnings).singleElement().asString().contains("Ss=0 Se=0").contains("decoded as sequential");
        List<String> none = new ArrayList<>();
        decoder.decode(c.codestream(), c.descriptor(), none::add);
        assertThat(none).isEmpty();
    }

    static int indexOf(byte[] data, byte a, byte b) {
        for (int i = 0; i + 1 < data.length; i++) if (data[i] == a && data[i + 1] == b) return i;
        throw new AssertionError("marker not found");
    }

    @Test
    void refusesOtherJpegProcesses() throws IOException {
        Case lossless = JpegFixtures.committed(JpegFixtures.LOSSLESS).findFirst().orElseThrow();
        assertThatThrownBy(() -> decoder.decode(lossless.codestream(), lossless.descriptor()))
                .isInstanceOf(CodecException.class).hasMessageContaining("SOF3 (lossless)");
    }
}
