package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Primary and backup as real server processes on loopback (docs/backup.md): kill -9 of the primary
 * in the middle of a round, the backup down, and a partition of the link between them.
 */
class BackupFailoverTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String FAILOVER = "1.5", SYNC = "0.2";
    @TempDir Path dir;

    /** A site: uploads and status calls go to the first server that takes them, primary first. */
    record Site(String id, List<String> servers) {
        String upload(int round, long base) throws Exception {
            byte[] body = Uploads.update(id, "round-" + round, 10, base, round);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (true) {
                for (String s : servers) {
                    try {
                        HttpResponse<String> r = Uploads.post(s, "/upload", body, null);
                        if (r.statusCode() == 200) return s;
                        assertThat(r.statusCode()).as("%s at %s: %s", id, s, r.body()).isGreaterThanOrEqualTo(500);
                    } catch (java.io.IOException unreachable) {
                        // next server
                    }
                }
                assertThat(System.nanoTime()).as("%s found no server taking round %d", id, round).isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static JsonNode status(String url) throws Exception {
        return JSON.readTree(Uploads.get(url, "/status", null).body());
    }

    /** Polls a server's /status (bounded) until it satisfies {@code ok}. */
    static JsonNode await(String url, String what, Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = status(url);
                if (ok.test(last)) return last;
            } catch (java.io.IOException down) {
                last = null;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(url + ": " + what + " did not happen; last status " + last);
    }

    static ServerProcess primary(Path data, Path log, int port, String peer, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("--open", "--max-clients", "3", "--port", Integer.toString(port), "--peer", peer,
                "--failover-after", FAILOVER, "--sync-interval", SYNC));
        a.addAll(List.of(more));
        return ServerProcess.start(data, log, a.toArray(String[]::new));
    }

    static ServerProcess backup(Path data, Path log, int port, String primary, String... more) throws Exception {
        List<String> a = new ArrayList<>(List.of("--open", "--max-clients", "3", "--port", Integer.toString(port), "--backup-of", primary,
                "--failover-after", FAILOVER, "--sync-interval", SYNC));
        a.addAll(List.of(more));
        return ServerProcess.start(data, log, a.toArray(String[]::new));
    }

    static List<JsonNode> audit(Path data) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve(AuditLog.FILE))) out.add(JSON.readTree(line));
        return out;
    }

    static Map<Long, String> hashes(String url) throws Exception {
        Map<Long, String> m = new HashMap<>();
        for (JsonNode v : JSON.readTree(Uploads.get(url, "/api/v1/sync", null).body()).get("versions")) {
            m.put(v.get("version").asLong(), v.get("hash").asText());
        }
        return m;
    }

    @Test
    void killNineOfThePrimaryMidRoundTheBackupFinishesItAndHandsBackEverythingExactlyOnce() throws Exception {
        int pPort = freePort(), bPort = freePort();
        String p = "http://127.0.0.1:" + pPort, b = "http://127.0.0.1:" + bPort;
        Path pData = dir.resolve("primary"), bData = dir.resolve("backup"), log = dir.resolve("servers.log");
        List<Site> sites = List.of(new Site("site-a", List.of(p, b)), new Site("site-b", List.of(p, b)), new Site("site-c", List.of(p, b)));
        Set<String> acknowledged = new HashSet<>();
        // The backup reads the primary through a proxy, so that one upload can be kept from it (the replication window).
        try (TcpProxy toPrimary = new TcpProxy(pPort); ServerProcess backup = backup(bData, log, bPort, toPrimary.url())) {
            ServerProcess primary = primary(pData, log, pPort, b);
            try {
                await(p, "primary active", s -> s.path("state").asText().equals("active"));
                JsonNode bs = await(b, "backup in contact", s -> s.path("peer").path("healthy").asBoolean());
                assertThat(bs.path("role").asText()).isEqualTo("backup");
                assertThat(bs.path("state").asText()).isEqualTo("standby");
                // A standby refuses uploads and names the primary.
                HttpResponse<String> refused = Uploads.post(b, "/upload", Uploads.update("site-x", "u", 1, 0, 1), null);
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("standby");
                assertThat(refused.body()).contains(toPrimary.url());

                // Round 1 on the primary, mirrored by the backup.
                for (Site s : sites) assertThat(s.upload(1, 0)).isEqualTo(p);
                sites.forEach(s -> acknowledged.add(s.id() + "/round-1"));
                await(b, "backup mirrors v1", s -> s.path("global_version").asLong() == 1 && s.path("peer").path("lag_versions").asLong() == 0);

                // Round 2: one site uploads and the backup mirrors its update; a fourth site's update is
                // acknowledged by the primary but never reaches the backup; then the primary dies.
                assertThat(sites.get(0).upload(2, 1)).isEqualTo(p);
                acknowledged.add("site-a/round-2");
                await(b, "backup mirrors the queue", s -> s.path("queue_size").asInt() == 1);
                toPrimary.block();
                assertThat(new Site("site-d", List.of(p)).upload(2, 1)).isEqualTo(p);
                acknowledged.add("site-d/round-2");
                primary.kill();
                toPrimary.heal();
            } finally {
                if (primary.process.isAlive()) primary.kill();
            }

            // The other sites fail over; the backup takes over after --failover-after and completes round 2
            // with the update it mirrored.
            assertThat(sites.get(2).upload(2, 1)).isEqualTo(b);
            assertThat(sites.get(1).upload(2, 1)).isEqualTo(b);
            acknowledged.add("site-c/round-2");
            acknowledged.add("site-b/round-2");
            JsonNode taken = await(b, "round 2 on the backup", s -> s.path("global_version").asLong() == 2);
            assertThat(taken.path("state").asText()).isEqualTo("active");
            assertThat(taken.path("peer").path("healthy").asBoolean()).isFalse();
            // Round 3 begins on the backup while the primary is down.
            assertThat(sites.get(0).upload(3, 2)).isEqualTo(b);
            assertThat(sites.get(1).upload(3, 2)).isEqualTo(b);
            acknowledged.add("site-a/round-3");
            acknowledged.add("site-b/round-3");

            // The primary returns: it takes the backup's version 2 (which counted one of its queued updates)
            // and the backup's two queued updates before it takes uploads; with site-d's update, which only it
            // had, that makes K and it aggregates version 3 at once.
            try (ServerProcess again = primary(pData, log, pPort, b)) {
                JsonNode ps = await(p, "primary caught up", s -> s.path("state").asText().equals("active") && s.path("global_version").asLong() == 3);
                assertThat(ps.path("queue_size").asInt()).isZero();
                await(b, "backup standby again", s -> s.path("state").asText().equals("standby"));
                assertThat(sites.get(2).upload(3, 2)).isEqualTo(p);
                acknowledged.add("site-c/round-3");
                JsonNode bs = await(b, "backup mirrors v3 and the queue", s -> s.path("global_version").asLong() == 3
                        && s.path("queue_size").asInt() == 1 && s.path("queued_clients").path(0).path("client_id").asText().equals("site-c"));
                assertThat(bs.path("peer").path("lag_versions").asLong()).isZero();
                assertThat(bs.path("peer").path("healthy").asBoolean()).isTrue();
                assertThat(bs.path("peer").path("last_sync").isNull()).isFalse();
                assertThat(status(p).path("queued_clients").path(0).path("client_id").asText()).isEqualTo("site-c");
                assertThat(hashes(p)).isEqualTo(hashes(b));

                // A retry of an update counted on the backup is a duplicate on the primary, not a second count.
                HttpResponse<String> retry = Uploads.post(p, "/upload", Uploads.update("site-c", "round-2", 10, 1, 2), null);
                assertThat(JSON.readTree(retry.body()).path("duplicate").asBoolean()).as(retry.body()).isTrue();
            }
        }

        // Through both audit logs: every version was made by exactly one server and copied by the other,
        // and every acknowledged update is counted in exactly one version, or still queued (site-c's last).
        Map<Long, String> madeBy = new HashMap<>();
        Map<String, Long> countedIn = new HashMap<>();
        for (Path data : List.of(pData, bData)) {
            Map<Long, String> events = new HashMap<>();
            for (JsonNode e : audit(data)) {
                String ev = e.path("event").asText();
                if (!ev.equals("aggregated") && !ev.equals("synced")) continue;
                long v = e.get("version").asLong();
                assertThat(events.put(v, ev)).as("%s: version %d recorded twice", data.getFileName(), v).isNull();
                if (ev.equals("aggregated")) {
                    assertThat(madeBy.put(v, data.getFileName().toString())).as("version %d aggregated by both", v).isNull();
                    for (JsonNode c : e.get("contributors")) {
                        String key = c.get("client_id").asText() + "/" + c.get("update_id").asText();
                        assertThat(countedIn.put(key, v)).as("%s counted twice", key).isNull();
                    }
                }
            }
            assertThat(events.keySet()).as(data.getFileName().toString()).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
        assertThat(madeBy).containsEntry(1L, "primary").containsEntry(2L, "backup").containsEntry(3L, "primary");
        Set<String> expected = new HashSet<>(acknowledged);
        expected.remove("site-c/round-3");
        assertThat(countedIn.keySet()).isEqualTo(expected);
        assertThat(countedIn).containsEntry("site-d/round-2", 3L).containsEntry("site-c/round-2", 2L);
        assertThat(audit(bData)).anyMatch(e -> e.path("event").asText().equals("takeover"))
                .anyMatch(e -> e.path("event").asText().equals("handed_over"));
        assertThat(audit(pData)).anyMatch(e -> e.path("event").asText().equals("handover") && e.path("versions").asInt() == 1
                && e.path("updates").asInt() == 2);
    }

    @Test
    void theBackupDownLeavesThePrimaryUnaffectedAndItCatchesUpWhenBack() throws Exception {
        int pPort = freePort(), bPort = freePort();
        String p = "http://127.0.0.1:" + pPort, b = "http://127.0.0.1:" + bPort;
        Path pData = dir.resolve("primary"), bData = dir.resolve("backup"), log = dir.resolve("servers.log");
        List<Site> sites = List.of(new Site("site-a", List.of(p, b)), new Site("site-b", List.of(p, b)), new Site("site-c", List.of(p, b)));
        try (ServerProcess primary = primary(pData, log, pPort, b)) {
            // No backup at all: the primary waits --failover-after for it, then serves alone.
            await(p, "primary active without its backup", s -> s.path("state").asText().equals("active"));
            for (Site s : sites) assertThat(s.upload(1, 0)).isEqualTo(p);
            try (ServerProcess backup = backup(bData, log, bPort, p)) {
                await(b, "backup mirrors v1", s -> s.path("global_version").asLong() == 1);
                backup.kill();
            }
            for (Site s : sites) assertThat(s.upload(2, 1)).isEqualTo(p);
            JsonNode ps = await(p, "round 2 without the backup", s -> s.path("global_version").asLong() == 2
                    && !s.path("peer").path("healthy").asBoolean());
            assertThat(ps.path("state").asText()).isEqualTo("active");
            try (ServerProcess backup = backup(bData, log, bPort, p)) {
                await(b, "backup catches up", s -> s.path("global_version").asLong() == 2 && s.path("peer").path("lag_versions").asLong() == 0);
                assertThat(hashes(b)).isEqualTo(hashes(p));
                await(p, "primary sees its backup", s -> s.path("peer").path("healthy").asBoolean() && s.path("peer").path("lag_versions").asLong() == 0);
            }
        }
        assertThat(audit(pData)).anyMatch(e -> e.path("event").asText().equals("started_alone"));
    }

    @Test
    void aPartitionThatLetsBothAggregateIsReportedAsSplitBrainNeverMerged() throws Exception {
        int pPort = freePort(), bPort = freePort();
        String p = "http://127.0.0.1:" + pPort, b = "http://127.0.0.1:" + bPort;
        Path pData = dir.resolve("primary"), bData = dir.resolve("backup"), log = dir.resolve("servers.log");
        try (TcpProxy toBackup = new TcpProxy(bPort); TcpProxy toPrimary = new TcpProxy(pPort);
                ServerProcess backup = backup(bData, log, bPort, toPrimary.url(), "--max-clients", "1");
                ServerProcess primary = primary(pData, log, pPort, toBackup.url(), "--max-clients", "1")) {
            await(p, "primary active", s -> s.path("state").asText().equals("active"));
            new Site("near", List.of(p)).upload(1, 0);
            await(b, "backup mirrors v1", s -> s.path("global_version").asLong() == 1);

            // A partition in which no site uploads to the backup: it takes over, and when the link heals the
            // primary takes it back to standby; nothing diverged, so nothing is reported.
            toBackup.block();
            toPrimary.block();
            await(b, "backup takes over", s -> s.path("state").asText().equals("active"));
            toBackup.heal();
            toPrimary.heal();
            await(b, "backup back in standby", s -> s.path("state").asText().equals("standby") && s.path("peer").path("healthy").asBoolean());
            assertThat(status(p).path("peer").path("split_brain").isNull()).isTrue();

            // Again, and this time each side's sites upload to their own server: both make a version 2.
            toBackup.block();
            toPrimary.block();
            await(b, "backup takes over", s -> s.path("state").asText().equals("active"));
            assertThat(new Site("near", List.of(p)).upload(2, 1)).isEqualTo(p);
            assertThat(new Site("far", List.of(b)).upload(2, 1)).isEqualTo(b);
            await(p, "v2 on the primary", s -> s.path("global_version").asLong() == 2);
            await(b, "another v2 on the backup", s -> s.path("global_version").asLong() == 2);

            toBackup.heal();
            toPrimary.heal();
            JsonNode ps = await(p, "primary reports the split brain", s -> !s.path("peer").path("split_brain").isNull());
            JsonNode bs = await(b, "backup reports the split brain", s -> s.path("state").asText().equals("split_brain"));
            assertThat(ps.path("peer").path("split_brain").asText()).contains("version 2");
            assertThat(ps.path("state").asText()).isEqualTo("split_brain");
            assertThat(bs.path("peer").path("split_brain").asText()).contains("version 2");
            // Never merged: each keeps its own v2; the primary goes on, the backup takes nothing.
            assertThat(hashes(p).get(2L)).isNotEqualTo(hashes(b).get(2L));
            assertThat(new Site("near", List.of(p)).upload(3, 2)).isEqualTo(p);
            HttpResponse<String> refused = Uploads.post(b, "/upload", Uploads.update("far", "round-3", 10, 2, 3), null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("split_brain");
        }
        assertThat(audit(pData)).anyMatch(e -> e.path("event").asText().equals("split_brain"));
        assertThat(audit(bData)).anyMatch(e -> e.path("event").asText().equals("split_brain"));
    }
}
