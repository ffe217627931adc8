package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lungfl server token add} and {@code revoke} run as separate processes, possibly several at
 * once and beside a running server. Real processes, started together, must not lose a write: before
 * the lock, 8 adds at once printed 8 tokens and stored 1, and a revoke beside two adds could leave
 * the revoked token valid.
 */
class TokenFileConcurrencyTest {
    @TempDir Path dir;

    /** The body of one token command, run in its own JVM: waits for "go" on stdin, then acts and prints the result. */
    public static void main(String[] args) throws Exception {
        TokenStore store = new TokenStore(Path.of(args[0]));
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (args[1].equals("add")) System.out.println(store.add(args[2], false));
        else System.out.println(store.revoke(args[2]) ? "revoked" : "absent");
        System.exit(0);
    }

    private record Run(Process process, String name) {}

    private Run spawn(String op, String name) throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xmx64m", "-cp", System.getProperty("java.class.path"), TokenFileConcurrencyTest.class.getName(),
                dir.toString(), op, name);
        return new Run(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start(), name);
    }

    /** Releases every process at once (each has loaded its classes and waits on stdin), then collects what each printed. */
    private static List<String> goAndCollect(List<Run> runs) throws Exception {
        for (Run r : runs) {
            r.process().getOutputStream().write("go\n".getBytes(StandardCharsets.UTF_8));
            r.process().getOutputStream().flush();
        }
        List<String> out = new ArrayList<>();
        for (Run r : runs) {
            String printed = new String(r.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(r.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(r.process().exitValue()).as(r.name() + ": " + printed).isZero();
            out.add(printed);
        }
        return out;
    }

    @Test
    void eightAddsAtOnceStoreEightTokens() throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) runs.add(spawn("add", "site-" + i));
        List<String> printed = goAndCollect(runs);
        TokenStore store = new TokenStore(dir);
        assertThat(store.list()).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(store.authenticate(printed.get(i))).as("token printed for site-" + i).hasValue(new TokenStore.Principal("site-" + i, false));
        }
    }

    @Test
    void aRevokeBesideTwoAddsAlwaysTakesEffect() throws Exception {
        for (int trial = 0; trial < 3; trial++) {
            String stolen = new TokenStore(dir).add("stolen-" + trial, false);
            List<Run> runs = List.of(spawn("add", "a-" + trial), spawn("revoke", "stolen-" + trial), spawn("add", "b-" + trial));
            List<String> printed = goAndCollect(runs);
            assertThat(printed.get(1)).isEqualTo("revoked");
            TokenStore store = new TokenStore(dir);
            assertThat(store.authenticate(stolen)).as("trial " + trial + ": the revoked token").isEmpty();
            assertThat(store.authenticate(printed.get(0))).as("trial " + trial).hasValue(new TokenStore.Principal("a-" + trial, false));
            assertThat(store.authenticate(printed.get(2))).as("trial " + trial).hasValue(new TokenStore.Principal("b-" + trial, false));
        }
        assertThat(new TokenStore(dir).list()).extracting(TokenStore.Entry::name)
                .containsExactlyInAnyOrder("a-0", "b-0", "a-1", "b-1", "a-2", "b-2");
    }
}
