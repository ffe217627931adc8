package org.lungfl.dicom.io;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.Fixtures;
import org.lungfl.dicom.inspect.HuStatistics;

/**
 * Random truncations and byte flips of valid files (fixed seed, so a failure reproduces): reading
 * and decoding either succeeds or ends in a DicomException; never another exception, a hang or an
 * OutOfMemoryError.
 */
class FuzzTest {
    private static final List<String> SEEDS = List.of(
            "ct_s16.dcm", "ct_s16_implicit_undefined_lengths.dcm", "ct_u12_4f_bigendian.dcm", "ct_s16_deflated_dcmtk.dcm",
            "raw_implicit_dataset.dcm", "rle_u12_4f_dcmtk.dcm", "jpeg70_u12_4f_split_nobot_dcmtk.dcm", "jpeg51_u12_dcmtk.dcm",
            "jpegls80_u12_4f_gdcm.dcm", "jpegls81_u12_dcmtk.dcm", "j2k90_u12_4f_split_bot.dcm", "jpeg50_u8_dcmtk.dcm");
    private static final int CASES_PER_FILE = 40;

    @Test
    void mutatedFilesGiveOnlyDicomExceptions() throws Exception {
        Random random = new Random(20261128);
        for (String name : SEEDS) {
            byte[] original = Files.readAllBytes(Fixtures.file(name));
            for (int i = 0; i < CASES_PER_FILE; i++) {
                byte[] mutated = mutate(original, random);
                String what = name + " case " + i;
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatCode(() -> readFully(mutated))
                        .as(what).doesNotThrowAnyException(), what);
            }
        }
    }

    private static byte[] mutate(byte[] b, Random random) {
        if (random.nextInt(3) == 0) return Arrays.copyOf(b, random.nextInt(b.length));
        byte[] m = b.clone();
        int flips = 1 + random.nextInt(8);
        for (int k = 0; k < flips; k++) {
            int at = random.nextInt(m.length);
            // Flips near the header hit lengths, tags and VRs more often than pixel bytes would.
            if (random.nextBoolean()) at = random.nextInt(Math.min(m.length, 1600));
            m[at] = (byte) (random.nextBoolean() ? random.nextInt(256) : m[at] ^ (1 << random.nextInt(8)));
        }
        return m;
    }

    private static void readFully(byte[] bytes) {
        try {
            DicomFile f = DicomReader.read(bytes, Path.of("fuzz.dcm"));
            if (f.numberOfFrames() > 0 && f.imageDescriptor().samplesPerPixel() == 1) HuStatistics.of(f);
        } catch (DicomException expected) {
            // the one acceptable failure
        }
    }
}
