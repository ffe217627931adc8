package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.lungfl.core.metrics.MetricNames;
import org.lungfl.core.model.WeightRules;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsException;
import org.lungfl.core.weights.Weights;

/**
 * Issue 13's fuzz test: valid uploads mutated in their header bytes, lengths, offsets, dtypes,
 * shapes, metadata values, tensor values and trailing bytes, sent to a real server. Every answer
 * must be a 4xx JSON error or a correct acceptance, never a 5xx, and the server must restart
 * cleanly from its data dir with exactly the updates it acknowledged (checked every
 * {@link #RESTART_EVERY} cases and at the end).
 *
 * <p>"Correct" is judged by an oracle independent of the server's upload path: core's in-memory
 * safetensors reader, the plan's layout, the metadata rules written out again here, MetricNames
 * and WeightRules. The server must accept exactly what the oracle accepts (a 200 for an invalid
 * upload and a 4xx for a valid one both fail), and 409 a reused update id with other content.
 */
class UploadFuzzTest {
    static final int TRIES = 1000, RESTART_EVERY = 250;
    static final FederationPlan PLAN = Uploads.PLAN;
    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]{0,18}");
    static final String[] CLIENTS = {"site-0", "site-1", "site-2", "site-3", "site-4", "site-5"};
    static final String[] TRICKY = {" 10", "10 ", "\t10\n", "١٠", "+10", "-1", "010", "0", "1", "10", "9999999", "10000000", "10000001",
        "99999999999999999999", "1e3", "0x10", "", " ", "NaN", "site-0", "site 0", "Jane Doe", "a".repeat(128), "a".repeat(129), "é",
        "{\"val_auc\":0.5}", "{\"val_auc\":1.5}", "{\"note\":\"Jane Doe MRN 1\"}", "{\"val_auc\":0.5}{\"val_auc\":0.5}", "{\"val_auc\":0.5}\u0000",
        "{}", "[]", "{\"train_samples\":2.5}", "{\"train_loss\":1e400}", "{\"val_auc\":0.5,\"val_auc\":0.6}", "null", "\u0000"};
    static final String[] META_KEYS = {"client_id", "update_id", "num_samples", "base_version", "plan_fingerprint", "metrics"};
    static final String[] DTYPES = {"F16", "BF16", "F64", "I32", "U8", "BOOL", "f32", "", "I64", "F32"};

    static Path dataDir;
    static LungflServer server;
    static int tries;
    static long accepted, rejected, duplicates, conflicts, quarantined, restarts;
    static final Map<String, Integer> byStatus = new TreeMap<>();
    /** Every update id the server acknowledged, with its body's hash. */
    static final Map<String, String> acknowledged = new HashMap<>();
    /** What the queue must hold: per client, the last acknowledged update id (one slot per client). */
    static final Map<String, String> queued = new HashMap<>();
    /** The body of each client's queued update, to retry it unchanged. */
    static final Map<String, byte[]> ackedBody = new HashMap<>();
    static byte[] base;

    @BeforeContainer
    static void start() throws Exception {
        // On a RAM file system when there is one: the fuzz is about the checks, and an fsync per accepted case dominated the run.
        Path shm = Path.of("/dev/shm");
        dataDir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "lungfl-fuzz")
                : Files.createTempDirectory("lungfl-fuzz");
        base = SafeTensors.write(perturbed(new Random(1)), meta("site-0", "seed", 10));
        startServer();
    }

    private static void startServer() throws IOException {
        // K far above the number of client ids: nothing is aggregated, so the queue is the oracle's map.
        // Unscreened: a mutated but valid update may be far from the others, which screening would rightly quarantine.
        server = LungflServer.start(ServerConfig.defaults(dataDir, Uploads.unscreenedPlan()).withHostPort("127.0.0.1", 0).withCapacity(100_000).withOpen(true)
                .withMaxBodyBytes(4L << 20));
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            restartAndCheck();
            System.out.printf("upload fuzz: %d cases, %d accepted, %d duplicates, %d conflicts (409 update_conflict), %d quarantined by "
                    + "screening, %d rejected; by status %s; %d restarts, each with exactly the acknowledged queue%n", tries, accepted, duplicates,
                    conflicts, quarantined, rejected,
                    byStatus, restarts);
        } finally {
            server.stop();
            try (var files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void restartAndCheck() throws IOException {
        server.stop();
        startServer();
        restarts++;
        Map<String, String> now = new HashMap<>();
        for (QueuedUpdate u : server.service().snapshot().queued()) now.put(u.clientId(), u.updateId());
        assertThat(now).as("the queue after restart %d", restarts).isEqualTo(queued);
        assertThat(server.service().quarantined()).as("nothing acknowledged is quarantined").isEmpty();
    }

    /** A kind of mutation and the seed that details it: deterministic for jqwik's fixed seed. */
    record Mutation(int kind, long seed) {}

    @Provide
    Arbitrary<Mutation> mutations() {
        return Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.longs()).as(Mutation::new);
    }

    @Property(tries = TRIES, seed = "1313", generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE, shrinking = ShrinkingMode.OFF)
    void everyMutatedUploadIsA4xxJsonErrorOrACorrectAcceptance(@ForAll("mutations") Mutation m) throws Exception {
        tries++;
        Random r = new Random(m.seed());
        byte[] body = mutate(m.kind(), r);
        HttpResponse<String> resp = Uploads.post(server.url(), "/upload", body, null);
        int status = resp.statusCode();
        byStatus.merge(Integer.toString(status), 1, Integer::sum);
        String what = "case " + tries + " kind " + m.kind() + " seed " + m.seed() + ": " + resp.body();
        assertThat(status).as(what).isIn(200, 400, 409, 413, 422);
        JsonNode answer = JSON.readTree(resp.body());

        String verdict = oracle(body);
        String sha = sha256(body);
        if (verdict != null) {
            assertThat(status).as(what + " (oracle: " + verdict + ")").isBetween(400, 499);
        }
        if (status != 200) {
            assertThat(answer.fieldNames()).toIterable().as(what).containsExactlyInAnyOrder("error", "detail");
            assertThat(answer.get("detail").asText()).as(what).isNotBlank();
            if (verdict == null) {
                // Valid for the oracle: only a reused update id with other content may be refused.
                assertThat(status).as(what).isEqualTo(409);
                assertThat(answer.get("error").asText()).as(what).isEqualTo("update_conflict");
                Map<String, String> meta = SafeTensors.read(body).metadata();
                String known = acknowledged.get(QueuedUpdate.key(meta.get("client_id"), meta.get("update_id")));
                assertThat(known).as(what).isNotNull().isNotEqualTo(sha);
                conflicts++;
            }
            rejected++;
        } else if (answer.path("quarantined").asBoolean()) {
            // Valid, but its delta is far outside the recent updates' (a mutated weight of 3.4e38, say): update
            // screening keeps it aside, acknowledged as not accepted (docs/aggregation.md).
            assertThat(verdict).as(what + ": quarantined").isNull();
            assertThat(answer.get("accepted").asBoolean()).as(what + ": " + answer).isFalse();
            quarantined++;
        } else {
            assertThat(verdict).as(what + ": accepted").isNull();
            assertThat(answer.get("accepted").asBoolean()).as(what + ": " + answer).isTrue();
            Map<String, String> meta = SafeTensors.read(body).metadata();
            String key = QueuedUpdate.key(meta.get("client_id"), meta.get("update_id"));
            if (answer.get("duplicate").asBoolean()) {
                assertThat(acknowledged.get(key)).as(what).isEqualTo(sha);
                duplicates++;
            } else {
                assertThat(acknowledged).as(what).doesNotContainKey(key);
                acknowledged.put(key, sha);
                queued.put(meta.get("client_id"), meta.get("update_id"));
                ackedBody.put(meta.get("client_id"), body);
                accepted++;
            }
        }
        assertThat(server.service().queueSize()).as(what).isEqualTo(queued.size());
        if (tries % RESTART_EVERY == 0) restartAndCheck();
    }

    // ---- the oracle ---------------------------------------------------------------------------------

    /** Null when the upload is valid for this plan, else why not. */
    static String oracle(byte[] body) {
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(body, new SafeTensors.Limits(4L << 20, 1 << 20, 1024));
        } catch (SafeTensorsException e) {
            return "unreadable: " + e.getMessage();
        }
        Map<String, String> m = c.metadata();
        for (String k : new String[] {"client_id", "update_id"}) if (m.get(k) == null || !ID.matcher(m.get(k)).matches()) return "bad " + k;
        for (String k : new String[] {"num_samples", "base_version"}) if (m.get(k) == null || !DIGITS.matcher(m.get(k)).matches()) return "bad " + k;
        if (!PLAN.fingerprint().equals(m.get("plan_fingerprint"))) return "other plan";
        if (!PLAN.modelSpec().differences(c.weights()).isEmpty()) return "other layout";
        long n = Long.parseLong(m.get("num_samples"));
        if (n < 1 || n > 10_000_000) return "num_samples out of range";
        if (Long.parseLong(m.get("base_version")) != 0) return "base_version not kept";
        if (m.get("metrics") != null) {
            try {
                MetricNames.parse(m.get("metrics"));
            } catch (MetricNames.InvalidMetrics e) {
                return "metrics: " + e.getMessage();
            }
        }
        return WeightRules.check(c.weights());
    }

    // ---- mutations ----------------------------------------------------------------------------------

    static Weights perturbed(Random r) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : PLAN.initialWeights().tensors()) {
            if (t.dtype() == DType.F32) {
                float[] v = t.floats().clone();
                for (int i = 0; i < v.length; i++) v[i] += (float) (r.nextGaussian() * 0.01);
                if (WeightRules.isRunningVariance(t.name())) for (int i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
                out.add(Tensor.ofFloats(t.name(), t.shape(), v));
            } else {
                out.add(Tensor.ofLongs(t.name(), t.shape(), new long[] {r.nextInt(1000)}));
            }
        }
        return new Weights(out);
    }

    static Map<String, String> meta(String client, String updateId, long samples) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("client_id", client);
        m.put("update_id", updateId);
        m.put("num_samples", Long.toString(samples));
        m.put("base_version", "0");
        m.put("plan_fingerprint", PLAN.fingerprint());
        m.put("metrics", "{\"train_loss\":0.5,\"val_auc\":0.7,\"val_samples\":8}");
        return m;
    }

    /** The base upload with a fresh client and update id (valid unless mutated). */
    private static byte[] fresh(Random r) {
        byte[] b = base.clone();
        ObjectNode h = header(b);
        ObjectNode meta = (ObjectNode) h.get(SafeTensors.METADATA_KEY);
        meta.put("client_id", CLIENTS[r.nextInt(CLIENTS.length)]);
        meta.put("update_id", "u" + Long.toHexString(r.nextLong()));
        meta.put("num_samples", Integer.toString(1 + r.nextInt(500)));
        return withHeader(b, h);
    }

    static byte[] mutate(int kind, Random r) {
        byte[] b = fresh(r);
        switch (kind) {
            case 0 -> { }
            case 1 -> { // the header length field
                long len = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
                long to = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong();
                    case 1 -> len + r.nextInt(17) - 8;
                    case 2 -> r.nextInt(16);
                    default -> b.length - 8 + r.nextInt(3) - 1;
                };
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, to);
            }
            case 2 -> { // header bytes
                int len = headerLength(b);
                for (int i = 1 + r.nextInt(3); i > 0; i--) b[8 + r.nextInt(len)] = (byte) r.nextInt(256);
            }
            case 3 -> { // a tensor's data_offsets
                ObjectNode h = header(b);
                ArrayNode off = (ArrayNode) h.get(randomTensor(h, r)).get("data_offsets");
                int which = r.nextInt(2);
                long v = off.get(which).asLong();
                off.set(which, off.numberNode(switch (r.nextInt(3)) {
                    case 0 -> v + r.nextInt(9) - 4;
                    case 1 -> r.nextInt(b.length);
                    default -> -v - 1;
                }));
                b = withHeader(b, h);
            }
            case 4 -> { // a tensor's dtype
                ObjectNode h = header(b);
                ((ObjectNode) h.get(randomTensor(h, r))).put("dtype", DTYPES[r.nextInt(DTYPES.length)]);
                b = withHeader(b, h);
            }
            case 5 -> { // a tensor's shape
                ObjectNode h = header(b);
                ArrayNode shape = (ArrayNode) h.get(randomTensor(h, r)).get("shape");
                switch (r.nextInt(3)) {
                    case 0 -> { if (shape.size() > 0) { int i = r.nextInt(shape.size()); shape.set(i, shape.numberNode(shape.get(i).asInt() + (r.nextBoolean() ? 1 : -1))); } }
                    case 1 -> shape.add(1);
                    default -> { if (shape.size() > 0) shape.remove(shape.size() - 1); }
                }
                b = withHeader(b, h);
            }
            case 6, 7 -> { // metadata values, keys and types
                ObjectNode h = header(b);
                ObjectNode meta = (ObjectNode) h.get(SafeTensors.METADATA_KEY);
                String key = META_KEYS[r.nextInt(META_KEYS.length)];
                switch (r.nextInt(kind == 6 ? 1 : 4)) {
                    case 0 -> meta.put(key, TRICKY[r.nextInt(TRICKY.length)]);
                    case 1 -> meta.remove(key);
                    case 2 -> meta.put(key, r.nextInt(100));
                    default -> meta.put("extra_" + r.nextInt(3), TRICKY[r.nextInt(TRICKY.length)]);
                }
                b = withHeader(b, h);
            }
            case 8 -> { // bytes after the data, or a body cut short
                if (r.nextBoolean()) {
                    byte[] tail = new byte[1 + r.nextInt(64)];
                    if (r.nextBoolean()) r.nextBytes(tail);
                    byte[] out = java.util.Arrays.copyOf(b, b.length + tail.length);
                    System.arraycopy(tail, 0, out, b.length, tail.length);
                    b = out;
                } else {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
                }
            }
            case 9 -> { // a value no training produces, or a harmless one
                Weights w = SafeTensors.read(b).weights();
                List<Tensor> ts = w.tensors();
                Tensor t = ts.get(r.nextInt(ts.size()));
                if (t.dtype() == DType.F32) {
                    float[] pool = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, -1f, 0f, 1e-30f};
                    t.floats()[r.nextInt(t.size())] = pool[r.nextInt(pool.length)];
                } else {
                    long[] pool = {-1, 0, Long.MAX_VALUE, Long.MIN_VALUE, WeightRules.MAX_BATCHES_TRACKED, WeightRules.MAX_BATCHES_TRACKED + 1};
                    t.longs()[0] = pool[r.nextInt(pool.length)];
                }
                b = SafeTensors.write(w, SafeTensors.read(b).metadata());
            }
            case 10 -> { // a retry of an acknowledged update: identical, or the same id with other content
                if (acknowledged.isEmpty() || queued.isEmpty()) break;
                List<String> clients = new ArrayList<>(queued.keySet());
                clients.sort(null);
                String client = clients.get(r.nextInt(clients.size()));
                ObjectNode h = header(b);
                ObjectNode meta = (ObjectNode) h.get(SafeTensors.METADATA_KEY);
                meta.put("client_id", client).put("update_id", queued.get(client));
                b = withHeader(b, h);
                if (r.nextBoolean()) b = ackedBody.get(client).clone();
            }
            default -> { // content after the header's JSON object
                int len = headerLength(b);
                String header = new String(b, 8, len, StandardCharsets.UTF_8).stripTrailing();
                String[] tails = {"{\"x\":1}", "\u0000", "]", " x", "\n\n"};
                byte[] h = (header + tails[r.nextInt(tails.length)]).getBytes(StandardCharsets.UTF_8);
                b = assemble(h, java.util.Arrays.copyOfRange(b, 8 + len, b.length));
            }
        }
        return b;
    }

    private static String randomTensor(ObjectNode h, Random r) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (!n.equals(SafeTensors.METADATA_KEY)) names.add(n);
        }
        return names.get(r.nextInt(names.size()));
    }

    private static int headerLength(byte[] b) {
        return (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static ObjectNode header(byte[] b) {
        try {
            return (ObjectNode) JSON.readTree(new String(b, 8, headerLength(b), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] withHeader(byte[] b, ObjectNode h) {
        try {
            return assemble(JSON.writeValueAsBytes(h), java.util.Arrays.copyOfRange(b, 8 + headerLength(b), b.length));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] assemble(byte[] header, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(header.length).put(header).put(data);
        return out.array();
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
