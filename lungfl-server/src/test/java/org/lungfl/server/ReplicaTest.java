package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two server processes ({@link ServerMain}) on one PostgreSQL database, as behind a load balancer:
 * uploads racing through both, one replica killed with SIGKILL at random moments, and the database
 * itself restarted under load. After each, every acknowledged update is counted exactly once (or
 * still queued), every version has exactly K contributors, and both replicas report the same state.
 */
class ReplicaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;
    String store;
    Path plan;

    @BeforeEach
    void database() throws Exception {
        PgCluster pg = PgCluster.get();
        assumeTrue(pg != null, () -> "PostgreSQL tests skipped: " + PgCluster.whyNot());
        store = pg.newDatabase();
        // Far-apart constant updates would rightly be screened out; screening has its own tests.
        plan = Files.write(dir.resolve("plan.json"), Uploads.unscreenedPlan().toJson());
    }

    private ServerProcess replica(String name, int k) throws Exception {
        return ServerProcess.start(dir.resolve(name), dir.resolve(name + ".log"), "--store", store, "--plan", plan.toString(), "--open",
                "--max-clients", Integer.toString(k), "--retention", "100000", "--max-concurrent-uploads", "64");
    }

    @Test
    void fortyClientsThroughTwoReplicasMakeExactlyFourVersions() throws Exception {
        int clients = 40, k = 10;
        try (ServerProcess a = replica("a", k); ServerProcess b = replica("b", k)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                byte[] body = Uploads.update("site-" + i, "u-" + i, 10 + i, 0, i + 1);
                String url = (i % 2 == 0 ? a : b).url;
                sent.add(pool.submit(() -> {
                    go.await();
                    return Uploads.post(url, "/upload", body, null);
                }));
            }
            go.countDown();
            Set<String> acknowledged = new HashSet<>();
            for (int i = 0; i < clients; i++) {
                HttpResponse<String> r = sent.get(i).get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("duplicate").asBoolean()).isFalse();
                acknowledged.add(QueuedUpdate.key("site-" + i, "u-" + i));
            }
            pool.shutdown();
            // Every acknowledged upload is committed; the fourth round may still be finishing on one replica.
            awaitVersion(a.url, clients / k);
            Map<Long, Set<String>> rounds = check(acknowledged, k, "forty clients");
            assertThat(rounds).hasSize(clients / k);
            for (ServerProcess s : List.of(a, b)) {
                JsonNode status = JSON.readTree(Uploads.get(s.url, "/status", null).body());
                assertThat(status.get("global_version").asLong()).isEqualTo(clients / k);
                assertThat(status.get("queue_size").asInt()).isZero();
                assertThat(status.get("rounds_completed").asLong()).isEqualTo(clients / k);
            }
            // A retry through the other replica is a duplicate, never a second row.
            var retry = JSON.readTree(Uploads.post(b.url, "/upload", Uploads.update("site-0", "u-0", 10, 0, 1), null).body());
            assertThat(retry.get("duplicate").asBoolean()).isTrue();
            // Both replicas serve the same history.
            assertThat(JSON.readTree(Uploads.get(a.url, "/api/v1/history", null).body()).get("rounds"))
                    .isEqualTo(JSON.readTree(Uploads.get(b.url, "/api/v1/history", null).body()).get("rounds"));
        }
    }

    @Test
    void aReplicaKilledAtRandomLosesNothingAndTheOtherFinishesTheRounds() throws Exception {
        int trials = 20, k = 3, uploaders = 4;
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ServerProcess[] replicas = {replica("a", k), replica("b", k)};
        int trialsWithRounds = 0;
        try {
            for (int trial = 0; trial < trials; trial++) {
                long before = versions();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger n = new AtomicInteger();
                String[] urls = {replicas[0].url, replicas[1].url};
                int t = trial;
                List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < uploaders; w++) {
                    int worker = w;
                    Thread th = new Thread(() -> {
                        while (running.get()) {
                            String client = "t" + t + "-w" + worker + "-" + n.incrementAndGet();
                            byte[] body = Uploads.update(client, "u", 1 + worker, 0, worker);
                            // A load balancer's view: the first replica, then the other when it does not answer.
                            for (int attempt = 0; attempt < 2; attempt++) {
                                try {
                                    HttpResponse<String> r = Uploads.post(urls[(worker + attempt) % 2], "/upload", body, null);
                                    if (r.statusCode() == 200) acknowledged.add(QueuedUpdate.key(client, "u"));
                                    break;
                                } catch (Exception dead) {
                                    // try the other replica
                                }
                            }
                        }
                    });
                    th.start();
                    threads.add(th);
                }
                Thread.sleep(200 + rnd.nextInt(900));
                int victim = rnd.nextInt(2);
                replicas[victim].kill();
                Thread.sleep(100 + rnd.nextInt(300));
                running.set(false);
                for (Thread th : threads) th.join(60_000);
                // The survivor completes any round the victim died in (its sweep finds the full queue).
                awaitQueueBelow(replicas[1 - victim].url, k);
                if (versions() > before) trialsWithRounds++;
                check(acknowledged, k, "seed " + seed + ", trial " + trial);
                replicas[victim] = replica(victim == 0 ? "a" : "b", k);
            }
            assertThat(acknowledged).as("uploads acknowledged over all trials").hasSizeGreaterThanOrEqualTo(trials);
            assertThat(trialsWithRounds).as("trials in which rounds were aggregated").isPositive();
            JsonNode sa = JSON.readTree(Uploads.get(replicas[0].url, "/status", null).body());
            JsonNode sb = JSON.readTree(Uploads.get(replicas[1].url, "/status", null).body());
            assertThat(sa.get("global_version")).isEqualTo(sb.get("global_version"));
            assertThat(sa.get("queued_clients")).isEqualTo(sb.get("queued_clients"));
        } finally {
            for (ServerProcess s : replicas) s.close();
        }
    }

    @Test
    void theDatabaseDownAndBackUnderLoadLosesNothing() throws Exception {
        int k = 4, uploaders = 4;
        PgCluster pg = PgCluster.get();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger unavailable = new AtomicInteger();
        AtomicBoolean restarted = new AtomicBoolean();
        List<String> otherAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ServerProcess a = replica("a", k); ServerProcess b = replica("b", k)) {
            String[] urls = {a.url, b.url};
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < uploaders; w++) {
                int worker = w;
                Thread th = new Thread(() -> {
                    // Uploads before, during and after the restart: at least 8 each, and 2 more once it is over.
                    for (int i = 0, after = 0; i < 8 || after < 2; i++) {
                        if (restarted.get()) after++;
                        String client = "w" + worker + "-" + i;
                        byte[] body = Uploads.update(client, "u", 5, 0, 1 + worker);
                        // A client's loop: retry (here, through the other replica) until acknowledged.
                        for (int attempt = 0; attempt < 300; attempt++) {
                            try {
                                HttpResponse<String> r = Uploads.post(urls[(worker + attempt) % 2], "/upload", body, null);
                                if (r.statusCode() == 200) {
                                    acknowledged.add(QueuedUpdate.key(client, "u"));
                                    break;
                                }
                                if (r.statusCode() == 503) unavailable.incrementAndGet();
                                else otherAnswers.add(r.statusCode() + " " + r.body());
                            } catch (Exception e) {
                                // refused or cut: retry
                            }
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            Thread.sleep(500);
            // Down for longer than a request waits for a connection (5 s): the clients must get 503s and retry.
            pg.ctl("stop");
            Thread.sleep(6_000);
            pg.ctl("start");
            restarted.set(true);
            for (Thread th : threads) th.join(180_000);
            assertThat(otherAnswers).as("answers other than 200 and 503 while the database restarted").isEmpty();
            int sent = 0;
            for (int w = 0; w < uploaders; w++) {
                for (int i = 0; ; i++) {
                    if (!acknowledged.contains(QueuedUpdate.key("w" + w + "-" + i, "u"))) break;
                    sent++;
                }
            }
            assertThat(sent).as("every upload acknowledged in the end, in order").isEqualTo(acknowledged.size());
            awaitQueueBelow(a.url, k);
            check(acknowledged, k, "after a database restart");
            assertThat(unavailable.get()).as("uploads answered 503 while the database restarted").isPositive();
            assertThat(JSON.readTree(Uploads.get(b.url, "/status", null).body()).get("global_version").asLong())
                    .isEqualTo(acknowledged.size() / k);
        }
    }

    private Connection db() throws Exception {
        StoreUrl u = StoreUrl.parse(store, Map.of());
        return DriverManager.getConnection(u.jdbcUrl(), u.user(), "");
    }

    private long versions() throws Exception {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT max(version) FROM versions")) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void awaitVersion(String url, long version) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (JSON.readTree(Uploads.get(url, "/status", null).body()).get("global_version").asLong() < version && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static void awaitQueueBelow(String url, int k) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                if (JSON.readTree(Uploads.get(url, "/status", null).body()).get("queue_size").asInt() < k) return;
            } catch (Exception notYet) {
                // the database may still be coming back
            }
            Thread.sleep(100);
        }
    }

    /**
     * The database's own record: versions 1..latest, each with K contributors audited once; every
     * acknowledged update queued or counted in exactly one version; fewer than K left queued.
     */
    private Map<Long, Set<String>> check(Set<String> acknowledged, int k, String when) throws Exception {
        Map<Long, Set<String>> rounds = new HashMap<>();
        Map<String, Long> roundOf = new HashMap<>();
        Set<String> queued = new HashSet<>();
        long latest;
        try (Connection c = db(); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT max(version) FROM versions")) {
                r.next();
                latest = r.getLong(1);
            }
            try (ResultSet r = s.executeQuery("SELECT event FROM audit WHERE kind = 'aggregated' ORDER BY id")) {
                while (r.next()) {
                    JsonNode e = JSON.readTree(r.getString(1));
                    long v = e.get("version").asLong();
                    Set<String> keys = new HashSet<>();
                    for (JsonNode u : e.get("contributors")) {
                        String key = QueuedUpdate.key(u.get("client_id").asText(), u.get("update_id").asText());
                        keys.add(key);
                        Long other = roundOf.put(key, v);
                        assertThat(other).as(when + ": " + key + " counted in versions " + other + " and " + v).isNull();
                    }
                    assertThat(rounds.put(v, keys)).as(when + ": version " + v + " audited twice").isNull();
                    assertThat(keys).as(when + ": version " + v).hasSize(k);
                }
            }
            try (ResultSet r = s.executeQuery("SELECT client_id, update_id FROM updates WHERE state = 'queued'")) {
                while (r.next()) queued.add(QueuedUpdate.key(r.getString(1), r.getString(2)));
            }
            try (ResultSet r = s.executeQuery("SELECT v.version, v.parent_hash, p.sha256 FROM versions v JOIN versions p ON p.version = v.version - 1"
                    + " WHERE v.version > 0")) {
                while (r.next()) assertThat(r.getString(2)).as(when + ": parent of version " + r.getLong(1)).isEqualTo(r.getString(3));
            }
        }
        assertThat(rounds.keySet()).as(when).hasSize((int) latest);
        assertThat(queued.size()).as(when + ": a full queue is aggregated").isLessThan(k);
        for (String key : acknowledged) {
            int places = (queued.contains(key) ? 1 : 0) + (roundOf.containsKey(key) ? 1 : 0);
            assertThat(places).as(when + ": acknowledged " + key.replace('\u0000', '/')).isEqualTo(1);
        }
        return rounds;
    }
}
