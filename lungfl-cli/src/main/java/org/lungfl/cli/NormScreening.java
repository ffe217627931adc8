package org.lungfl.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import org.lungfl.core.plan.AggregationOptions;

/**
 * The server's update screening (docs/aggregation.md, "Update screening"; lungfl-server's
 * UpdateScreening, which is bound to the server's files and audit log) as a rule over norms in
 * memory, for simulations: an update whose delta norm exceeds {@code factor} × the median norm of
 * the updates that passed while the global model was at one of the last {@code rounds} versions is
 * stopped; until {@code min_updates} norms are known, and when that median is 0, every update passes.
 */
final class NormScreening {
    /** One decision: whether the update passed, its norm and the median it was compared with (NaN while learning). */
    record Verdict(boolean passed, double norm, double reference) {}

    private record Norm(long globalVersion, double norm) {}

    private final AggregationOptions.Screening config;
    private final Deque<Norm> passed = new ArrayDeque<>();

    NormScreening(AggregationOptions.Screening config) {
        this.config = config;
    }

    /** Screens an upload of delta norm {@code norm} arriving while the global model is at {@code globalVersion}. */
    Verdict screen(long globalVersion, double norm) {
        while (!passed.isEmpty() && passed.peekFirst().globalVersion() <= globalVersion - config.rounds()) passed.removeFirst();
        int known = passed.size();
        double reference = known == 0 ? Double.NaN : median();
        boolean learning = known < config.minUpdates();
        boolean outlier = !learning && reference > 0 && norm > config.factor() * reference;
        if (!outlier) passed.addLast(new Norm(globalVersion, norm));
        return new Verdict(!outlier, norm, learning ? Double.NaN : reference);
    }

    private double median() {
        double[] v = passed.stream().mapToDouble(Norm::norm).sorted().toArray();
        int k = v.length;
        return k % 2 == 1 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
    }
}
