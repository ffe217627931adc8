package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.lungfl.server.Uploads.PLAN;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console on a pipe: commands, confirmation, a closed stdin, and a graceful quit. */
class ConsoleTest {
    @TempDir Path dir;

    @Test
    void commandsWorkAndClosingStdinLeavesTheServerRunning() throws Exception {
        LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withCapacity(10).withOpen(true));
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
            PipedOutputStream typing = new PipedOutputStream();
            Thread console = new Console(s, new PipedInputStream(typing, 1 << 16), out).start();
            Uploads.post(s.url(), "/upload", Uploads.update("a", "1", 2, 0, 1f), null);
            Uploads.post(s.url(), "/upload", Uploads.update("b", "1", 2, 0, 3f), null);
            typing.write("help\nclients\nexecute\nexecute\nhistory\nbogus\n".getBytes(StandardCharsets.UTF_8));
            typing.flush();
            for (int i = 0; i < 200 && s.service().snapshot().globalVersion() < 1; i++) Thread.sleep(50);
            Uploads.post(s.url(), "/upload", Uploads.update("c", "1", 2, 1, 3f), null);
            typing.write("clear\nno\nclear\nyes\nstatus\n".getBytes(StandardCharsets.UTF_8));
            typing.close();
            console.join(20_000);
            assertThat(console.isAlive()).isFalse();
            String text = buf.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("execute   aggregate whatever is queued now")
                    .contains("a                        127.0.0.1")
                    .contains("aggregated 2 updates into global version 1")
                    .contains("nothing queued; global version stays 1")
                    .contains("v1 ")
                    .contains("unknown command 'bogus'")
                    .contains("nothing cleared")
                    .contains("cleared 1 update(s)")
                    .contains("\"queue_size\" : 0")
                    .contains("stdin closed; the server keeps running");
            // The console is gone but the server is not.
            assertThat(Uploads.get(s.url(), "/health", null).statusCode()).isEqualTo(200);
            assertThat(s.service().snapshot().globalVersion()).isEqualTo(1);
        } finally {
            s.stop();
        }
    }

    @Test
    void quitStopsGracefully() throws Exception {
        LungflServer s = LungflServer.start(TestStores.config(dir, PLAN).withHostPort("127.0.0.1", 0).withOpen(true));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PipedOutputStream typing = new PipedOutputStream();
        new Console(s, new PipedInputStream(typing), new PrintStream(buf, true, StandardCharsets.UTF_8)).start();
        Uploads.post(s.url(), "/upload", Uploads.update("a", "1", 2, 0, 1f), null);
        typing.write("quit\n".getBytes(StandardCharsets.UTF_8));
        typing.flush();
        Thread waiter = new Thread(() -> {
            try {
                s.awaitStop();
            } catch (InterruptedException ignored) {
                // ends the thread
            }
        });
        waiter.start();
        waiter.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(waiter.isAlive()).isFalse();
        assertThat(TestStores.auditText(dir)).contains("\"event\":\"stopped\"");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Uploads.get(s.url(), "/health", null))).isNotNull();
    }
}
