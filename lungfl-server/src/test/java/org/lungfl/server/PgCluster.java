package org.lungfl.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throw-away PostgreSQL cluster for the tests, from the machine's own binaries (Debian's
 * {@code postgresql} package): initdb in a temporary directory, a free loopback port, started once
 * per test JVM and removed at its exit. PostgreSQL refuses to run as root, so as root the cluster
 * belongs to the {@code postgres} user and every command runs through {@code runuser}. Durability
 * settings are the defaults except {@code fsync}: off, since a test kills server processes and
 * restarts PostgreSQL, never the machine (the OS keeps what was written).
 */
final class PgCluster {
    private static PgCluster instance;
    private static String unavailable;

    final Path dir;
    final int port;
    private final Path bin;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();

    private PgCluster(Path dir, int port, Path bin, boolean asPostgresUser) {
        this.dir = dir;
        this.port = port;
        this.bin = bin;
        this.asPostgresUser = asPostgresUser;
    }

    /** The cluster of this JVM, started on first use; null (and {@link #whyNot()} says why) when it cannot run here. */
    static synchronized PgCluster get() {
        if (instance != null || unavailable != null) return instance;
        try {
            instance = start();
        } catch (Exception e) {
            unavailable = e.getMessage();
        }
        return instance;
    }

    static synchronized String whyNot() {
        return unavailable;
    }

    private static Path binaries() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0")))).orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static PgCluster start() throws Exception {
        Path bin = binaries();
        if (bin == null) throw new IllegalStateException("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root && run(List.of("id", "-u", "postgres"), false) != 0) {
            throw new IllegalStateException("running as root and there is no 'postgres' user to own a test cluster (apt-get install postgresql)");
        }
        Path dir = Files.createTempDirectory("lungfl-pg-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PgCluster c = new PgCluster(dir, port, bin, root);
        if (root) run(List.of("chown", "postgres:postgres", dir.toString()), true);
        c.pg(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "lungfl", "-A", "trust", "-E", "UTF8",
                "--no-sync", "--no-instructions"));
        Files.writeString(dir.resolve("data").resolve("postgresql.auto.conf"), String.join("\n", "listen_addresses = '127.0.0.1'",
                "port = " + port, "unix_socket_directories = '" + dir + "'", "fsync = off", "max_connections = 300",
                "shared_buffers = 64MB", "log_min_messages = warning", "") , java.nio.file.StandardOpenOption.APPEND);
        if (root) run(List.of("chown", "-R", "postgres:postgres", dir.toString()), true);
        c.ctl("start");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                c.pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "stop"));
            } catch (Exception ignored) {
                // removed below anyway
            }
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir
            }
        }));
        return c;
    }

    /** pg_ctl start / stop / restart (fast shutdown), waiting until it is done. */
    void ctl(String action) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("log").toString()));
        if (!action.equals("start")) cmd.addAll(List.of("-m", "fast"));
        cmd.add(action);
        pg(cmd);
    }

    private void pg(List<String> cmd) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(cmd);
        if (run(full, false) != 0) {
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
            throw new IllegalStateException(String.join(" ", cmd) + " failed; " + log.substring(Math.max(0, log.length() - 2000)));
        }
    }

    private static int run(List<String> cmd, boolean check) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out");
        }
        if (check && p.exitValue() != 0) throw new IllegalStateException(cmd + " exited " + p.exitValue());
        return p.exitValue();
    }

    /** A new, empty database; its {@code --store} URL. */
    String newDatabase() throws SQLException {
        String name = "lungfl_t" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "lungfl", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database + "?user=lungfl";
    }
}
