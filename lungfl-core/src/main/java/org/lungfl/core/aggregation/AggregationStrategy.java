package org.lungfl.core.aggregation;

import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;

/**
 * Merges queued updates into the next global version, one slice of one tensor at a time, so that
 * aggregation needs memory for a slice rather than for K models. The caller reads the same slice
 * of each input on demand through {@link Inputs}; the strategy never sees files or HTTP. This
 * suits element-wise rules (FedAvg, later trimmed mean or median); a rule that needs whole update
 * vectors (Krum) will need a second interface.
 */
public interface AggregationStrategy {
    String name();

    /** Plans the round that turns global version {@code currentVersion} into the next one. */
    Round begin(long currentVersion, List<Contribution> contributions);

    static AggregationStrategy of(FederationPlan.Aggregation config) {
        if (config.strategy().equals(FedAvg.NAME)) return new FedAvg(config.stalenessExponent());
        throw new UserFacingException("aggregation strategy '" + config.strategy() + "' is not supported (supported: " + FedAvg.NAME + ")");
    }

    /** One round: combines every tensor of the model in turn. */
    interface Round {
        /** Update i's share of the result, for logs and the audit (sums to 1). */
        double share(int contribution);

        /** Writes the aggregate of one slice of {@code n} values of an F32 tensor into {@code out[0, n)}. */
        void floats(Inputs in, float[] out, int n);

        /** The same for a slice of an I64 tensor (a counter such as BatchNorm's num_batches_tracked). */
        void longs(Inputs in, long[] out, int n);
    }

    /**
     * The slice being combined, in each update and in each kept global version. An array returned
     * may be reused by the next call and may be longer than the slice.
     */
    interface Inputs {
        float[] updateFloats(int contribution);

        float[] versionFloats(long version);

        long[] updateLongs(int contribution);
    }
}
