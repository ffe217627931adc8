package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store is there for those who ask for it: a server on a data dir never loads the
 * JDBC driver, the pool or PostgresStore (their classes are on the classpath, not in the JVM).
 */
class FileStoreStartTest {
    @TempDir Path dir;

    @Test
    void aServerOnADataDirLoadsNeitherTheDriverNorThePool() throws Exception {
        Path log = dir.resolve("classes.log");
        try (ServerProcess s = ServerProcess.start(dir.resolve("data"), dir.resolve("server.log"), "--open")) {
            assertThat(Uploads.get(s.url, "/health", null).statusCode()).isEqualTo(200);
            assertThat(Uploads.post(s.url, "/upload", Uploads.update("a", "1", 5, 0, 1f), null).statusCode()).isEqualTo(200);
            // The JVM's own list of loaded classes, asked of the running server.
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(s.process.pid()),
                    "VM.class_hierarchy").redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(jcmd.waitFor()).isZero();
        }
        List<String> loaded = Files.readAllLines(log);
        assertThat(loaded).anyMatch(l -> l.contains("org.lungfl.server.FileStore"));
        assertThat(loaded).noneMatch(l -> l.contains("org.postgresql") || l.contains("com.zaxxer") || l.contains("PostgresStore")
                || l.contains("PgDatabase"));
    }
}
