package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.FlClient;
import org.lungfl.server.TokenStore;

/**
 * The original workflow against a real server process with tokens: 12 simulated clients, the
 * automatic FedAvg at 10, 2 left queued, then {@code execute} typed at the server's console.
 */
class SimulateAgainstServerProcessTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path dir;

    @Test
    void twelveClientsAggregateAtTenAndExecuteTakesTheRest() throws Exception {
        Path data = dir.resolve("data");
        StringBuilder tokens = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            String id = String.format("site-%02d", i);
            tokens.append(id).append(' ').append(new TokenStore(data).add(id, false)).append('\n');
        }
        Path tokenFile = dir.resolve("tokens.txt");
        Files.writeString(tokenFile, tokens);

        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "org.lungfl.server.ServerMain", "--host", "127.0.0.1", "--port", "0",
                "--data-dir", data.toString(), "--max-clients", "10").redirectError(dir.resolve("server.log").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> url = new CompletableFuture<>();
            List<String> console = new ArrayList<>();
            Thread drain = new Thread(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        synchronized (console) {
                            console.add(line);
                        }
                        if (line.startsWith("LungFL server listening on ")) url.complete(line.substring(27).strip());
                    }
                } catch (java.io.IOException ignored) {
                    // server ended
                }
                url.complete(null);
            });
            drain.setDaemon(true);
            drain.start();
            String u = url.get(90, TimeUnit.SECONDS);
            assertThat(u).as("server started (see %s)", dir.resolve("server.log")).isNotNull();

            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            PrintStream saved = System.out;
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Main.run("simulate", "--server", u, "--clients", "12", "--token-file", tokenFile.toString());
            } finally {
                System.setOut(saved);
            }
            String text = printed.toString(StandardCharsets.UTF_8);
            assertThat(code).as(text).isZero();
            assertThat(text).contains("site-10").contains("FedAvg -> global version 1")
                    .contains("site-12").contains("status: queue 2/10, global version 1, rounds 1\n")
                    // A site's token does not see who else is connected (docs/security.md).
                    .doesNotContain("connected clients");

            String lines = tokens.toString().lines().filter(l -> l.startsWith("site-01 ")).findFirst().orElseThrow();
            FlClient admin = new FlClient(URI.create(u), lines.split(" ")[1], null);
            JsonNode s = admin.status();
            assertThat(s.get("queue_size").asInt()).isEqualTo(2);
            assertThat(s.get("global_version").asLong()).isEqualTo(1);

            OutputStream stdin = server.getOutputStream();
            stdin.write("execute\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            for (int i = 0; i < 300 && admin.status().get("global_version").asLong() < 2; i++) Thread.sleep(100);
            s = admin.status();
            assertThat(s.get("global_version").asLong()).isEqualTo(2);
            assertThat(s.get("queue_size").asInt()).isZero();
            // The console answers once the round is done; the status may show it a moment earlier.
            for (int i = 0; i < 300; i++) {
                synchronized (console) {
                    if (console.contains("aggregated 2 updates into global version 2")) break;
                }
                Thread.sleep(100);
            }
            synchronized (console) {
                assertThat(console).contains("aggregated 2 updates into global version 2");
            }
            stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        } finally {
            server.destroyForcibly();
        }
    }
}
