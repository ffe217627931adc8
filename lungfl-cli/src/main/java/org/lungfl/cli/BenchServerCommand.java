package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.lungfl.client.FlClient;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.aggregation.WeightedSum;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Loads a real server process over loopback, then compares the aggregation kernel with numpy on
 * the same arrays. With {@code --store}, the same load also runs against one and two server
 * replicas on PostgreSQL, and a table sets the three side by side. Numbers from a shared machine
 * vary: run it a few times.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = {"Server uploads/s, MB/s, latency, peak RSS, aggregation time and memory; kernel vs numpy.",
            "With --store: the file store, then 1 and 2 replicas on PostgreSQL, side by side."})
final class BenchServerCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--clients", defaultValue = "20", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--seconds", defaultValue = "10", description = "Measured load time (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--k", defaultValue = "10", description = "Updates per aggregation (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--elements", defaultValue = "2000000", description = "Floats per array in the kernel comparison (default: ${DEFAULT-VALUE}).")
    int elements;

    @Option(names = "--repeat", defaultValue = "7", description = "Kernel repetitions per round; the best is kept (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--store", paramLabel = "URL", description = {"Also load 1 and 2 replicas on PostgreSQL: postgresql://HOST:PORT/DB?user=NAME.",
        "The user needs CREATEDB: each setup runs in a new database lungfl_bench_*, dropped afterwards."})
    String store;

    /** One setup's figures, for the table. */
    private record Result(String setup, int replicas, int uploads, double uploadsPerSecond, double p50Ms, double p99Ms, int rounds,
            double medianRoundSeconds) {}

    @Option(names = "--rounds", defaultValue = "5", description = "Alternating LungFL/numpy kernel rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--starts", defaultValue = "5",
            description = "Timed server starts of each kind (fresh data dir, restart; with and without class-data sharing); medians "
                + "are reported (default: ${DEFAULT-VALUE}).")
    int starts;

    @Option(names = "--no-start", description = "Skip the server start times.")
    boolean noStart;

    @Option(names = "--no-load", description = "Skip the upload load test.")
    boolean noLoad;

    @Option(names = "--no-kernel", description = "Skip the kernel comparison with numpy.")
    boolean noKernel;

    @Override
    public Integer call() throws Exception {
        if (k > clients) {
            // One queue slot per client: fewer clients than K would never fill a round.
            System.out.printf("--k %d needs at least as many clients; using --clients %d%n", k, k);
            clients = k;
        }
        System.out.printf("environment: %s, %d cores, %s, Java %s (%s); load average %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"), System.getProperty("java.version"),
                System.getProperty("java.vendor"), loadAverage());
        Path tmp = Files.createTempDirectory("lungfl-bench-server");
        try {
            if (!noStart) new ServerStartTimes(starts, tmp.resolve("starts")).measure();
            List<Result> results = new ArrayList<>();
            if (!noLoad) {
                System.out.println("== file store (--data-dir), 1 server");
                results.add(loadServer(tmp.resolve("files"), "file store", List.of(List.of("--data-dir", tmp.resolve("files").toString()))));
            }
            if (store != null && !noLoad) {
                for (int replicas = 1; replicas <= 2; replicas++) {
                    String db = "lungfl_bench_" + ProcessHandle.current().pid() + "_" + replicas;
                    BenchDatabases.create(store, db);
                    try {
                        List<List<String>> servers = new ArrayList<>();
                        for (int r = 0; r < replicas; r++) {
                            servers.add(List.of("--data-dir", tmp.resolve("pg" + replicas + "-" + r).toString(), "--store", BenchDatabases.url(store, db)));
                        }
                        System.out.printf("== PostgreSQL (--store), %d replica(s)%n", replicas);
                        results.add(loadServer(tmp.resolve("pg" + replicas), "PostgreSQL", servers));
                    } finally {
                        BenchDatabases.drop(store, db);
                    }
                }
                System.out.printf("%n| store | replicas | uploads/s | upload p50 ms | upload p99 ms | rounds | s per round (median) |%n");
                System.out.println("|---|---|---|---|---|---|---|");
                for (Result r : results) {
                    System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %d | %.3f |%n", r.setup(), r.replicas(), r.uploadsPerSecond(), r.p50Ms(), r.p99Ms(),
                            r.rounds(), r.medianRoundSeconds());
                }
                System.out.printf("(demo plan, K = %d, %d clients, %d s each; every replica and PostgreSQL on this machine)%n%n", k, clients, seconds);
                String db = "lungfl_bench_" + ProcessHandle.current().pid() + "_blobs";
                BenchDatabases.create(store, db);
                try {
                    for (int mb : new int[] {1, 32}) BenchBlobStorage.run(store, db, mb, 5);
                } finally {
                    BenchDatabases.drop(store, db);
                }
            }
            if (!noKernel) kernelVersusNumpy(tmp);
        } finally {
            deleteTree(tmp);
        }
        return 0;
    }

    static String cpuModel() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    /** Loads the servers started with each of {@code servers}' options (clients spread over them) and reports. */
    private Result loadServer(Path tmp, String setup, List<List<String>> servers) throws Exception {
        Files.createDirectories(tmp);
        List<Process> processes = new ArrayList<>();
        try {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-cp",
                        System.getProperty("java.class.path"), "org.lungfl.server.ServerMain", "--host", "127.0.0.1", "--port", "0", "--open",
                        "--max-clients", Integer.toString(k), "--retention", "1000000"));
                cmd.addAll(servers.get(i));
                Process server = new ProcessBuilder(cmd).redirectError(tmp.resolve("server" + i + ".log").toFile()).start();
                processes.add(server);
                urls.add(awaitUrl(server));
            }
            String url = urls.get(0);
            Process server = processes.get(0);
            long idleRss = rssKb(server.pid(), "VmRSS");
            FederationPlan plan = FederationPlan.preset("demo");
            System.out.printf("server: %s, demo plan, K = %d, %d clients, %d s (after 2 s warm-up); machine shared with other jobs%n",
                    String.join(" + ", urls), k, clients, seconds);

            Load warm = run(urls, plan, 2, "warm-up");
            long t0 = System.currentTimeMillis();
            Load load = run(urls, plan, seconds, "measured");
            long[] lat = load.uploadNanos();
            Arrays.sort(lat);
            double mb = (load.bytesUp.get() + load.bytesDown.get()) / 1e6;
            System.out.printf("uploads: %d in %d s = %.1f uploads/s, %.1f MB/s (up+down); upload latency p50 %.1f ms, p99 %.1f ms%n",
                    lat.length, seconds, lat.length / (double) seconds, mb / seconds, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6);
            System.out.printf("downloads: %d (%d not modified); %d warm-up uploads not counted%n", load.downloads.get(), load.notModified.get(),
                    warm.uploadNanos().length);

            long modelBytes = SafeTensors.write(plan.initialWeights(), Map.of()).length;
            List<Long> millis = new ArrayList<>();
            for (JsonNode e : events(url)) {
                if (e.path("event").asText().equals("aggregated") && Instant.parse(e.get("time").asText()).toEpochMilli() >= t0) {
                    millis.add(e.path("millis").asLong());
                }
            }
            millis.sort(null);
            Map<String, Double> metrics = metrics(url);
            double allocated = metrics.getOrDefault("lungfl_last_aggregation_allocated_bytes", Double.NaN);
            if (!millis.isEmpty()) {
                long median = millis.get(millis.size() / 2);
                System.out.printf("aggregation (K = %d, model %.2f MB): %d rounds, median %d ms incl. fsync (min %d, max %d) = %.2f GB/s of "
                        + "update+base data read%n", k, modelBytes / 1e6, millis.size(), median, millis.get(0), millis.get(millis.size() - 1),
                        (k + 1) * modelBytes / 1e9 / Math.max(median, 1) * 1000);
            }
            if (millis.isEmpty()) System.out.println("aggregation: no round completed in the measured time");
            else System.out.printf("aggregation memory: %.2f MB allocated by the last round = %.2f x model size (an upper bound on its "
                    + "extra live memory)%n", allocated / 1e6, allocated / modelBytes);
            long peak = rssKb(server.pid(), "VmHWM");
            System.out.printf("server RSS: idle %.0f MB, peak %.0f MB%n", idleRss / 1024.0, peak / 1024.0);
            return new Result(setup, servers.size(), lat.length, lat.length / (double) seconds, pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6,
                    millis.size(), millis.isEmpty() ? Double.NaN : millis.get(millis.size() / 2) / 1000.0);
        } finally {
            for (Process server : processes) {
                OutputStream in = server.getOutputStream();
                in.write("quit\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
            for (Process server : processes) if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    /** The audit events after the first from the server's own events endpoint (every store serves them there; the first is "started"). */
    private static List<JsonNode> events(String url) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        List<JsonNode> out = new ArrayList<>();
        for (long after = 0; ; ) {
            JsonNode page = JSON.readTree(http.send(java.net.http.HttpRequest.newBuilder(URI.create(url + "/api/v1/events?after=" + after
                    + "&limit=500")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            JsonNode events = page.path("events");
            for (JsonNode e : events) out.add(e);
            if (events.size() < 500) return out;
            after = page.path("last_id").asLong();
        }
    }

    private record Load(List<long[]> latencies, AtomicLong bytesUp, AtomicLong bytesDown, AtomicLong downloads, AtomicLong notModified) {
        long[] uploadNanos() {
            return latencies.stream().flatMapToLong(Arrays::stream).toArray();
        }
    }

    private Load run(List<String> urls, FederationPlan plan, int secs, String phase) throws Exception {
        Load load = new Load(new ArrayList<>(), new AtomicLong(), new AtomicLong(), new AtomicLong(), new AtomicLong());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(secs);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String id = String.format("bench-%02d", c);
            long[][] mine = {new long[1024]};
            int[] count = {0};
            String url = urls.get(c % urls.size());
            Thread t = new Thread(() -> {
                FlClient client = new FlClient(URI.create(url), null, id);
                // A new update_id sequence per phase: the server refuses an id it accepted before with other content.
                Random rnd = new Random((id + "/" + phase).hashCode());
                String etag = null;
                Weights global = null;
                long base = 0;
                while (System.nanoTime() < deadline) {
                    var m = client.download(etag);
                    load.downloads.incrementAndGet();
                    if (m.isPresent()) {
                        etag = m.get().etag();
                        base = m.get().version();
                        global = SafeTensors.read(m.get().safetensors()).weights();
                        load.bytesDown.addAndGet(m.get().safetensors().length);
                    } else {
                        load.notModified.incrementAndGet();
                    }
                    Map<String, String> meta = new LinkedHashMap<>();
                    meta.put("client_id", id);
                    meta.put("update_id", Long.toHexString(rnd.nextLong()));
                    meta.put("num_samples", Integer.toString(10 + rnd.nextInt(100)));
                    meta.put("base_version", Long.toString(base));
                    meta.put("plan_fingerprint", plan.fingerprint());
                    byte[] body = SafeTensors.write(global, meta);
                    long s = System.nanoTime();
                    client.upload(body);
                    if (count[0] == mine[0].length) mine[0] = Arrays.copyOf(mine[0], count[0] * 2);
                    mine[0][count[0]++] = System.nanoTime() - s;
                    load.bytesUp.addAndGet(body.length);
                }
                synchronized (load.latencies) {
                    load.latencies.add(Arrays.copyOf(mine[0], count[0]));
                }
            }, id);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        return load;
    }

    private void kernelVersusNumpy(Path tmp) throws Exception {
        int n = elements;
        float[][] xs = new float[k][n];
        float[] w = new float[k];
        Random rnd = new Random(42);
        double sum = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) xs[i][j] = (float) rnd.nextGaussian();
            w[i] = 10 + rnd.nextInt(200);
            sum += w[i];
        }
        for (int i = 0; i < k; i++) w[i] /= (float) sum;
        double[] coef = new double[k];
        for (int i = 0; i < k; i++) coef[i] = w[i]; // numpy gets the same float32 weights
        float[] out = new float[n];
        WeightedSum.warmUp();

        Path arrays = tmp.resolve("arrays.f32");
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        try (var ch = java.nio.channels.FileChannel.open(arrays, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            for (float[] x : xs) {
                b.clear();
                b.asFloatBuffer().put(x);
                ch.write(b);
            }
        }
        Files.write(Path.of(arrays + ".w"), floats(w));
        WeightedSum.combineOnAllCores(xs, coef, out);
        Files.write(Path.of(arrays + ".java"), floats(out));

        Path py = Path.of("/usr/bin/python3");
        Process numpy = null;
        BufferedReader fromNumpy = null;
        if (Files.isExecutable(py)) {
            numpy = new ProcessBuilder(py.toString(), "-c", NUMPY, arrays.toString(), Integer.toString(k), Integer.toString(n),
                    Integer.toString(repeat)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            fromNumpy = new BufferedReader(new InputStreamReader(numpy.getInputStream(), StandardCharsets.UTF_8));
        } else {
            System.out.println("numpy: /usr/bin/python3 not found; LungFL only");
        }
        String load0 = loadAverage();
        // Alternating rounds, so that a neighbour's burst on this shared machine hits both sides alike.
        List<double[]> lungfl = new ArrayList<>();
        List<JsonNode> py3 = new ArrayList<>();
        try {
            for (int r = 0; r < rounds; r++) {
                lungfl.add(new double[] {bestMillis(() -> WeightedSum.combineOnAllCores(xs, coef, out)),
                    bestMillis(() -> WeightedSum.combine(xs, coef, out, n)), bestMillis(() -> floatLoopBeforeIssue18(xs, w, out))});
                if (numpy != null) {
                    OutputStream go = numpy.getOutputStream();
                    go.write("go\n".getBytes(StandardCharsets.UTF_8));
                    go.flush();
                    String line = fromNumpy.readLine();
                    if (line == null || !line.startsWith("{")) throw new UserFacingException("numpy comparison failed: " + line);
                    py3.add(JSON.readTree(line));
                    // OpenBLAS's worker threads spin for a while after a call before they sleep: measured right
                    // after numpy, LungFL's second core would be shared with them (4.4 against 2.6 ms).
                    Thread.sleep(1000);
                }
            }
        } finally {
            if (numpy != null) {
                numpy.getOutputStream().close();
                numpy.waitFor(30, TimeUnit.SECONDS);
            }
        }
        double gb = (double) k * n * 4 / 1e9;
        double both = median(lungfl, 0), one = median(lungfl, 1), before = median(lungfl, 2);
        System.out.printf("kernel: weighted sum of %d x %d floats (%.0f MB); median of %d alternating rounds, each the best of %d; "
                + "load average %s before, %s after%n", k, n, gb * 1e3, rounds, repeat, load0, loadAverage());
        System.out.printf("  LungFL, double accumulation, %s, %d cores: %7.2f ms = %5.1f GB/s%n", WeightedSum.describe(),
                Runtime.getRuntime().availableProcessors(), both, gb / both * 1e3);
        System.out.printf("  LungFL, the same kernel on 1 core (a server round's slices):    %7.2f ms = %5.1f GB/s%n", one, gb / one * 1e3);
        System.out.printf("  LungFL before issue 18 (float accumulation, plain loop, 1 core): %7.2f ms = %5.1f GB/s%n", before, gb / before * 1e3);
        if (py3.isEmpty()) return;
        JsonNode env = py3.get(0);
        double matvec = medianOf(py3, "matvec_ms"), average = medianOf(py3, "average_ms"), inplace = medianOf(py3, "inplace_ms");
        System.out.printf("  numpy %s w @ x (BLAS: %s, threads: %s): %7.2f ms = %5.1f GB/s%n", env.get("numpy").asText(), env.get("blas").asText(),
                env.get("blas_threads").asText(), matvec, gb / matvec * 1e3);
        System.out.printf("  numpy np.average(x, axis=0, weights=w): %7.2f ms;  in-place multiply-add: %7.2f ms%n", average, inplace);
        System.out.printf("kernel ratio (numpy time / LungFL time on %d cores; above 1 = LungFL faster): vs w @ x (BLAS) %.2fx (%.2f / %.2f ms), "
                + "vs np.average %.2fx (%.2f / %.2f ms), vs in-place multiply-add %.2fx%n", Runtime.getRuntime().availableProcessors(),
                matvec / both, matvec, both, average / both, average, both, inplace / both);
        System.out.printf("same result: max |LungFL - np.average| = %.2g, max |LungFL - w @ x| = %.2g (float32 BLAS accumulates in float)%n",
                env.get("max_diff_average").asDouble(), env.get("max_diff_matvec").asDouble());
    }

    /** The kernel as it was before issue 18, for the record: a float accumulator, one thread, cache tiles. */
    private static void floatLoopBeforeIssue18(float[][] xs, float[] coef, float[] out) {
        int n = out.length, tile = 1 << 14;
        for (int from = 0; from < n; from += tile) {
            int end = Math.min(n, from + tile);
            Arrays.fill(out, from, end, 0f);
            for (int i = 0; i < xs.length; i++) {
                float a = coef[i];
                float[] x = xs[i];
                for (int j = from; j < end; j++) out[j] += a * x[j];
            }
        }
    }

    private double bestMillis(Runnable kernel) {
        kernel.run();
        long best = Long.MAX_VALUE;
        for (int r = 0; r < repeat; r++) {
            long s = System.nanoTime();
            kernel.run();
            best = Math.min(best, System.nanoTime() - s);
        }
        return best / 1e6;
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v[v.length / 2];
    }

    private static double medianOf(List<JsonNode> rows, String field) {
        double[] v = rows.stream().mapToDouble(r -> r.get(field).asDouble()).sorted().toArray();
        return v[v.length / 2];
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Loads the arrays once, then measures one round per "go" line on stdin, one JSON line each. */
    private static final String NUMPY = """
            import sys, time, json, os
            import numpy as np
            path, k, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
            x = np.fromfile(path, dtype='<f4', count=k * n).reshape(k, n)
            w = np.fromfile(path + '.w', dtype='<f4', count=k)
            ref = np.fromfile(path + '.java', dtype='<f4', count=n)
            def best(f):
                f()
                t = 1e9
                for _ in range(reps):
                    t0 = time.perf_counter(); r = f(); t = min(t, time.perf_counter() - t0)
                return t * 1e3, r
            def inplace():
                acc = x[0] * w[0]
                tmp = np.empty_like(acc)
                for i in range(1, k):
                    np.multiply(x[i], w[i], out=tmp)
                    acc += tmp
                return acc
            w @ x
            with open('/proc/self/maps') as m:
                blas = sorted({l.split()[-1] for l in m if 'blas' in l.lower() and '/' in l})
            for line in sys.stdin:
                avg_ms, avg = best(lambda: np.average(x, axis=0, weights=w))
                in_ms, _ = best(inplace)
                mv_ms, mv = best(lambda: w @ x)
                print(json.dumps({"numpy": np.__version__, "average_ms": avg_ms, "inplace_ms": in_ms, "matvec_ms": mv_ms,
                                  "max_diff_average": float(np.max(np.abs(avg - ref))), "max_diff_matvec": float(np.max(np.abs(mv - ref))),
                                  "blas": ", ".join(blas) or "unknown",
                                  "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "OpenBLAS default (one per core)")}), flush=True)
            """;

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static String awaitUrl(Process server) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("LungFL server listening on ")) url.complete(line.substring(27).strip());
                }
            } catch (IOException ignored) {
                // server gone
            }
            url.complete(null);
        });
        t.setDaemon(true);
        t.start();
        String u = url.get(60, TimeUnit.SECONDS);
        if (u == null) throw new UserFacingException("bench: the server process did not start");
        return u;
    }

    private static Map<String, Double> metrics(String url) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(URI.create(url + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    private static long rssKb(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
