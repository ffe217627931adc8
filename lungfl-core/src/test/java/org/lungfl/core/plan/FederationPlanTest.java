package org.lungfl.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

class FederationPlanTest {

    @Test
    void presetsLoadAndDescribeTheModelInput() {
        FederationPlan demo = FederationPlan.load("demo");
        assertThat(demo.lesionCentred()).isTrue();
        assertThat(demo.inputShape()).as("one candidate's patch").containsExactly(1, 32, 32, 32);
        assertThat(demo.patch().storedSize()).isEqualTo(36);
        assertThat(demo.preprocess().spacingMm()).containsExactly(1.5, 1.5, 1.5);
        assertThat(FederationPlan.load("standard").lesionCentred()).isTrue();
        FederationPlan whole = FederationPlan.load("whole-volume");
        assertThat(whole.lesionCentred()).isFalse();
        assertThat(whole.inputShape()).containsExactly(1, 32, 64, 64);
        assertThat(demo.preprocess().huLow()).isEqualTo(-1000.0);
        assertThat(demo.preprocess().mean()).isEqualTo(0.25);
    }

    @Test
    void lesionCentredAndWholeVolumeSectionsGoWithTheirArchitecture() {
        String whole = new String(FederationPlan.preset("whole-volume").toJson(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FederationPlan.parse(whole.replace("\"cnn3d-v1\"", "\"cnn3d-patch-v1\"").getBytes(StandardCharsets.UTF_8), "p.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("p.json").hasMessageContaining("'candidates' must be set");
        String demo = new String(FederationPlan.preset("demo").toJson(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FederationPlan.parse(demo.replace("\"cnn3d-patch-v1\"", "\"cnn3d-v1\"").getBytes(StandardCharsets.UTF_8), "q.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("target_shape' must be set");
        assertThatThrownBy(() -> FederationPlan.parse(demo.replace("\"top_k\" : 24", "\"top_k\" : 0").getBytes(StandardCharsets.UTF_8), "r.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("candidates.top_k");
        assertThatThrownBy(() -> FederationPlan.parse(demo.replace("\"size\" : 32", "\"size\" : 40").getBytes(StandardCharsets.UTF_8), "s.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("patch.size").hasMessageContaining("multiple of 16");
        // The patch's window and the detector's settings decide what a cache holds: they change the cache's fingerprint.
        FederationPlan base = FederationPlan.parse(demo.getBytes(StandardCharsets.UTF_8), "t");
        FederationPlan otherK = FederationPlan.parse(demo.replace("\"top_k\" : 24", "\"top_k\" : 16").getBytes(StandardCharsets.UTF_8), "t");
        FederationPlan otherRule = FederationPlan.parse(demo.replace("\"combine\" : \"max\"", "\"combine\" : \"noisy-or\"").getBytes(StandardCharsets.UTF_8), "t");
        assertThat(otherK.preprocessFingerprint()).isNotEqualTo(base.preprocessFingerprint());
        assertThat(otherRule.preprocessFingerprint()).isEqualTo(base.preprocessFingerprint());
        assertThat(otherRule.patch().combine()).isEqualTo(FederationPlan.Combine.NOISY_OR);
    }

    @Test
    void jsonRoundTripKeepsTheFingerprint(@TempDir Path dir) throws Exception {
        FederationPlan demo = FederationPlan.preset("demo");
        Path file = dir.resolve("plan.json");
        Files.write(file, demo.toJson());
        FederationPlan back = FederationPlan.load(file.toString());
        assertThat(back).isEqualTo(demo);
        assertThat(back.fingerprint()).isEqualTo(demo.fingerprint()).hasSize(64);
    }

    @Test
    void fingerprintFollowsPreprocessingButNotTrainingSettings() {
        String demo = new String(FederationPlan.preset("demo").toJson(), StandardCharsets.UTF_8);
        FederationPlan base = FederationPlan.parse(demo.getBytes(StandardCharsets.UTF_8), "t");
        FederationPlan moreEpochs = FederationPlan.parse(
                demo.replace("\"epochs_per_round\" : 4", "\"epochs_per_round\" : 5").getBytes(StandardCharsets.UTF_8), "t");
        FederationPlan otherWindow = FederationPlan.parse(
                demo.replace("400.0", "500.0").getBytes(StandardCharsets.UTF_8), "t");
        assertThat(moreEpochs.train().epochsPerRound()).isEqualTo(5);
        assertThat(moreEpochs.fingerprint()).isEqualTo(base.fingerprint());
        assertThat(otherWindow.fingerprint()).isNotEqualTo(base.fingerprint());
        assertThat(otherWindow.preprocessFingerprint()).isNotEqualTo(base.preprocessFingerprint());
    }

    @Test
    void badPlansNameTheFieldOrFile(@TempDir Path dir) throws Exception {
        String demo = new String(FederationPlan.preset("demo").toJson(), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FederationPlan.parse(
                        demo.replace("\"mean\"", "\"meen\"").getBytes(StandardCharsets.UTF_8), "x.json"))
                .isInstanceOf(UserFacingException.class)
                .hasMessageContaining("x.json").hasMessageContaining("preprocess.mean' is missing");
        assertThatThrownBy(() -> FederationPlan.parse(
                        demo.replace("\"name\"", "\"nmae\" : 1, \"name\"").getBytes(StandardCharsets.UTF_8), "y.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("unknown field 'nmae'");
        assertThatThrownBy(() -> FederationPlan.parse(
                        demo.replace("[ 1.5, 1.5, 1.5 ]", "[ 1.5, 1.5 ]").getBytes(StandardCharsets.UTF_8), "x.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("preprocess.spacing_mm");
        assertThatThrownBy(() -> FederationPlan.load(dir.resolve("missing.json").toString()))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("missing.json");
    }

    private static FederationPlan withAggregation(String aggregationJson) {
        String demo = new String(FederationPlan.preset("demo").toJson(), StandardCharsets.UTF_8);
        // "aggregation" is the plan's last field: replace everything up to the plan's closing brace.
        int from = demo.indexOf("\"aggregation\"");
        int to = demo.lastIndexOf('}');
        return FederationPlan.parse((demo.substring(0, from) + "\"aggregation\" : " + aggregationJson + "\n" + demo.substring(to))
                .getBytes(StandardCharsets.UTF_8), "p.json");
    }

    @Test
    void aPlanWithoutTheNewAggregationFieldsGetsTheirDefaults() {
        FederationPlan.Aggregation a = withAggregation("{\"strategy\": \"fedavg\", \"staleness_exponent\": 0.5}").aggregation();
        assertThat(a).isEqualTo(FederationPlan.preset("demo").aggregation());
        assertThat(a.screening()).isEqualTo(AggregationOptions.Screening.DEFAULT);
        assertThat(a.fedbn()).isFalse();
        assertThat(a.dp()).isNull();
        assertThat(a.trimmedMean()).isNull();
        assertThat(withAggregation("{\"strategy\": \"fedavg\"}").aggregation().stalenessExponent()).isEqualTo(0.5);
    }

    @Test
    void eachStrategyGetsItsOwnSectionWithDefaultsAndTheJsonRoundTrips() {
        FederationPlan p = withAggregation("""
                {"strategy": "multi-krum", "krum": {"byzantine_clients": 2},
                 "screening": {"factor": 3, "action": "reject"}, "fedbn": true}""");
        FederationPlan.Aggregation a = p.aggregation();
        assertThat(a.krum()).isEqualTo(new AggregationOptions.Krum(2, 0));
        assertThat(a.screening()).isEqualTo(new AggregationOptions.Screening(3, 5, 3, "reject"));
        assertThat(a.fedbn()).isTrue();
        assertThat(FederationPlan.parse(p.toJson(), "again")).isEqualTo(p);
        assertThat(withAggregation("{\"strategy\": \"fedyogi\"}").aggregation().serverOptimizer())
                .isEqualTo(AggregationOptions.ServerOptimizer.DEFAULT);
        assertThat(withAggregation("{\"strategy\": \"trimmed-mean\", \"trimmed_mean\": {\"trim_fraction\": 0.3}}").aggregation()
                .trimmedMean().trimFraction()).isEqualTo(0.3);
        FederationPlan dp = withAggregation("{\"strategy\": \"fedavg\", \"dp\": {\"clip_norm\": 0.5, \"noise_multiplier\": 1.1}}");
        assertThat(dp.aggregation().dp()).isEqualTo(new AggregationOptions.DifferentialPrivacy(0.5, 1.1, 1e-5));
        assertThat(FederationPlan.parse(dp.toJson(), "again")).isEqualTo(dp);
        // Aggregation settings are not part of the fingerprint: a federation may change them.
        assertThat(dp.fingerprint()).isEqualTo(FederationPlan.preset("demo").fingerprint());
    }

    @Test
    void anUnknownStrategyOrABadParameterIsRefusedNamingTheField() {
        String[][] cases = {
            {"{\"strategy\": \"fedsgd\"}", "field 'aggregation.strategy' must be one of fedavg, trimmed-mean"},
            {"{\"staleness_exponent\": 0.5}", "field 'aggregation.strategy' is missing"},
            {"{\"strategy\": 7}", "field 'aggregation.strategy' has the wrong type"},
            {"{\"strategy\": \"fedavg\", \"stalenes_exponent\": 0.5}", "unknown field 'aggregation.stalenes_exponent'"},
            {"{\"strategy\": \"trimmed-mean\", \"trimmed_mean\": {\"trim_fraction\": 0.5}}",
                "field 'aggregation.trimmed_mean.trim_fraction' must be in [0, 0.5), not 0.5"},
            {"{\"strategy\": \"trimmed-mean\", \"trimmed_mean\": {\"beta\": 0.1}}", "unknown field 'aggregation.trimmed_mean.beta'"},
            {"{\"strategy\": \"krum\", \"krum\": {\"byzantine_clients\": -1}}", "field 'aggregation.krum.byzantine_clients' must be >= 0"},
            {"{\"strategy\": \"krum\", \"krum\": {\"byzantine_clients\": 1.5}}", "field 'aggregation.krum.byzantine_clients' has the wrong type"},
            {"{\"strategy\": \"krum\", \"krum\": {\"selected\": 3}}", "field 'aggregation.krum.selected' is for multi-krum"},
            {"{\"strategy\": \"fedavg\", \"krum\": {\"byzantine_clients\": 1}}",
                "field 'aggregation.krum' is set but strategy 'fedavg' does not use it"},
            {"{\"strategy\": \"clipped-fedavg\", \"clipping\": {\"norm\": -1}}", "field 'aggregation.clipping.norm' must be"},
            {"{\"strategy\": \"fedadam\", \"server_optimizer\": {\"beta2\": 1}}", "field 'aggregation.server_optimizer.beta2' must be in [0, 1)"},
            {"{\"strategy\": \"fedavg\", \"screening\": {\"action\": \"drop\"}}",
                "field 'aggregation.screening.action' must be 'reject' or 'quarantine', not 'drop'"},
            {"{\"strategy\": \"fedavg\", \"screening\": {\"factor\": 1}}", "field 'aggregation.screening.factor' must be a finite number > 1"},
            {"{\"strategy\": \"fedavg\", \"fedbn\": \"yes\"}", "field 'aggregation.fedbn' has the wrong type"},
            {"{\"strategy\": \"fedavg\", \"dp\": {\"clip_norm\": 1}}", "field 'aggregation.dp.noise_multiplier' is missing"},
            {"{\"strategy\": \"median\", \"dp\": {\"clip_norm\": 1, \"noise_multiplier\": 1}}", "field 'aggregation.dp' applies to"},
            {"{\"strategy\": \"fedavg\", \"dp\": {\"clip_norm\": 1, \"noise_multiplier\": 1, \"delta\": 1}}",
                "field 'aggregation.dp.delta' must be in (0, 1)"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> withAggregation(c[0])).as(c[0]).isInstanceOf(UserFacingException.class)
                    .hasMessageStartingWith("plan p.json: ").hasMessageContaining(c[1]);
        }
    }
}
