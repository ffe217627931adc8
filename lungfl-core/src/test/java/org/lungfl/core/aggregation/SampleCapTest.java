package org.lungfl.core.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleCapTest {
    @Test
    void anImplausibleClaimCountsTenMediansAtMost() {
        // Issue 13: 10,000,000 beside two of 100 took 99.998 % of the round.
        List<Contribution> capped = SampleCap.apply(List.of(new Contribution(100, 0), new Contribution(10_000_000, 0), new Contribution(100, 0)));
        assertThat(capped).extracting(Contribution::numSamples).containsExactly(100L, 1000L, 100L);
        AggregationStrategy.Round r = new FedAvg(0.5).begin(0, capped);
        assertThat(r.share(1)).isCloseTo(1000.0 / 1200, within(1e-12));
    }

    @Test
    void ordinaryRoundsAreUnchanged() {
        long[] sites = {40, 38, 41, 120, 12};
        assertThat(SampleCap.counted(sites)).containsExactly(sites);
        assertThat(SampleCap.counted(new long[] {7})).containsExactly(7);
        assertThat(SampleCap.counted(new long[] {10_000_000})).containsExactly(10_000_000);
    }

    @Test
    void theLowerMedianKeepsAPairFromLiftingItsOwnCap() {
        assertThat(SampleCap.median(new long[] {10_000_000, 100})).isEqualTo(100);
        assertThat(SampleCap.counted(new long[] {10_000_000, 100})).containsExactly(1000, 100);
        assertThat(SampleCap.median(new long[] {5, 1, 9, 3})).isEqualTo(3);
        assertThat(SampleCap.counted(new long[] {Long.MAX_VALUE, Long.MAX_VALUE})).containsExactly(Long.MAX_VALUE, Long.MAX_VALUE);
    }
}
