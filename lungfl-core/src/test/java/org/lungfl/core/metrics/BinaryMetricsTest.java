package org.lungfl.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values are worked out by hand in the comments. */
class BinaryMetricsTest {
    // Two healthy (0.1, 0.4) and two cancers (0.35, 0.8).
    private static final double[] P = {0.1, 0.4, 0.35, 0.8};
    private static final int[] Y = {0, 0, 1, 1};

    @Test
    void aucCountsCorrectlyOrderedPairs() {
        // pairs (cancer, healthy): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4
        assertThat(BinaryMetrics.auc(P, Y)).isEqualTo(0.75);
    }

    @Test
    void tiedScoresCountHalf() {
        // cancers 0.5, 0.9; healthy 0.5, 0.5: 0.5 vs 0.5 twice = 2 x 1/2, 0.9 wins twice -> 3/4
        assertThat(BinaryMetrics.auc(new double[] {0.5, 0.5, 0.5, 0.9}, new int[] {0, 1, 0, 1})).isEqualTo(0.75);
        assertThat(BinaryMetrics.auc(new double[] {0.3, 0.3}, new int[] {0, 1})).isEqualTo(0.5);
    }

    @Test
    void perfectAndInvertedRankings() {
        assertThat(BinaryMetrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {0, 0, 1, 1})).isEqualTo(1.0);
        assertThat(BinaryMetrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, new int[] {1, 1, 0, 0})).isEqualTo(0.0);
    }

    @Test
    void logLossAndBrier() {
        BinaryMetrics m = BinaryMetrics.of(P, Y);
        // -(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4
        double expectedLogLoss = (0.105360516 + 0.510825624 + 1.049822124 + 0.223143551) / 4;
        assertThat(m.logLoss()).isCloseTo(expectedLogLoss, within(1e-8));
        // (0.01 + 0.16 + 0.4225 + 0.04) / 4
        assertThat(m.brier()).isCloseTo(0.158125, within(1e-12));
        assertThat(m.count()).isEqualTo(4);
        assertThat(m.positives()).isEqualTo(2);
    }

    @Test
    void decisionsAtOneHalf() {
        ConfusionMatrix c = BinaryMetrics.of(P, Y).atHalf();
        // only 0.8 is called cancer
        assertThat(c).isEqualTo(new ConfusionMatrix(0.5, 1, 0, 2, 1));
        assertThat(c.accuracy()).isEqualTo(0.75);
        assertThat(c.sensitivity()).isEqualTo(0.5);
        assertThat(c.specificity()).isEqualTo(1.0);
    }

    @Test
    void youdenPicksTheLowestBestCutOff() {
        // cut 0.8: J = 1/2 - 0 ; 0.4: 1/2 - 1/2 = 0 ; 0.35: 1 - 1/2 = 1/2 ; 0.1: 0. Tie -> 0.35
        assertThat(BinaryMetrics.youdenThreshold(P, Y)).isEqualTo(0.35);
        ConfusionMatrix c = BinaryMetrics.of(P, Y).atYouden();
        assertThat(c).isEqualTo(new ConfusionMatrix(0.35, 2, 1, 1, 0));
        assertThat(c.sensitivity()).isEqualTo(1.0);
        assertThat(c.specificity()).isEqualTo(0.5);
    }

    @Test
    void youdenSeparatesPerfectly() {
        double[] p = {0.2, 0.3, 0.6, 0.7};
        int[] y = {0, 0, 1, 1};
        assertThat(BinaryMetrics.youdenThreshold(p, y)).isEqualTo(0.6);
        assertThat(BinaryMetrics.of(p, y).atYouden().accuracy()).isEqualTo(1.0);
    }

    @Test
    void oneClassOnlyGivesNaNWhereUndefined() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.2, 0.7}, new int[] {0, 0});
        assertThat(m.auc()).isNaN();
        assertThat(m.atHalf().sensitivity()).isNaN();
        assertThat(m.atHalf().specificity()).isEqualTo(0.5);
        assertThat(m.atYouden().threshold()).isEqualTo(0.5);
    }

    @Test
    void confidentMissIsClippedNotInfinite() {
        BinaryMetrics m = BinaryMetrics.of(new double[] {0.0}, new int[] {1});
        assertThat(m.logLoss()).isCloseTo(-Math.log(1e-15), within(1e-9));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {1.5}, new int[] {1}))
                .hasMessageContaining("probability 1.5 at index 0");
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.5}, new int[] {2}))
                .hasMessageContaining("label 2");
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {0.5}, new int[] {1, 0}))
                .hasMessageContaining("1 probabilities for 2 labels");
        assertThatThrownBy(() -> BinaryMetrics.of(new double[] {Double.NaN}, new int[] {1}))
                .hasMessageContaining("NaN");
    }
}
