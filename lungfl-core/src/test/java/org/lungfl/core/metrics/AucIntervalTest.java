package org.lungfl.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AucIntervalTest {
    @Test
    void atChanceTheVarianceIsTheMannWhitneyNullVariance() {
        for (int[] mn : new int[][] {{12, 28}, {18, 42}, {1, 1}, {300, 700}}) {
            int m = mn[0], n = mn[1];
            assertThat(AucInterval.hanleyMcNeilVariance(0.5, m, n)).isCloseTo((m + n + 1) / (12.0 * m * n), within(1e-12));
        }
    }

    @Test
    void aDemoSizedTestSetCannotTellAnAucOfPointSixFromChance() {
        AucInterval i = AucInterval.of(0.6, 12, 28);
        assertThat(i.includesChance()).isTrue();
        assertThat(i.upper() - i.lower()).isBetween(0.3, 0.45);
        assertThat(i.toString()).isEqualTo(String.format(java.util.Locale.ROOT, "0.600 (95%% CI %.2f-%.2f)", i.lower(), i.upper()));
        assertThat(AucInterval.of(0.9, 12, 28).includesChance()).isFalse();
    }

    @Test
    void moreTestPatientsNarrowTheIntervalAndItStaysInsideZeroToOne() {
        assertThat(AucInterval.of(0.8, 120, 280).upper() - AucInterval.of(0.8, 120, 280).lower())
                .isLessThan(AucInterval.of(0.8, 12, 28).upper() - AucInterval.of(0.8, 12, 28).lower());
        AucInterval perfect = AucInterval.of(1.0, 3, 3);
        assertThat(perfect.upper()).isEqualTo(1.0);
        assertThat(AucInterval.of(0.02, 3, 3).lower()).isEqualTo(0.0);
    }

    @Test
    void withoutBothClassesThereIsNoIntervalAndItDoesNotClaimChance() {
        AucInterval none = AucInterval.of(Double.NaN, 0, 10);
        assertThat(none.lower()).isNaN();
        assertThat(none.includesChance()).isFalse();
        assertThat(none).hasToString("NaN (no CI: one class only)");
        assertThatThrownBy(() -> AucInterval.of(1.2, 5, 5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AUC 1.2");
    }
}
