package org.lungfl.core.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from Google's dp_accounting (rdp_privacy_accountant_test.py), whose own tests
 * check them against multi-precision numerical integration.
 */
class RdpAccountantTest {
    @Test
    void sampledGaussianMatchesDpAccountingAtIntegerOrders() {
        // q = 0.01, σ = 2.5, 50 steps: test_compute_rdp_poisson_sampled_gaussian.
        double[][] expected = {{5, 2.18075656e-03}, {50, 2.38460375e-02}, {100, 1.67416308e02}};
        for (double[] e : expected) {
            assertThat(50 * RdpAccountant.sampledGaussian(0.01, 2.5, e[0])).as("order " + e[0]).isCloseTo(e[1], within(1e-4 * e[1]));
        }
        // Fractional orders are not computed for q < 1: left out, never understated.
        assertThat(RdpAccountant.sampledGaussian(0.01, 2.5, 2.5)).isInfinite();
    }

    @Test
    void fullParticipationIsTheGaussianMechanismAtEveryOrder() {
        for (double a : new double[] {1.5, 2, 3.14159, 64}) {
            assertThat(RdpAccountant.sampledGaussian(1, 2.71828, a)).isEqualTo(a / (2 * 2.71828 * 2.71828));
        }
        assertThat(RdpAccountant.sampledGaussian(0, 1, 2)).isZero();
    }

    @Test
    void conversionToEpsilonMatchesDpAccounting() {
        // test_compute_epsilon_delta_pure_dp: constant RDP 1.1 at orders 2..32, δ = 1e-5.
        double[] orders = new double[31];
        double[] rdp = new double[31];
        for (int i = 0; i < 31; i++) {
            orders[i] = i + 2;
            rdp[i] = 1.1;
        }
        assertThat(RdpAccountant.epsilon(orders, rdp, 1e-5)).isCloseTo(1.32783806176, within(1e-9));
    }

    @Test
    void gaussianWithTheNoiseForOneEpsilonAtOneInAMillion() {
        // test_compute_epsilon_delta_gaussian: σ = 4.530877117 gives (1, 1e-6)-DP at the optimal
        // order; our grid of orders is coarser, so ε may be a little larger, never smaller.
        double eps = new RdpAccountant().compose(4.530877117, 1, 1).epsilon(1e-6);
        assertThat(eps).isBetween(1.0 - 1e-6, 1.005);
    }

    @Test
    void roundsComposeAndOneNumberIsEnoughForFullParticipation() {
        RdpAccountant a = new RdpAccountant().compose(1.0, 1, 3).compose(2.0, 1, 1);
        double sumInverse = 3 / 1.0 + 1 / 4.0;
        assertThat(RdpAccountant.gaussianEpsilon(sumInverse, 1e-5)).isCloseTo(a.epsilon(1e-5), within(1e-12));
        double one = RdpAccountant.gaussianEpsilon(1, 1e-5);
        double hundred = RdpAccountant.gaussianEpsilon(100, 1e-5);
        assertThat(hundred).isGreaterThan(10 * one);
        assertThat(RdpAccountant.gaussianEpsilon(0, 1e-5)).isZero();
        // Smaller δ costs more ε.
        assertThat(RdpAccountant.gaussianEpsilon(1, 1e-9)).isGreaterThan(one);
    }

    @Test
    void refusesMeaninglessParameters() {
        assertThatThrownBy(() -> new RdpAccountant().compose(0, 1, 1)).hasMessageContaining("noise multiplier");
        assertThatThrownBy(() -> new RdpAccountant().compose(1, 1.5, 1)).hasMessageContaining("sampling rate");
        assertThatThrownBy(() -> new RdpAccountant().epsilon(0)).hasMessageContaining("delta");
    }
}
