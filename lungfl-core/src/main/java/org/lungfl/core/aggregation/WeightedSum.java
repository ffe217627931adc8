package org.lungfl.core.aggregation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The arithmetic kernel of linear aggregation: {@code out = Σ coef[i] · xs[i]}, accumulated in
 * double and rounded to float once per value (docs/aggregation.md, "The kernel").
 *
 * <p>Each product {@code coef[i] · x} and each partial sum is rounded to double exactly as the
 * plain loop {@code s += coef[i] * x[j]} rounds them, in the order of the inputs, so every code path
 * (vector, scalar fallback, loop tails, one core or two) gives the same bits. With the incubating
 * Vector API in the boot layer ({@code --add-modules jdk.incubator.vector}, as the launcher starts
 * the server) the work runs in SIMD registers ({@link VectorKernel}); without it, in a scalar loop
 * that C2 cannot vectorise (it does not widen float to double in vectors on Java 17).
 *
 * <p>Vector API code is slow until C2 has compiled it (interpreted, each operation allocates): the
 * first 20 slices would cost ~0.6 s where the scalar loop needs ~0.1 s. So the first use starts a
 * background warm-up ({@link #warmUp}) and runs the scalar loop until it is done; the results are
 * identical either way.
 */
public final class WeightedSum {
    /** Tile of the scalar fallback: 8 K doubles (64 KB) keep its accumulator in L2 across all inputs. */
    static final int TILE = 1 << 13;

    /** Below this many values per core, a second thread costs more than it saves. */
    static final int MIN_VALUES_PER_THREAD = 1 << 16;

    private static final boolean VECTOR_API = vectorApiPresent() && VectorKernel.usable();
    private static final AtomicBoolean WARM_UP_STARTED = new AtomicBoolean();
    private static volatile boolean vectorCompiled;

    private WeightedSum() {}

    /** True when calls run on the Vector API: the module is there and {@link #warmUp} has seen the kernel compiled. */
    public static boolean vectorised() {
        return vectorCompiled;
    }

    /** What runs: for benchmarks and logs. */
    public static String describe() {
        if (!VECTOR_API) return "scalar loop (jdk.incubator.vector not in the boot layer)";
        return vectorCompiled ? "Vector API, " + VectorKernel.describe() : "scalar loop until the Vector API kernel is compiled";
    }

    /**
     * Runs the vector kernel on small arrays until C2 has compiled it, then lets every later call
     * use it; ~0.3 s of one core, once per JVM. Compiled, the kernel allocates nothing (its vectors
     * live in registers), while interpreted or C1-compiled every vector operation allocates: that is
     * the signal, whatever the machine's load. Benchmarks call this before they measure; otherwise
     * the first use of the kernel starts it on a background thread. Gives up (the scalar loop stays)
     * if the kernel still allocates after 200,000 calls.
     */
    public static void warmUp() {
        if (!VECTOR_API || vectorCompiled) return;
        int n = 1000; // not a multiple of any vector length: the loop tails are compiled too
        float[][] xs = new float[3][n];
        double[] coef = {0.25, 0.5, 0.25};
        float[] out = new float[n];
        double[] acc = new double[n];
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean measurable = threads instanceof com.sun.management.ThreadMXBean;
        int clean = 0;
        for (int r = 0; r < 200_000 && clean < 3; r++) {
            long before = measurable ? ((com.sun.management.ThreadMXBean) threads).getCurrentThreadAllocatedBytes() : 0;
            for (int i = 0; i < 20; i++) {
                VectorKernel.combine(xs, coef, out, 0, n);
                VectorKernel.axpy(acc, 0.5, out, n);
            }
            // Without the measurement, 3,000 calls: enough for C2's thresholds on an idle machine.
            boolean compiled = measurable ? ((com.sun.management.ThreadMXBean) threads).getCurrentThreadAllocatedBytes() == before : r >= 150;
            clean = compiled ? clean + 1 : 0;
        }
        vectorCompiled = clean >= 3;
    }

    private static boolean useVector() {
        if (vectorCompiled) return true;
        if (VECTOR_API && WARM_UP_STARTED.compareAndSet(false, true)) {
            Thread t = new Thread(WeightedSum::warmUp, "lungfl-kernel-warm-up");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        }
        return false;
    }

    /** {@code acc[0, n) += a * x[0, n)} in double precision. */
    public static void axpy(double[] acc, double a, float[] x, int n) {
        if (n > acc.length || n > x.length) throw new IllegalArgumentException("arrays shorter than " + n);
        if (useVector()) VectorKernel.axpy(acc, a, x, n);
        else scalarAxpy(acc, a, x, 0, n);
    }

    /**
     * {@code out[0, n) = Σ coef[i] · xs[i][0, n)} on the calling thread: one slice of a streaming
     * round. Every input is read once and nothing but the output is written.
     */
    public static void combine(float[][] xs, double[] coef, float[] out, int n) {
        check(xs, coef, out, n);
        combineRange(xs, coef, out, 0, n);
    }

    /**
     * The same over whole arrays, split across the machine's cores (the common fork-join pool and
     * the calling thread): bound by memory bandwidth, not arithmetic, once the arrays leave the cache.
     */
    public static void combineOnAllCores(float[][] xs, double[] coef, float[] out) {
        int n = out.length;
        check(xs, coef, out, n);
        int parts = Math.max(1, Math.min(ForkJoinPool.getCommonPoolParallelism() + 1, n / MIN_VALUES_PER_THREAD));
        if (parts == 1) {
            combineRange(xs, coef, out, 0, n);
            return;
        }
        // Part boundaries on 64-value multiples keep each part's vectors aligned with the others'.
        int step = (n / parts) & ~63;
        List<ForkJoinTask<?>> forked = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int from = p * step, to = p == parts - 1 ? n : from + step;
            forked.add(ForkJoinPool.commonPool().submit(() -> combineRange(xs, coef, out, from, to)));
        }
        combineRange(xs, coef, out, 0, step);
        // A part no pool thread has started yet (the pool is busy elsewhere) is done here.
        for (ForkJoinTask<?> t : forked) {
            if (t.tryUnfork()) t.invoke();
            else t.join();
        }
    }

    private static void combineRange(float[][] xs, double[] coef, float[] out, int from, int to) {
        if (useVector()) VectorKernel.combine(xs, coef, out, from, to);
        else scalarCombine(xs, coef, out, from, to);
    }

    private static void check(float[][] xs, double[] coef, float[] out, int n) {
        if (xs.length != coef.length) throw new IllegalArgumentException(xs.length + " inputs for " + coef.length + " coefficients");
        if (n > out.length) throw new IllegalArgumentException("output shorter than " + n);
        for (float[] x : xs) if (n > x.length) throw new IllegalArgumentException("input shorter than " + n);
    }

    /** The fallback, and the reference the vector kernel must match bit for bit. */
    static void scalarAxpy(double[] acc, double a, float[] x, int from, int to) {
        for (int j = from; j < to; j++) acc[j] += a * x[j];
    }

    /** The fallback: tile by tile, so its double accumulator stays in cache while every input passes. */
    static void scalarCombine(float[][] xs, double[] coef, float[] out, int from, int to) {
        double[] acc = new double[Math.min(TILE, Math.max(0, to - from))];
        for (int t = from; t < to; t += TILE) {
            int len = Math.min(TILE, to - t);
            java.util.Arrays.fill(acc, 0, len, 0.0);
            for (int i = 0; i < xs.length; i++) {
                double a = coef[i];
                float[] x = xs[i];
                for (int j = 0; j < len; j++) acc[j] += a * x[t + j];
            }
            for (int j = 0; j < len; j++) out[t + j] = (float) acc[j];
        }
    }

    private static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && !Boolean.getBoolean("lungfl.scalarKernel");
    }
}
