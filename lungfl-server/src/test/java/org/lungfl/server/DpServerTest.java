package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.privacy.RdpAccountant;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * DP-FedAvg against a real server process started from a plan file: each delta is clipped to C,
 * the noise on the average has standard deviation σC/K, and ε after every version is in
 * {@code /status}, {@code /api/v1/history} and the version's metadata, across a kill -9 and restart.
 */
class DpServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    // Deltas of norm ~27 clipped to 0.5: without the clipping the residual below would be 15 % wider than the noise.
    static final double C = 0.5, SIGMA = 0.3, DELTA = 1e-5, STD = 0.05;
    static final int K = 3;
    @TempDir Path dir;

    private static double[] flat(Weights w) {
        int n = 0;
        for (Tensor t : w.tensors()) if (t.dtype() == DType.F32) n += t.size();
        double[] out = new double[n];
        int p = 0;
        for (Tensor t : w.tensors()) if (t.dtype() == DType.F32) for (float f : t.floats()) out[p++] = f;
        return out;
    }

    /** Uploads one round of K honest sites on top of version {@code base}; returns the mean of their clipped deltas. */
    private static double[] round(String url, long base, long seed) throws Exception {
        Weights w = Uploads.version(url, base, null);
        double[] wb = flat(w);
        double[] mean = new double[wb.length];
        for (int i = 0; i < K; i++) {
            Weights u = Uploads.around(w, seed + i, STD, 1, 1);
            double[] d = flat(u);
            double norm = 0;
            for (int j = 0; j < d.length; j++) {
                d[j] -= wb[j];
                norm += d[j] * d[j];
            }
            double scale = Math.min(1, C / Math.sqrt(norm));
            for (int j = 0; j < d.length; j++) mean[j] += scale * d[j] / K;
            var r = Uploads.post(url, "/upload", Uploads.upload(u, "site-" + i, "r" + seed, 10, base), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return mean;
    }

    @Test
    void noiseOfTheRightSizeAndEpsilonAfterEveryVersion() throws Exception {
        FederationPlan plan = Uploads.planWithAggregation(
                "{\"strategy\": \"fedavg\", \"dp\": {\"clip_norm\": " + C + ", \"noise_multiplier\": " + SIGMA + ", \"delta\": " + DELTA + "}}");
        Path planFile = Files.write(dir.resolve("dp-plan.json"), plan.toJson());
        Path data = dir.resolve("data"), log = dir.resolve("server.log");
        String[] args = {"--plan", planFile.toString(), "--max-clients", Integer.toString(K), "--open"};
        double perRound = 1 / (SIGMA * SIGMA);

        try (ServerProcess s = ServerProcess.start(data, log, args)) {
            double[] mean = round(s.url, 0, 100);
            double[] v0 = flat(Uploads.version(s.url, 0, null)), v1 = flat(Uploads.version(s.url, 1, null));
            // v1 − v0 − mean of the clipped deltas is the noise alone: N(0, (σC/K)²) in every coordinate.
            double sum = 0, sum2 = 0;
            for (int j = 0; j < v0.length; j++) {
                double z = v1[j] - v0[j] - mean[j];
                sum += z;
                sum2 += z * z;
            }
            double m = sum / v0.length, sd = Math.sqrt(sum2 / v0.length - m * m);
            // 291 k coordinates: the sample deviation is within 0.2 % of the true one; 2 % is far outside chance.
            assertThat(sd).isCloseTo(SIGMA * C / K, within(0.02 * SIGMA * C / K));
            assertThat(m).isCloseTo(0, within(0.002));

            JsonNode p = JSON.readTree(Uploads.get(s.url, "/status", null).body()).get("privacy");
            assertThat(p.get("enabled").asBoolean()).isTrue();
            assertThat(p.get("dp_rounds").asLong()).isEqualTo(1);
            assertThat(p.get("rounds_without_dp").asLong()).isZero();
            assertThat(p.get("sampling_rate").asDouble()).isEqualTo(1.0);
            assertThat(p.get("epsilon").asDouble()).isCloseTo(RdpAccountant.gaussianEpsilon(perRound, DELTA), within(1e-9));
            round(s.url, 1, 200);
            Weights v2 = Uploads.version(s.url, 2, null);
            assertThat(v2).isNotNull();
            var meta = SafeTensors.read(Uploads.download(s.url, "?version=2", null, null).body()).metadata();
            assertThat(Double.parseDouble(meta.get("dp_epsilon"))).isCloseTo(RdpAccountant.gaussianEpsilon(2 * perRound, DELTA), within(1e-9));
            s.kill();
        }

        try (ServerProcess s = ServerProcess.start(data, log, args)) {
            JsonNode rounds = JSON.readTree(Uploads.get(s.url, "/api/v1/history", null).body()).get("rounds");
            assertThat(rounds).hasSize(2);
            double e1 = rounds.get(0).get("privacy").get("epsilon").asDouble(), e2 = rounds.get(1).get("privacy").get("epsilon").asDouble();
            assertThat(e1).isCloseTo(RdpAccountant.gaussianEpsilon(perRound, DELTA), within(1e-9));
            assertThat(e2).isCloseTo(RdpAccountant.gaussianEpsilon(2 * perRound, DELTA), within(1e-9)).isGreaterThan(e1);
            assertThat(rounds.get(1).get("privacy").get("noise_multiplier").asDouble()).isEqualTo(SIGMA);
            // The account continues after the restart.
            round(s.url, 2, 300);
            JsonNode p = JSON.readTree(Uploads.get(s.url, "/status", null).body()).get("privacy");
            assertThat(p.get("dp_rounds").asLong()).isEqualTo(3);
            assertThat(p.get("epsilon").asDouble()).isCloseTo(RdpAccountant.gaussianEpsilon(3 * perRound, DELTA), within(1e-9));
        }
    }
}
