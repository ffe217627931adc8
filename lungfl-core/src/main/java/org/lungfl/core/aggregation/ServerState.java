package org.lungfl.core.aggregation;

import java.util.List;

/**
 * Per-coordinate state a strategy carries from one global version to the next (a server
 * optimiser's moments), kept by the host: in memory for tools, in a durable file next to the
 * versions on a server. Each slot holds one value per coordinate of the aggregated F32 tensors.
 */
public interface ServerState {
    /**
     * Starts the round that turns {@code fromVersion} into {@code toVersion}: reads the state left
     * with {@code fromVersion} (zeros when there is none: the first round, or after a failover to a
     * server that never held it) and collects the state to keep with {@code toVersion}. Opening a
     * round abandons any round opened before and not committed.
     */
    Round open(long fromVersion, long toVersion, List<String> slots);

    interface Round {
        /** Reads {@code n} values of a slot's tensor from index {@code from}, zeros where there are none. */
        void read(String slot, String tensor, long from, float[] dst, int n);

        /** Records the new state of those values; called in layout order, slice after slice. */
        void write(String slot, String tensor, long from, float[] src, int n);

        /** Keeps what was written as the state of {@code toVersion}. */
        void commit();
    }
}
