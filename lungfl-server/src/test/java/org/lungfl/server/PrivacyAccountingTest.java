package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.privacy.RdpAccountant;

/** The DP account across a plan that switches DP on, off and on again with another σ. */
class PrivacyAccountingTest {
    @TempDir Path dir;

    @Test
    void theAccountCarriesOverRoundsWithoutDpAndCountsThem() throws Exception {
        var dp1 = new AggregationOptions.DifferentialPrivacy(1.0, 1.0, 1e-6);
        var dp2 = new AggregationOptions.DifferentialPrivacy(1.0, 2.0, 1e-6);
        PrivacyAccounting off = new PrivacyAccounting(null, dir);
        assertThat(off.status(0)).isNull();
        assertThat(off.next(Map.of())).isEmpty();

        Map<String, String> v1 = new PrivacyAccounting(dp1, dir).next(Map.of());
        Map<String, String> v2 = off.next(v1);
        PrivacyAccounting on2 = new PrivacyAccounting(dp2, dir);
        Map<String, String> v3 = on2.next(v2);
        assertThat(v2).doesNotContainKey(PrivacyAccounting.EPSILON).containsEntry(PrivacyAccounting.ROUNDS, "1")
                .containsEntry(PrivacyAccounting.DELTA, "1.0E-6");
        double expected = RdpAccountant.gaussianEpsilon(1 + 1 / 4.0, 1e-6);
        assertThat(Double.parseDouble(v3.get(PrivacyAccounting.EPSILON))).isCloseTo(expected, within(1e-12));

        for (Map.Entry<Long, Map<String, String>> e : Map.of(1L, v1, 2L, v2, 3L, v3).entrySet()) on2.remember(e.getKey(), new HashMap<>(e.getValue()));
        assertThat(on2.at(2)).isNull();
        assertThat(on2.at(3).get("dp_rounds").asLong()).isEqualTo(2);
        var s = on2.status(3);
        assertThat(s.get("rounds_without_dp").asLong()).isEqualTo(1);
        assertThat(s.get("epsilon").asDouble()).isCloseTo(expected, within(1e-12));
        // Remembering a version again (a recovered round) does not count it twice.
        on2.remember(2, new HashMap<>(v2));
        assertThat(on2.status(3).get("rounds_without_dp").asLong()).isEqualTo(1);
        // With DP switched off, the status still reports what was spent, at the δ it was spent for.
        off.remember(3, new HashMap<>(v3));
        assertThat(off.status(3).get("enabled").asBoolean()).isFalse();
        assertThat(off.status(3).get("delta").asDouble()).isEqualTo(1e-6);
    }
}
