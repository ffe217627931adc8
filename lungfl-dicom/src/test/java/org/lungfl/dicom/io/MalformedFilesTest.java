package org.lungfl.dicom.io;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.inspect.HuStatistics;

/** Every malformed fixture is rejected with a one-line message naming the file and the specific reason. */
class MalformedFilesTest {
    private static final Map<String, String> REASONS = Map.ofEntries(
            entry("bad_empty.dcm", "empty file"),
            entry("bad_not_dicom.dcm", "not a DICOM file"),
            entry("bad_truncated_header.dcm", "claims 30 bytes but only 26 remain"),
            entry("bad_truncated_pixels.dcm", "element (7FE0,0010) claims 8192 bytes but only 7192 remain"),
            entry("bad_huge_element_length.dcm", "element (0009,1001) claims 4294967280 bytes"),
            entry("bad_huge_sequence_length.dcm", "element (0008,1140) claims 2147483632 bytes"),
            entry("bad_huge_item_length.dcm", "item in (0008,1140) claims 2147483632 bytes"),
            entry("bad_unknown_transfer_syntax.dcm", "unsupported transfer syntax UID 1.2.3.4.5.6.7.8.9"),
            entry("bad_odd_length.dcm", "odd length 3 of element (0028,0010)"),
            entry("bad_invalid_vr.dcm", "invalid VR 'zz' of element (0028,0010)"),
            entry("bad_undefined_length_value.dcm", "undefined length on element (0018,0050) of VR UT"),
            entry("bad_pixel_data_short.dcm", "Pixel Data holds 8192 bytes but 1 frame(s) of 640x64x16 bits need 81920"),
            entry("bad_decimal_string.dcm", "ImagePositionPatient 'left\\right\\up' is not a list of decimals"),
            entry("bad_deep_nesting.dcm", "sequences nested deeper than 16 levels"),
            entry("bad_deflate_bomb.dcm", "deflated data set inflates beyond 256 MB"),
            entry("bad_fragment_overrun.dcm", "Pixel Data fragment claims 1048576 bytes"),
            entry("bad_pixel_data_not_terminated.dcm", "encapsulated Pixel Data is truncated"),
            entry("bad_frames_exceed_fragments.dcm", "NumberOfFrames is 9 but the Pixel Data has only 4 fragments"));

    static Stream<Path> malformed() {
        return Fixtures.malformed().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectedWithAClearReason(Path file) {
        String reason = REASONS.get(file.getFileName().toString());
        assertThat(reason).as("expected reason listed for " + file.getFileName()).isNotNull();
        DicomException e = catchThrowableOfType(DicomException.class, () -> HuStatistics.of(DicomReader.read(file)));
        assertThat(e).as("DicomException for " + file.getFileName()).isNotNull();
        assertThat(e.getMessage()).startsWith(file + ": ").contains(reason).doesNotContain("\n");
        assertThat(e.file()).isEqualTo(file);
    }

    @Test
    void everyListedReasonHasItsFixture() {
        assertThat(Fixtures.malformed().stream().map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(REASONS.keySet());
    }

    @Test
    void missingFileAndDirectoryAreNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.dcm");
        assertThat(catchThrowableOfType(DicomException.class, () -> DicomReader.read(missing))).hasMessage(missing + ": no such file");
        assertThat(catchThrowableOfType(DicomException.class, () -> DicomReader.read(dir))).hasMessage(dir + ": is a directory, not a file");
    }

    @Test
    void encapsulatedSyntaxWithNativePixelDataIsRejected(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        byte[] from = "1.2.840.10008.1.2.1\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] to = "1.2.840.10008.1.2.5\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = indexOf(b, from);
        System.arraycopy(to, 0, b, at, to.length);
        Path f = Files.write(dir.resolve("rle_label_native_data.dcm"), b);
        assertThat(catchThrowableOfType(DicomException.class, () -> DicomReader.read(f)))
                .hasMessageContaining("transfer syntax 1.2.840.10008.1.2.5 needs encapsulated Pixel Data, found native");
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
