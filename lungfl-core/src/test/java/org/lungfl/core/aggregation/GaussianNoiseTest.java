package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {
    private static double[] moments(DoubleSupplier z, int n) {
        double s = 0, s2 = 0, s4 = 0;
        for (int i = 0; i < n; i++) {
            double x = z.getAsDouble();
            s += x;
            s2 += x * x;
            s4 += x * x * x * x;
        }
        return new double[] {s / n, s2 / n, s4 / n};
    }

    @Test
    void drawsAreStandardNormal() {
        // A fixed key: the same 200 000 draws every run, so the bounds are checked once, not sampled.
        double[] m = moments(GaussianNoise.seeded(1).round(), 200_000);
        assertThat(m[0]).isBetween(-0.01, 0.01);
        assertThat(m[1]).isBetween(0.99, 1.01);
        assertThat(m[2]).isBetween(2.9, 3.1); // a normal's fourth moment is 3
    }

    @Test
    void aSeedRepeatsItsRoundsAndTheSecureSourceDoesNot() {
        GaussianNoise.Source a = GaussianNoise.seeded(5), b = GaussianNoise.seeded(5);
        DoubleSupplier a1 = a.round(), a2 = a.round(), b1 = b.round();
        double x = a1.getAsDouble();
        assertThat(b1.getAsDouble()).isEqualTo(x);
        assertThat(a2.getAsDouble()).isNotEqualTo(x);
        GaussianNoise.Source s = GaussianNoise.secure();
        assertThat(s.round().getAsDouble()).isNotEqualTo(s.round().getAsDouble());
    }
}
