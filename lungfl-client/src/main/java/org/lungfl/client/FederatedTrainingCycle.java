package org.lungfl.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.LocalTensors;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.metrics.MetricNames;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import org.lungfl.model.Cohort;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.TrainingOptions;

/**
 * A hospital's federated training loop: fetch the plan → import and preprocess the local data with
 * it → per round: download the newest global model → train {@code epochs_per_round} epochs →
 * evaluate on the local validation patients → upload weights, sample count, base version, a fresh
 * update id and the validation metrics → wait for a newer global version → repeat.
 *
 * <p>An update is written to {@code pending-update.safetensors} before it is sent and removed once
 * a server acknowledged it. Every retry, and a restarted client, sends those same bytes with the
 * same update id, so the server counts each update exactly once. {@code local-model.safetensors},
 * {@code global-model.safetensors} and {@code rounds.csv} in the output folder always hold the
 * latest state.
 */
public final class FederatedTrainingCycle {
    /** In the output folder: an update written before it is sent, removed once a server acknowledged it. */
    public static final String PENDING = "pending-update.safetensors";
    /** In the output folder: the latest locally trained model, with its update's metadata. */
    public static final String LOCAL_MODEL = "local-model.safetensors";
    /** In the output folder: the latest global model downloaded. */
    public static final String GLOBAL_MODEL = "global-model.safetensors";
    /** In the output folder: the global model that scored best on this site's validation patients. */
    public static final String BEST_GLOBAL_MODEL = "best-global-model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * DJL's PyTorch engine allows one gradient collector per process, so clients sharing a JVM (the
     * demo, tests) train one after another; fair, so they take turns. Also lets an evaluation wait
     * for the CPU instead of thrashing it.
     */
    private static final ReentrantLock COMPUTE = new ReentrantLock(true);

    /**
     * @param epochs null: the plan's {@code epochs_per_round}
     * @param roundTimeout how long to wait for the other sites before giving up on a round
     */
    public record Options(LocalData.Source data, Path outDir, Integer epochs, Duration roundTimeout, Duration maxPollInterval,
            int importThreads) {
        public Options withRoundTimeout(Duration d) {
            return new Options(data, outDir, epochs, d, maxPollInterval, importThreads);
        }

        public Options withMaxPollInterval(Duration d) {
            return new Options(data, outDir, epochs, roundTimeout, d, importThreads);
        }
    }

    /**
     * One trained round as written to {@code rounds.csv}: the local model's validation metrics
     * (patients, and candidates for a lesion-centred plan: null where there are none) and the
     * validation AUC of the global model the round started from, by which the best global model
     * is kept.
     */
    public record RoundRecord(int round, long baseVersion, String updateId, int trainSamples, double trainLoss, BinaryMetrics validation,
            BinaryMetrics candidateValidation, double baseValidationAuc, double trainSeconds, Instant finishedAt) {}

    /** What the cycle tells its user (CLI, demo, GUI); every method is optional. */
    public interface Listener {
        default void message(String line) {}

        default void importProgress(int done, int total) {}

        default void trainingProgress(int round, int epoch, int epochs, int batch, int batchesPerEpoch, double loss) {}

        /** After the round's update was acknowledged and a newer global version exists. */
        default void roundDone(RoundRecord r, long newGlobalVersion) {}
    }

    /** How a run ended: rounds completed, and whether it stopped early on request. */
    public record Result(int roundsCompleted, boolean stopped, long lastGlobalVersion) {}

    private final FlClient client;
    private final Options options;
    private final StopSignal stop;
    private final Listener listener;
    private final RoundLog log;

    public FederatedTrainingCycle(FlClient client, Options options, StopSignal stop, Listener listener) {
        this.client = client;
        this.options = options;
        this.stop = stop;
        this.listener = listener;
        this.log = new RoundLog(options.outDir());
    }

    /** The process-wide lock held while a model trains or is evaluated. */
    public static ReentrantLock computeLock() {
        return COMPUTE;
    }

    /** Runs {@code rounds} rounds (fewer when stopped); a Ctrl-C ends it at the next safe point. */
    public Result trainFederated(int rounds) {
        if (rounds < 1) throw new UserFacingException("--rounds must be at least 1, not " + rounds);
        createDirectories(options.outDir());
        int done = 0;
        long version = -1;
        try {
            FederationPlan plan = client.plan();
            listener.message("plan '" + plan.name() + "' from " + client.server() + " (fingerprint " + plan.fingerprint().substring(0, 12) + ")");
            version = resendPending(plan);
            stop.check();
            LocalData data = LocalData.prepare(plan, options.data(), options.importThreads(), listener::importProgress);
            listener.message(String.format("data: %d training and %d validation patients (%d imported now, %d from the cache, %d skipped)",
                    data.train().size(), data.validation().size(), data.imported().imported().size(), data.imported().alreadyDone().size(),
                    data.imported().skipped().size()));
            String why = data.train().whyNotTrainable();
            if (why != null) throw new UserFacingException("this site cannot train under plan '" + plan.name() + "': " + why);
            int epochs = options.epochs() == null ? plan.train().epochsPerRound() : options.epochs();
            FlClient.Model global = client.downloadGlobalModel();
            double bestAuc = Double.NEGATIVE_INFINITY;
            try (LungModel model = LungModel.of(plan, ownStatistics(plan, global.weights()))) {
                for (int round = 1; round <= rounds; round++) {
                    stop.check();
                    global = client.downloadGlobalModel();
                    save(options.outDir().resolve(GLOBAL_MODEL), global.safetensors());
                    RoundRecord r = trainRound(plan, model, data, global, round, epochs);
                    if (r.baseValidationAuc() > bestAuc) {
                        bestAuc = r.baseValidationAuc();
                        save(options.outDir().resolve(BEST_GLOBAL_MODEL), global.safetensors());
                    }
                    version = upload(r, plan, model.weights(), global.version());
                    done++;
                    listener.roundDone(r, version);
                }
            }
            save(options.outDir().resolve(GLOBAL_MODEL), client.downloadGlobalModel().safetensors());
            return new Result(done, false, version);
        } catch (StopSignal.Stopped e) {
            listener.message("stopped after " + done + " round(s)" + (Files.exists(options.outDir().resolve(PENDING))
                    ? "; the unsent update stays in " + options.outDir().resolve(PENDING) + " and is sent on the next start" : ""));
            return new Result(done, true, version);
        }
    }

    private RoundRecord trainRound(FederationPlan plan, LungModel model, LocalData data, FlClient.Model global, int round, int epochs) {
        COMPUTE.lock();
        try {
            stop.check();
            // FedBN: the site's BatchNorm statistics stay in its model (docs/aggregation.md).
            model.load(plan.aggregation().fedbn() ? LocalTensors.keepLocal(global.weights(), model.weights()) : global.weights());
            // The global model as it arrived, on this site's validation patients: the best one is kept.
            Cohort.Evaluation base = data.validation().isEmpty() ? null : data.validation().evaluate(model);
            long seed = trainingSeed(plan, global.version(), client.clientId());
            FederationPlan.Train t = plan.train();
            TrainingOptions to = new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.fedproxMu(), t.augment(), seed);
            long t0 = System.nanoTime();
            LocalTrainer.Report report = new LocalTrainer(model, to).train(data.train().trainingExamples(), (epoch, batch, batches, loss) -> {
                stop.check();
                listener.trainingProgress(round, epoch, epochs, batch, batches, loss);
            });
            Cohort.Evaluation validation = data.validation().isEmpty() ? null : data.validation().evaluate(model);
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new RoundRecord(round, global.version(), "r" + round + "-" + UUID.randomUUID(), report.samples(), report.finalLoss(),
                    validation == null ? null : validation.patients(), validation == null ? null : validation.candidates(),
                    base == null ? Double.NaN : base.patients().auc(), seconds, Instant.now());
        } finally {
            COMPUTE.unlock();
        }
    }

    /**
     * The seed of a site's local training from a global version: a different shuffle each version,
     * and each site its own. Public so a simulation of the federation trains exactly as a client does.
     */
    public static long trainingSeed(FederationPlan plan, long globalVersion, String clientId) {
        return plan.seed() * 1_000_003L + globalVersion * 7919L + clientId.hashCode();
    }

    /**
     * Under FedBN, a restarted site resumes with the BatchNorm statistics of its last update
     * ({@code local-model.safetensors}, if made for this plan); otherwise it has none but the global's.
     */
    private Weights ownStatistics(FederationPlan plan, Weights global) {
        Path last = options.outDir().resolve(LOCAL_MODEL);
        if (!plan.aggregation().fedbn() || !Files.exists(last)) return global;
        try {
            SafeTensors.Contents c = SafeTensors.read(Files.readAllBytes(last));
            if (!plan.fingerprint().equals(c.metadata().get("plan_fingerprint"))) return global;
            return LocalTensors.keepLocal(global, c.weights());
        } catch (IOException | RuntimeException e) {
            listener.message(last + " unreadable (" + e.getMessage() + "): starting from the global model's BatchNorm statistics");
            return global;
        }
    }

    /** Makes the update durable, logs the round, sends it (retrying), then waits for the next global version. */
    private long upload(RoundRecord r, FederationPlan plan, Weights weights, long base) {
        byte[] body = SafeTensors.write(weights, FlClient.metadata(client.clientId(),
                new FlClient.Update(r.updateId(), r.trainSamples(), base, plan.fingerprint(), metricsJson(r))));
        Path pending = options.outDir().resolve(PENDING);
        save(pending, body);
        save(options.outDir().resolve(LOCAL_MODEL), body);
        log.append(r);
        return send(pending, body, base);
    }

    /** An update left by a run that stopped before the server acknowledged it goes first, unchanged. */
    private long resendPending(FederationPlan plan) {
        Path pending = options.outDir().resolve(PENDING);
        if (!Files.exists(pending)) return -1;
        byte[] body;
        Map<String, String> meta;
        try {
            body = Files.readAllBytes(pending);
            meta = SafeTensors.read(body).metadata();
        } catch (IOException | RuntimeException e) {
            throw new UserFacingException(pending + ": unreadable pending update (" + e.getMessage() + "); delete it to go on", e);
        }
        if (!plan.fingerprint().equals(meta.get("plan_fingerprint"))) {
            listener.message("the pending update was made for another plan; discarding " + pending);
            delete(pending);
            return -1;
        }
        listener.message("sending update " + meta.get("update_id") + " left pending by the last run");
        try {
            return send(pending, body, Long.parseLong(meta.get("base_version")));
        } catch (FlClientException e) {
            if (e.status() != 409) throw e;
            // Its base version is gone or belongs to another history: the update can never count.
            listener.message("the pending update cannot be used any more (" + e.getMessage() + "); discarding it");
            delete(pending);
            return -1;
        }
    }

    private long send(Path pending, byte[] body, long base) {
        FlClient.UploadResult ack = client.upload(body);
        delete(pending);
        if (ack.quarantined() != null) {
            // Kept by the server but not averaged: the site goes on with the next global model.
            listener.message(String.format("update %s was quarantined by %s and will not be aggregated: %s", ack.updateId(), client.server(),
                    ack.quarantined()));
            return awaitVersionAfter(base);
        }
        listener.message(String.format("update %s %s by %s: queue %d/%d%s", ack.updateId(), ack.duplicate() ? "was already accepted" : "accepted",
                client.server(), ack.queueSize(), ack.capacity(), ack.aggregated() ? ", aggregated into version " + ack.globalVersion() : ""));
        return ack.globalVersion() > base ? ack.globalVersion() : awaitVersionAfter(base);
    }

    /** Polls {@code /status} with a growing interval until the global version passes {@code base}. */
    private long awaitVersionAfter(long base) {
        long deadline = System.nanoTime() + options.roundTimeout().toNanos();
        Duration interval = Duration.ofMillis(200);
        while (true) {
            JsonNode s = client.checkServerStatus();
            long v = s.path("global_version").asLong(-1);
            if (v > base) return v;
            if (System.nanoTime() > deadline) {
                throw new UserFacingException(String.format("no global model newer than version %d within %s: the server holds %d of %d updates;"
                        + " are the other sites running? (raise --round-timeout to wait longer)", base,
                        options.roundTimeout(), s.path("queue_size").asInt(), s.path("capacity").asInt()));
            }
            if (stop.sleep(interval)) throw new StopSignal.Stopped();
            interval = interval.multipliedBy(2).compareTo(options.maxPollInterval()) > 0 ? options.maxPollInterval() : interval.multipliedBy(2);
        }
    }

    /** The metrics JSON of DESIGN.md's {@code __metadata__.metrics}: aggregate numbers only, never patient data. */
    /** The update's metrics: names and ranges from {@link MetricNames}, the list the server accepts. */
    public static String metricsJson(RoundRecord r) {
        ObjectNode n = JSON.createObjectNode();
        putFinite(n, MetricNames.TRAIN_LOSS, r.trainLoss());
        n.put(MetricNames.TRAIN_SAMPLES, r.trainSamples());
        putFinite(n, MetricNames.BASE_VAL_AUC, r.baseValidationAuc());
        BinaryMetrics c = r.candidateValidation();
        if (c != null) {
            n.put(MetricNames.VAL_CANDIDATES, c.count());
            putFinite(n, MetricNames.VAL_CANDIDATE_AUC, c.auc());
        }
        BinaryMetrics v = r.validation();
        if (v != null) {
            n.put(MetricNames.VAL_SAMPLES, v.count());
            putFinite(n, MetricNames.VAL_AUC, v.auc());
            putFinite(n, MetricNames.VAL_LOG_LOSS, v.logLoss());
            putFinite(n, MetricNames.VAL_BRIER, v.brier());
            putFinite(n, MetricNames.VAL_ACCURACY, v.atHalf().accuracy());
            putFinite(n, MetricNames.VAL_SENSITIVITY, v.atHalf().sensitivity());
            putFinite(n, MetricNames.VAL_SPECIFICITY, v.atHalf().specificity());
        }
        return n.toString();
    }

    private static void putFinite(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
    }

    /** Written under a temporary name, fsynced and renamed: a kill never leaves half a file. */
    public static void save(Path target, byte[] bytes) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                var b = java.nio.ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserFacingException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UserFacingException(p + ": cannot delete: " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserFacingException(dir + ": cannot create the output folder: " + e.getMessage(), e);
        }
    }
}
