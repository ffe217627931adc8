package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * Kills a real server process with SIGKILL at random moments while clients upload and rounds are
 * aggregated, restarts it, and checks after every restart that nothing acknowledged was lost or
 * counted twice and that no partial file is visible.
 */
class KillNineTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int TRIALS = 20, K = 3, UPLOADERS = 3;
    @TempDir Path dir;

    @Test
    void nothingAcknowledgedIsLostAcrossTwentyKills() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        Path data = dir.resolve("data"), log = dir.resolve("server.log");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        String[] args = {"--open", "--max-clients", Integer.toString(K), "--retention", "100000"};
        int trialsWithRounds = 0;
        ServerProcess server = ServerProcess.start(data, log, args);
        try {
            for (int trial = 0; trial < TRIALS; trial++) {
                check(data, acknowledged, server.url, "seed " + seed + ", before trial " + trial);
                long versionBefore = latestVersion(data);
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger n = new AtomicInteger();
                String url = server.url;
                int t = trial;
                List<Thread> uploaders = new ArrayList<>();
                for (int w = 0; w < UPLOADERS; w++) {
                    int worker = w;
                    Thread th = new Thread(() -> {
                        while (running.get()) {
                            String client = "t" + t + "-w" + worker + "-" + n.incrementAndGet();
                            try {
                                HttpResponse<String> r = Uploads.post(url, "/upload", Uploads.update(client, "u", 1 + worker, 0, worker), null);
                                if (r.statusCode() == 200) acknowledged.add(QueuedUpdate.key(client, "u"));
                            } catch (Exception dead) {
                                return;
                            }
                        }
                    });
                    th.start();
                    uploaders.add(th);
                }
                Thread.sleep(300 + rnd.nextInt(1200));
                server.kill();
                running.set(false);
                for (Thread th : uploaders) th.join(60_000);
                if (latestVersion(data) > versionBefore) trialsWithRounds++;
                server = ServerProcess.start(data, log, args);
            }
            check(data, acknowledged, server.url, "seed " + seed + ", after the last trial");
            assertThat(acknowledged).as("uploads acknowledged over all trials").hasSizeGreaterThanOrEqualTo(TRIALS);
            assertThat(trialsWithRounds).as("trials in which rounds were aggregated before the kill").isPositive();
        } finally {
            server.close();
        }
    }

    private static long latestVersion(Path data) throws Exception {
        long max = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(data.resolve("versions"), "v*.safetensors")) {
            for (Path p : s) max = Math.max(max, Long.parseLong(p.getFileName().toString().substring(1, 9)));
        }
        return max;
    }

    private static void check(Path data, Set<String> acknowledged, String url, String when) throws Exception {
        // No temporary is visible and every file is whole.
        for (String sub : new String[] {"queue", "versions"}) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(data.resolve(sub))) {
                for (Path p : s) {
                    assertThat(p.getFileName().toString()).as(when).doesNotStartWith(DurableFiles.TEMP_PREFIX);
                    SafeTensors.read(Files.readAllBytes(p));
                }
            }
        }
        Set<String> queued = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(data.resolve("queue"))) {
            for (Path p : s) {
                try (SafeTensorsFile f = SafeTensorsFile.open(p)) {
                    assertThat(queued.add(QueuedUpdate.key(f.metadata().get("client_id"), f.metadata().get("update_id")))).as(when).isTrue();
                }
            }
        }
        assertThat(queued.size()).as(when + ": a full queue is aggregated on start").isLessThan(K);

        // Versions 0..latest are all there, and each has exactly one audited aggregation naming the same contributors.
        long latest = latestVersion(data);
        Map<Long, Set<String>> audited = new HashMap<>();
        Map<String, Long> roundOf = new HashMap<>();
        for (String line : Files.readAllLines(data.resolve(AuditLog.FILE))) {
            JsonNode e = JSON.readTree(line);
            if (!e.get("event").asText().equals("aggregated")) continue;
            long v = e.get("version").asLong();
            Set<String> keys = new HashSet<>();
            for (JsonNode c : e.get("contributors")) {
                String key = QueuedUpdate.key(c.get("client_id").asText(), c.get("update_id").asText());
                keys.add(key);
                Long before = roundOf.put(key, v);
                assertThat(before).as(when + ": " + key + " counted in versions " + before + " and " + v).isNull();
            }
            assertThat(audited.put(v, keys)).as(when + ": version " + v + " audited twice").isNull();
        }
        assertThat(audited.keySet()).as(when).hasSize((int) latest);
        for (long v = 0; v <= latest; v++) {
            Path f = data.resolve("versions").resolve(String.format("v%08d.safetensors", v));
            assertThat(f).as(when).exists();
            if (v == 0) continue;
            try (SafeTensorsFile sf = SafeTensorsFile.open(f)) {
                Set<String> keys = new HashSet<>();
                for (JsonNode c : JSON.readTree(sf.metadata().get("contributors"))) {
                    keys.add(QueuedUpdate.key(c.get("client_id").asText(), c.get("update_id").asText()));
                }
                assertThat(keys).as(when + ": version " + v).isEqualTo(audited.get(v)).hasSize(K);
            }
        }

        // Screening may quarantine the workers' far-apart constant updates: kept whole, never aggregated.
        Set<String> quarantined = new HashSet<>();
        Path q = data.resolve(FileScreeningRecords.DIR);
        if (Files.isDirectory(q)) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(q)) {
                for (Path p : s) {
                    assertThat(p.getFileName().toString()).as(when).doesNotStartWith(DurableFiles.TEMP_PREFIX);
                    Map<String, String> meta = SafeTensors.read(Files.readAllBytes(p)).metadata();
                    quarantined.add(QueuedUpdate.key(meta.get("client_id"), meta.get("update_id")));
                }
            }
        }

        // Every acknowledged update is queued, in exactly one version or quarantined: one of the three.
        for (String key : acknowledged) {
            int places = (queued.contains(key) ? 1 : 0) + (roundOf.containsKey(key) ? 1 : 0) + (quarantined.contains(key) ? 1 : 0);
            assertThat(places).as(when + ": acknowledged " + key.replace('\u0000', '/')).isEqualTo(1);
        }
        JsonNode status = JSON.readTree(Uploads.get(url, "/status", null).body());
        assertThat(status.get("queue_size").asInt()).as(when).isEqualTo(queued.size());
        assertThat(status.get("global_version").asLong()).as(when).isEqualTo(latest);
    }
}
