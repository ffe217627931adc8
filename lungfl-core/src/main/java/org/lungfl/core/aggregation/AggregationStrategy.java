package org.lungfl.core.aggregation;

import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.plan.FederationPlan;

/**
 * Merges queued updates into the next global version, one slice of one tensor at a time, so that
 * aggregation needs memory for a slice rather than for K models. The caller reads the same slice
 * of each input on demand through {@link Inputs}; the strategy never sees files or HTTP.
 * Element-wise rules (FedAvg, trimmed mean, median) need one pass; rules that look at whole
 * update vectors (Krum's distances, clipping's norms) ask for a first pass with {@link Round#scans()}
 * that accumulates O(K²) numbers before the combining pass. docs/aggregation.md has the rules.
 */
public interface AggregationStrategy {
    /** The most values a driver hands a round at once (64 KB of floats): rules size their buffers for it. */
    int SLICE = 1 << 14;

    String name();

    /** Plans the round that turns global version {@code currentVersion} into the next one. */
    Round begin(long currentVersion, List<Contribution> contributions);

    /** The fewest updates a round of this strategy can combine (Krum needs 2f + 3). */
    default int minimumContributors() {
        return 1;
    }

    /** A strategy with non-durable server state and secure noise: for tests and tools. */
    static AggregationStrategy of(FederationPlan.Aggregation config) {
        return of(config, new InMemoryServerState(), GaussianNoise.secure());
    }

    /**
     * The plan's strategy, with FedBN's local tensors and DP-FedAvg applied as the plan says.
     *
     * @param state where a server optimiser keeps its moments between rounds
     * @param noise where DP-FedAvg draws its Gaussian noise (a cryptographically secure source on a server)
     */
    static AggregationStrategy of(FederationPlan.Aggregation config, ServerState state, GaussianNoise.Source noise) {
        DeltaMean mean = config.dp() == null ? null : new DpMean(config.dp(), noise);
        AggregationStrategy s = switch (config.strategy()) {
            case AggregationOptions.FEDAVG -> mean == null ? new FedAvg(config.stalenessExponent()) : new DeltaMeanStrategy(FedAvg.NAME, mean);
            case AggregationOptions.TRIMMED_MEAN -> CoordinateWise.trimmedMean(config.trimmedMean().trimFraction());
            case AggregationOptions.MEDIAN -> CoordinateWise.median();
            case AggregationOptions.KRUM -> new Krum(config.krum().byzantineClients(), 1, config.stalenessExponent());
            case AggregationOptions.MULTI_KRUM -> new Krum(config.krum().byzantineClients(), config.krum().selected(), config.stalenessExponent());
            case AggregationOptions.CLIPPED_FEDAVG -> new ClippedFedAvg(config.clipping(), config.stalenessExponent());
            case AggregationOptions.FEDADAM, AggregationOptions.FEDYOGI -> new ServerOptimizer(config.strategy(), config.serverOptimizer(),
                    mean == null ? new WeightedMean(config.stalenessExponent()) : mean, state);
            default -> throw new UserFacingException("aggregation strategy '" + config.strategy() + "' is not supported (supported: "
                    + String.join(", ", AggregationOptions.STRATEGIES) + ")");
        };
        return config.fedbn() ? new LocalTensors.KeepLocal(s) : s;
    }

    /** One round: combines every tensor of the model in turn. */
    interface Round {
        /**
         * Update i's share of the result, for logs and the audit (sums to 1). For the robust rules
         * it is nominal (1/K for coordinate-wise rules; 0 for an update Krum left out) and is only
         * final after the first pass.
         */
        double share(int contribution);

        /** True when the round needs a first pass over every F32 slice ({@link #scan}) before combining. */
        default boolean scans() {
            return false;
        }

        /** First pass: called for every slice of every F32 tensor, in layout order, before any {@link #floats}. */
        default void scan(Inputs in, int n) {}

        /** After the first pass. */
        default void scanned() {}

        /** Writes the aggregate of one slice of {@code n} values of an F32 tensor into {@code out[0, n)}. */
        void floats(Inputs in, float[] out, int n);

        /** The same for a slice of an I64 tensor (a counter such as BatchNorm's num_batches_tracked). */
        void longs(Inputs in, long[] out, int n);

        /** After the last slice, when the new version has been written: makes any server state of the round durable. */
        default void finish() {}
    }

    /**
     * The slice being combined, in each update and in each kept global version. An array returned
     * may be reused by the next call and may be longer than the slice.
     */
    interface Inputs {
        float[] updateFloats(int contribution);

        float[] versionFloats(long version);

        long[] updateLongs(int contribution);

        long[] versionLongs(long version);

        /** The tensor this slice belongs to. */
        String tensor();

        /** Index of the slice's first value in its tensor. */
        long from();
    }
}
