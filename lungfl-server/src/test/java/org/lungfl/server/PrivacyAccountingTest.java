package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.lungfl.core.plan.AggregationOptions;
import org.lungfl.core.privacy.RdpAccountant;

/** The DP account across a plan that switches DP on, off and on again with another σ. */
class PrivacyAccountingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A version's audit event carries its DP metadata as the round wrote it. */
    private static com.fasterxml.jackson.databind.JsonNode event(Map<String, String> meta) {
        return AuditEvents.aggregated(1, meta, JSON.createArrayNode());
    }

    @Test
    void theAccountCarriesOverRoundsWithoutDpAndCountsThem() {
        var dp1 = new AggregationOptions.DifferentialPrivacy(1.0, 1.0, 1e-6);
        var dp2 = new AggregationOptions.DifferentialPrivacy(1.0, 2.0, 1e-6);
        PrivacyAccounting off = new PrivacyAccounting(null);
        assertThat(off.status(0, Map.of(), 0)).isNull();
        assertThat(off.next(Map.of())).isEmpty();

        Map<String, String> v1 = new PrivacyAccounting(dp1).next(Map.of());
        Map<String, String> v2 = off.next(v1);
        PrivacyAccounting on2 = new PrivacyAccounting(dp2);
        Map<String, String> v3 = on2.next(v2);
        assertThat(v2).doesNotContainKey(PrivacyAccounting.EPSILON).containsEntry(PrivacyAccounting.ROUNDS, "1")
                .containsEntry(PrivacyAccounting.DELTA, "1.0E-6");
        double expected = RdpAccountant.gaussianEpsilon(1 + 1 / 4.0, 1e-6);
        assertThat(Double.parseDouble(v3.get(PrivacyAccounting.EPSILON))).isCloseTo(expected, within(1e-12));

        assertThat(PrivacyAccounting.at(event(v2))).isNull();
        assertThat(PrivacyAccounting.at(event(v3)).get("dp_rounds").asLong()).isEqualTo(2);
        assertThat(PrivacyAccounting.at(event(v3)).get("epsilon").asDouble()).isCloseTo(expected, within(1e-12));
        var s = on2.status(3, v3, 1);
        assertThat(s.get("rounds_without_dp").asLong()).isEqualTo(1);
        assertThat(s.get("epsilon").asDouble()).isCloseTo(expected, within(1e-12));
        // With DP switched off, the status still reports what was spent, at the δ it was spent for.
        assertThat(off.status(3, v3, 1).get("enabled").asBoolean()).isFalse();
        assertThat(off.status(3, v3, 1).get("delta").asDouble()).isEqualTo(1e-6);
        assertThat(off.status(3, v3, 1).get("epsilon").asDouble()).isCloseTo(expected, within(1e-12));
    }
}
