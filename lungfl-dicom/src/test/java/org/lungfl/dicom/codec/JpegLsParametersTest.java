package org.lungfl.dicom.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Default thresholds worked out by hand from the formulas of T.87 C.2.4.1.1.1. */
class JpegLsParametersTest {
    @Test
    void defaultsForMaxValFrom128Up() throws Exception {
        assertThat(JpegLsParameters.resolve(8, 0, 0, 0, 0, 0, 0)).isEqualTo(new JpegLsParameters(255, 3, 7, 21, 64, 0));
        // FACTOR = (4095 + 128) / 256 = 16: T1 = 16·1 + 2, T2 = 16·4 + 3, T3 = 16·17 + 4.
        assertThat(JpegLsParameters.resolve(12, 0, 0, 0, 0, 0, 0)).isEqualTo(new JpegLsParameters(4095, 18, 67, 276, 64, 0));
        // MAXVAL is capped at 4095 in FACTOR, so 16-bit data gets the 12-bit thresholds.
        assertThat(JpegLsParameters.resolve(16, 0, 0, 0, 0, 0, 0)).isEqualTo(new JpegLsParameters(65535, 18, 67, 276, 64, 0));
        // NEAR adds 3, 5 and 7 times NEAR.
        assertThat(JpegLsParameters.resolve(8, 0, 0, 0, 0, 0, 2)).isEqualTo(new JpegLsParameters(255, 9, 17, 35, 64, 2));
    }

    @Test
    void defaultsForMaxValBelow128UseTheirOwnFormula() throws Exception {
        // FACTOR = 256 / 64 = 4: T1 = max(2, 3/4), T2 = max(3, 7/4), T3 = max(4, 21/4).
        assertThat(JpegLsParameters.resolve(6, 0, 0, 0, 0, 0, 0)).isEqualTo(new JpegLsParameters(63, 2, 3, 5, 64, 0));
        assertThat(JpegLsParameters.resolve(6, 0, 0, 0, 0, 0, 1)).isEqualTo(new JpegLsParameters(63, 3, 6, 12, 64, 1));
        // FACTOR = 256 / 4 = 64 for 2-bit data; T3 = 4 exceeds MAXVAL 3 and is clamped to T2.
        assertThat(JpegLsParameters.resolve(2, 0, 0, 0, 0, 0, 0)).isEqualTo(new JpegLsParameters(3, 2, 3, 3, 64, 0));
    }

    @Test
    void presetValuesReplaceOnlyTheDefaultsTheyName() throws Exception {
        // MAXVAL 1000 gives FACTOR = (1000 + 128) / 256 = 4 for the thresholds left at 0.
        assertThat(JpegLsParameters.resolve(12, 1000, 0, 40, 0, 32, 0))
                .isEqualTo(new JpegLsParameters(1000, 6, 40, 72, 32, 0));
    }

    @Test
    void rejectsParametersOutsideTheStandardsRanges() {
        assertThatThrownBy(() -> JpegLsParameters.resolve(8, 256, 0, 0, 0, 0, 0)).hasMessageContaining("MAXVAL 256");
        assertThatThrownBy(() -> JpegLsParameters.resolve(8, 0, 0, 0, 0, 0, 128)).hasMessageContaining("NEAR 128");
        assertThatThrownBy(() -> JpegLsParameters.resolve(8, 0, 30, 0, 0, 0, 0)).hasMessageContaining("T1=30 T2=7");
        assertThatThrownBy(() -> JpegLsParameters.resolve(8, 0, 0, 0, 0, 2, 0)).hasMessageContaining("RESET 2");
    }
}
