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
        assertThat(demo.inputShape()).containsExactly(1, 32, 64, 64);
        assertThat(FederationPlan.load("standard").inputShape()).containsExactly(1, 64, 128, 128);
        assertThat(demo.preprocess().huLow()).isEqualTo(-1000.0);
        assertThat(demo.preprocess().mean()).isEqualTo(0.25);
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
                demo.replace("\"epochs_per_round\" : 2", "\"epochs_per_round\" : 5").getBytes(StandardCharsets.UTF_8), "t");
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
                        demo.replace("[ 32, 64, 64 ]", "[ 32, 64 ]").getBytes(StandardCharsets.UTF_8), "x.json"))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("preprocess.target_shape");
        assertThatThrownBy(() -> FederationPlan.load(dir.resolve("missing.json").toString()))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("missing.json");
    }
}
