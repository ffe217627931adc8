package org.lungfl.core.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * Rényi differential privacy accounting for the sampled Gaussian mechanism (Mironov 2017, "Rényi
 * differential privacy"; Mironov, Talwar, Zhang 2019, "Rényi differential privacy of the sampled
 * Gaussian mechanism"). Each step adds a mechanism's RDP at every order α; ε for a target δ is
 * then the best conversion over the orders (Balle et al. 2020, "Hypothesis testing
 * interpretations and Rényi differential privacy", Theorem 21, as in Google's dp_accounting and Opacus):
 * ε = min_α RDP(α) + log((α−1)/α) − (log δ + log α)/(α−1).
 *
 * <p>Sampling rate q = 1 (every participant in every step) is the plain Gaussian mechanism:
 * RDP(α) = α / (2σ²) at every real order. For q &lt; 1 the RDP is computed exactly at integer
 * orders only; fractional orders are then left out of the minimum, which can only make ε larger
 * (never understate it).
 */
public final class RdpAccountant {
    /** Orders α at which RDP is tracked: dense near 1 for large compositions, sparse up to 1024 for small ones. */
    static final double[] ORDERS = orders();

    private final double[] rdp = new double[ORDERS.length];

    private static double[] orders() {
        List<Double> o = new ArrayList<>(List.of(1.01, 1.02, 1.05));
        for (int i = 11; i <= 109; i++) o.add(i / 10.0);
        for (int i = 11; i <= 64; i++) o.add((double) i);
        for (double a : new double[] {80, 96, 128, 192, 256, 512, 1024}) o.add(a);
        return o.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Adds {@code steps} applications of the Gaussian mechanism with noise multiplier σ (noise
     * standard deviation over L2 sensitivity) to a subset drawn by Poisson sampling with rate q.
     */
    public RdpAccountant compose(double noiseMultiplier, double samplingRate, long steps) {
        if (!(noiseMultiplier > 0) || Double.isInfinite(noiseMultiplier)) throw new IllegalArgumentException("noise multiplier must be > 0, got " + noiseMultiplier);
        if (!(samplingRate >= 0 && samplingRate <= 1)) throw new IllegalArgumentException("sampling rate must be in [0, 1], got " + samplingRate);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0");
        for (int i = 0; i < ORDERS.length; i++) rdp[i] += steps * sampledGaussian(samplingRate, noiseMultiplier, ORDERS[i]);
        return this;
    }

    /** RDP of one step of the sampled Gaussian mechanism at order α; +∞ where it is not computed. */
    static double sampledGaussian(double q, double sigma, double alpha) {
        if (q == 0) return 0;
        if (q == 1) return alpha / (2 * sigma * sigma);
        if (alpha != Math.rint(alpha)) return Double.POSITIVE_INFINITY;
        return logAInteger(q, sigma, (int) alpha) / (alpha - 1);
    }

    /** log A_α = log Σ_{i=0}^{α} C(α, i) (1−q)^{α−i} q^i exp((i² − i) / (2σ²)) (Mironov et al. 2019, Section 3.3). */
    private static double logAInteger(double q, double sigma, int alpha) {
        double logA = Double.NEGATIVE_INFINITY;
        double logQ = Math.log(q), log1mQ = Math.log1p(-q);
        for (int i = 0; i <= alpha; i++) {
            double term = logBinomial(alpha, i) + i * logQ + (alpha - i) * log1mQ + (i * (double) i - i) / (2 * sigma * sigma);
            logA = logAdd(logA, term);
        }
        return logA;
    }

    private static double logBinomial(int n, int k) {
        return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
    }

    private static double logFactorial(int n) {
        double s = 0;
        for (int i = 2; i <= n; i++) s += Math.log(i);
        return s;
    }

    private static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) return b;
        double hi = Math.max(a, b), lo = Math.min(a, b);
        return hi + Math.log1p(Math.exp(lo - hi));
    }

    /** The smallest ε such that everything composed so far is (ε, δ)-DP, by the conversion above. */
    public double epsilon(double delta) {
        return epsilon(ORDERS, rdp, delta);
    }

    static double epsilon(double[] orders, double[] rdp, double delta) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < orders.length; i++) {
            double a = orders[i];
            if (Double.isInfinite(rdp[i])) continue;
            double eps = rdp[i] + Math.log((a - 1) / a) - (Math.log(delta) + Math.log(a)) / (a - 1);
            best = Math.min(best, eps);
        }
        return Math.max(0, best);
    }

    /**
     * ε after rounds of the plain Gaussian mechanism (q = 1) with noise multipliers σ_t, given
     * Σ_t 1/σ_t²: such a composition is exactly one Gaussian mechanism with σ = (Σ_t 1/σ_t²)^(−1/2),
     * so this one number is all a server has to keep.
     */
    public static double gaussianEpsilon(double sumInverseSquaredNoise, double delta) {
        if (sumInverseSquaredNoise == 0) return 0;
        return new RdpAccountant().compose(1 / Math.sqrt(sumInverseSquaredNoise), 1, 1).epsilon(delta);
    }
}
