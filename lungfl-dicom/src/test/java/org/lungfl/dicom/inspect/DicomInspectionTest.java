package org.lungfl.dicom.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.Fixtures;

class DicomInspectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCtImageCutBeforeItsPixelDataIsAnError(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        int pixelData = indexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
        Path file = Files.write(dir.resolve("no_pixels.dcm"), Arrays.copyOf(b, pixelData));
        DicomInspection i = DicomInspection.of(file);
        assertThat(i.ok()).isFalse();
        assertThat(i.error()).startsWith(file.toString()).contains("no Pixel Data in a CT image");

        int rows = indexOf(b, new byte[] {0x28, 0x00, 0x10, 0x00, 'U', 'S'});
        Path noRows = Files.write(dir.resolve("no_rows.dcm"), Arrays.copyOf(b, rows));
        assertThat(DicomInspection.of(noRows).error()).contains("no Pixel Data in a CT image (no Rows either");
    }

    @Test
    void aFileWithoutPixelDataIsReadWithoutHu(@TempDir Path dir) throws Exception {
        byte[] b = Files.readAllBytes(Fixtures.file("ct_s16.dcm"));
        int pixelData = indexOf(b, new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
        byte[] cut = Arrays.copyOf(b, pixelData);
        // not a CT image but a Secondary Capture (a UID of the same length): pixels are not required
        byte[] ctImage = "1.2.840.10008.5.1.4.1.1.2\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        int replaced = 0;
        for (int at = 0; at + ctImage.length <= cut.length; at++) {
            if (Arrays.equals(cut, at, at + ctImage.length, ctImage, 0, ctImage.length)) {
                cut[at + 24] = '7';
                replaced++;
            }
        }
        assertThat(replaced).as("SOP class UID in the meta header and the data set").isGreaterThanOrEqualTo(2);
        Path file = Files.write(dir.resolve("no_pixels.dcm"), cut);
        DicomInspection i = DicomInspection.of(file);
        assertThat(i.ok()).isTrue();
        JsonNode json = JSON.readTree(i.toJsonLine());
        assertThat(json.get("NumberOfFrames").asInt()).isZero();
        assertThat(json.get("Rows").isNull()).isTrue();
        assertThat(json.get("SeriesInstanceUID").asText()).startsWith("1.2.826.0.1.3680043.10.1234.2.");
        assertThat(json.get("hu_sha256").isNull()).isTrue();
        assertThat(i.toText()).contains("HU        none (no grayscale Pixel Data)");
    }

    @Test
    void statisticsOfAKnownImage() throws Exception {
        // ct_u16_slope: slope 0.5, so HU ends in .5 for odd stored values and the rounding rule matters.
        HuStatistics s = HuStatistics.of(org.lungfl.dicom.io.DicomReader.read(Fixtures.file("ct_u16_slope.dcm")));
        int[] stored = org.lungfl.dicom.io.DicomReader.read(Fixtures.file("ct_u16_slope.dcm")).storedFrame(0);
        long halfUpSum = 0, evenSum = 0, odd = 0;
        for (int v : stored) {
            double hu = v * 0.5 - 1024;
            halfUpSum += Math.round(hu);
            evenSum += (long) Math.rint(hu);
            if ((v & 1) == 1) odd++;
        }
        assertThat(odd).as("the fixture exercises ties").isGreaterThan(100);
        assertThat(halfUpSum).isNotEqualTo(evenSum);
        assertThat(s.sum()).isEqualTo(evenSum);
        assertThat(s.count()).isEqualTo(64 * 64);
        assertThat(s.sha256()).hasSize(64);
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
