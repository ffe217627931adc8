package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.server.LungflServer;
import org.lungfl.server.ServerConfig;
import org.lungfl.server.ServerMain;

/**
 * Two federated clients against a real server process that is killed (kill -9) in the middle of a
 * round and restarted: both finish every round, and the audit log shows every update aggregated
 * exactly once. Also: a stop request ends a waiting client cleanly.
 */
class ServerRestartTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int ROUNDS = 3;
    @TempDir static Path shared;
    static Path data;

    @BeforeAll
    static void hospitals() {
        data = TinyFederation.sites(shared.resolve("data"), 2, 6);
    }

    /** A server JVM started as an operator would; returns its URL once it listens. */
    static Process startServer(Path dataDir, Path plan, int port, Path log, CompletableFuture<String> url) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx192m", "-cp", System.getProperty("java.class.path"), ServerMain.class.getName(), "--host", "127.0.0.1",
                "--port", Integer.toString(port), "--data-dir", dataDir.toString(), "--max-clients", "2", "--plan", plan.toString(), "--open");
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Thread drain = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("LungFL server listening on ")) url.complete(line.substring(27).strip());
                }
            } catch (java.io.IOException ignored) {
                // the process died
            }
            url.complete(null);
        });
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    @Test
    void clientsFinishEveryRoundThroughAServerKillAndNoUpdateIsLostOrDoubled() throws Exception {
        Path dir = Files.createTempDirectory(shared, "kill");
        Path serverDir = dir.resolve("server"), plan = TinyFederation.planFile(dir), log = dir.resolve("server.log");
        CompletableFuture<String> first = new CompletableFuture<>();
        Process server = startServer(serverDir, plan, 0, log, first);
        String url = first.get(120, TimeUnit.SECONDS);
        assertThat(url).as("server started (log %s)", log).isNotNull();
        int port = URI.create(url).getPort();

        Failover failover = new Failover(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(3), Duration.ofMinutes(1));
        StopSignal stop = new StopSignal();
        List<FederatedTrainingCycle.Result> results = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> clients = new ArrayList<>();
        for (String site : List.of("site-1", "site-2")) {
            FlClient c = new FlClient(List.of(URI.create(url)), null, site, null, Duration.ofSeconds(30), failover, stop);
            var cycle = new FederatedTrainingCycle(c, TinyFederation.options(data, site, dir.resolve(site)), stop, new FederatedTrainingCycle.Listener() {});
            Thread t = new Thread(() -> {
                try {
                    results.add(cycle.trainFederated(ROUNDS));
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, site);
            clients.add(t);
            t.start();
        }

        // Kill the server in round 2, while one update waits in its queue for the other.
        FlClient watcher = new FlClient(URI.create(url), null, "watcher");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            JsonNode s = watcher.status();
            if (s.path("global_version").asLong() == 1 && s.path("queue_size").asInt() == 1) break;
            assertThat(System.nanoTime()).as("round 2 half done").isLessThan(deadline);
            assertThat(failures).isEmpty();
            Thread.sleep(20);
        }
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
        Thread.sleep(1000);
        CompletableFuture<String> second = new CompletableFuture<>();
        server = startServer(serverDir, plan, port, log, second);
        try {
            assertThat(second.get(120, TimeUnit.SECONDS)).as("server restarted (log %s)", log).isNotNull();
            for (Thread t : clients) t.join(TimeUnit.MINUTES.toMillis(4));
            assertThat(failures).isEmpty();
            assertThat(results).hasSize(2).allSatisfy(r -> {
                assertThat(r.roundsCompleted()).isEqualTo(ROUNDS);
                assertThat(r.stopped()).isFalse();
            });
            assertThat(watcher.status().path("global_version").asLong()).isEqualTo(ROUNDS);
        } finally {
            stop.raise();
            server.getOutputStream().write("quit\n".getBytes(StandardCharsets.UTF_8));
            server.getOutputStream().flush();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }

        // Every update a client made is in exactly one aggregation, and nothing else is.
        Set<String> made = new HashSet<>();
        for (String site : List.of("site-1", "site-2")) {
            List<String> rows = Files.readAllLines(dir.resolve(site).resolve(RoundLog.FILE));
            assertThat(rows).hasSize(ROUNDS + 1);
            for (String row : rows.subList(1, rows.size())) made.add(site + "/" + row.split(",")[2]);
            assertThat(dir.resolve(site).resolve(FederatedTrainingCycle.PENDING)).doesNotExist();
            assertThat(dir.resolve(site).resolve(FederatedTrainingCycle.LOCAL_MODEL)).exists();
        }
        List<String> aggregated = new ArrayList<>();
        Set<Long> versions = new HashSet<>();
        for (String line : Files.readAllLines(serverDir.resolve("audit.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (!e.path("event").asText().equals("aggregated")) continue;
            assertThat(versions.add(e.path("version").asLong())).as("version %s aggregated once", e.path("version")).isTrue();
            for (JsonNode c : e.path("contributors")) aggregated.add(c.path("client_id").asText() + "/" + c.path("update_id").asText());
        }
        assertThat(aggregated).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(made);
        assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L);
        // Each version's validation metrics were kept for the history.
        assertThat(Files.readAllLines(serverDir.resolve("validation.jsonl"))).hasSizeGreaterThanOrEqualTo(ROUNDS);
    }

    @Test
    void aStopEndsAWaitingClientCleanly() throws Exception {
        Path dir = Files.createTempDirectory(shared, "stop");
        // K = 2 and only one client: after its upload it waits for a version that cannot come.
        try (LungflServer s = LungflServer.start(ServerConfig.defaults(dir.resolve("server"), TinyFederation.plan())
                .withHostPort("127.0.0.1", 0).withCapacity(2).withOpen(true))) {
            StopSignal stop = new StopSignal();
            FlClient c = new FlClient(List.of(URI.create(s.url())), null, "site-1", null, Duration.ofSeconds(30), Failover.UNATTENDED, stop);
            var cycle = new FederatedTrainingCycle(c, TinyFederation.options(data, "site-1", dir.resolve("site-1")), stop,
                    new FederatedTrainingCycle.Listener() {});
            CompletableFuture<FederatedTrainingCycle.Result> result = CompletableFuture.supplyAsync(() -> cycle.trainFederated(2));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (s.service().queueSize() == 0) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                assertThat(result).isNotDone();
                Thread.sleep(20);
            }
            stop.raise();
            FederatedTrainingCycle.Result r = result.get(30, TimeUnit.SECONDS);
            assertThat(r.stopped()).isTrue();
            assertThat(r.roundsCompleted()).isZero();
            assertThat(Files.readAllLines(dir.resolve("site-1").resolve(RoundLog.FILE))).hasSize(2);
            assertThat(dir.resolve("site-1").resolve(FederatedTrainingCycle.PENDING)).doesNotExist();
        }
    }
}
