package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.lungfl.client.FlClient;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The original tool's test script as a command: N simulated sites each upload the current global
 * model plus small random changes, with random sample counts, and the status is shown after each
 * upload, so the automatic FedAvg at K and the leftover queue are visible.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulated clients upload valid updates to a running server; shows the automatic FedAvg.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--server", required = true, converter = ServerOptions.AddressConverter.class,
            description = "The server: a host, host:port or URL (http and port 5000 unless given), e.g. 127.0.0.1:5000.")
    URI server;

    @Option(names = "--clients", defaultValue = "12", description = "Number of simulated clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--token-file", description = "Lines 'CLIENT_ID TOKEN' (from `lungfl server token add`); without it the server must be --open.")
    Path tokenFile;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed for changes and sample counts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (clients < 1) throw new UserFacingException("--clients must be at least 1");
        List<String[]> sites = sites();
        Random rnd = new Random(seed);
        FlClient first = new FlClient(server, sites.get(0)[1], sites.get(0)[0]);
        FederationPlan plan = first.plan();
        System.out.printf("server %s: plan '%s' (%s), fingerprint %s%n", server, plan.name(), plan.architecture(), plan.fingerprint().substring(0, 12));
        for (int i = 0; i < clients; i++) {
            String id = sites.get(i)[0];
            FlClient c = new FlClient(server, sites.get(i)[1], id);
            FlClient.Model global = c.download(null).orElseThrow();
            int samples = 20 + rnd.nextInt(181);
            byte[] body = SafeTensors.write(perturb(SafeTensors.read(global.safetensors()).weights(), rnd), metadata(id, global.version(),
                    samples, plan, rnd));
            FlClient.UploadResult r = c.upload(body);
            System.out.printf("%-10s %3d samples on v%-3d -> queued %d/%d%s%n", id, samples, global.version(), r.queueSize(), r.capacity(),
                    r.aggregated() ? "   FedAvg -> global version " + r.globalVersion() : "");
            JsonNode s = c.status();
            System.out.printf("           status: queue %d/%d, global version %d, rounds %d%s%n",
                    s.path("queue_size").asInt(), s.path("capacity").asInt(), s.path("global_version").asLong(),
                    s.path("rounds_completed").asLong(), s.has("connected_clients") ? ", connected clients " + s.path("connected_clients").asInt() : "");
        }
        JsonNode s = first.status();
        System.out.println("final status:");
        System.out.println(s.toPrettyString());
        return 0;
    }

    /** Client ids with their tokens (null tokens for an open server). */
    private List<String[]> sites() throws IOException {
        List<String[]> out = new ArrayList<>();
        if (tokenFile == null) {
            for (int i = 1; i <= clients; i++) out.add(new String[] {String.format("sim-%02d", i), null});
            return out;
        }
        if (!Files.isRegularFile(tokenFile)) throw new UserFacingException("token file " + tokenFile + ": no such file");
        int lineNo = 0;
        for (String line : Files.readAllLines(tokenFile)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] parts = t.split("\\s+");
            if (parts.length != 2) throw new UserFacingException("token file " + tokenFile + " line " + lineNo + ": expected 'CLIENT_ID TOKEN'");
            out.add(parts);
        }
        if (out.size() < clients) {
            throw new UserFacingException("token file " + tokenFile + " has " + out.size() + " client(s), --clients asks for " + clients);
        }
        return out;
    }

    /** The global model plus Gaussian noise (σ = 0.01) on every float; counters advance a little. */
    private static Weights perturb(Weights w, Random rnd) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : w.tensors()) {
            if (t.dtype() == DType.F32) {
                float[] v = t.floats().clone();
                for (int i = 0; i < v.length; i++) v[i] += (float) (rnd.nextGaussian() * 0.01);
                out.add(Tensor.ofFloats(t.name(), t.shape(), v));
            } else {
                long[] v = t.longs().clone();
                for (int i = 0; i < v.length; i++) v[i] += 1 + rnd.nextInt(50);
                out.add(Tensor.ofLongs(t.name(), t.shape(), v));
            }
        }
        return new Weights(out);
    }

    private static Map<String, String> metadata(String id, long base, int samples, FederationPlan plan, Random rnd) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client_id", id);
        m.put("update_id", id + "-" + Long.toHexString(rnd.nextLong()));
        m.put("num_samples", Integer.toString(samples));
        m.put("base_version", Long.toString(base));
        m.put("plan_fingerprint", plan.fingerprint());
        m.put("metrics", String.format(java.util.Locale.ROOT, "{\"train_loss\":%.4f}", 0.3 + rnd.nextDouble() * 0.4));
        return m;
    }
}
