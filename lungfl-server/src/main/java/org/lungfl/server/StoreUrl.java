package org.lungfl.server;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.lungfl.core.UserFacingException;

/**
 * A {@code --store postgresql://HOST[:PORT]/DATABASE?user=NAME[&password_file=FILE][&pool_size=N]} URL,
 * the way libpq writes it. The password never travels on a command line: it comes from
 * {@code password_file}, else {@code PGPASSWORD}, else the password file libpq reads
 * ({@code PGPASSFILE} or {@code ~/.pgpass}, lines {@code host:port:database:user:password}), else
 * none (trust or peer authentication). Other parameters go to the JDBC driver as they are
 * ({@code sslmode}, {@code sslrootcert}, {@code connectTimeout}, ...).
 */
record StoreUrl(String host, int port, String database, String user, String password, int poolSize, Properties driver) {
    static final int DEFAULT_POOL = 24;

    static boolean isPostgres(String url) {
        return url.startsWith("postgresql://") || url.startsWith("postgres://");
    }

    /** The URL as it may be logged: no password in it, ever. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }

    static StoreUrl parse(String url, Map<String, String> env) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException("--store '" + redact(url) + "' is not a URL: " + e.getMessage());
        }
        if (u.getHost() == null) throw new UserFacingException("--store '" + redact(url) + "': no host (postgresql://HOST:PORT/DATABASE?user=NAME)");
        String db = u.getPath() == null || u.getPath().length() < 2 ? null : u.getPath().substring(1);
        if (db == null) throw new UserFacingException("--store '" + redact(url) + "': no database name (postgresql://HOST:PORT/DATABASE?user=NAME)");
        Map<String, String> q = new LinkedHashMap<>();
        if (u.getRawQuery() != null) {
            for (String kv : u.getRawQuery().split("&")) {
                if (kv.isEmpty()) continue;
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                q.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String user = q.remove("user");
        if (user == null && u.getUserInfo() != null) user = u.getUserInfo().split(":", 2)[0];
        if (user == null) user = env.getOrDefault("PGUSER", System.getProperty("user.name"));
        if (q.containsKey("password") || (u.getUserInfo() != null && u.getUserInfo().contains(":"))) {
            throw new UserFacingException("--store: put no password in the URL (a command line is visible to other users); use"
                    + " password_file=FILE, PGPASSWORD or ~/.pgpass");
        }
        int port = u.getPort() < 0 ? 5432 : u.getPort();
        int pool = DEFAULT_POOL;
        String p = q.remove("pool_size");
        if (p != null) {
            try {
                pool = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                pool = -1;
            }
            if (pool < 2 || pool > 1000) throw new UserFacingException("--store: pool_size must be a number from 2 to 1000, not '" + p + "'");
        }
        String password = password(q.remove("password_file"), env, u.getHost(), port, db, user);
        Properties driver = new Properties();
        q.forEach(driver::setProperty);
        return new StoreUrl(u.getHost(), port, db, user, password, pool, driver);
    }

    private static String password(String file, Map<String, String> env, String host, int port, String db, String user) {
        if (file != null) {
            try {
                String pw = Files.readString(Path.of(file)).strip();
                if (pw.isEmpty()) throw new UserFacingException("--store: password_file " + file + " is empty");
                return pw;
            } catch (IOException e) {
                throw new UserFacingException("--store: cannot read password_file " + file + " (" + e.getMessage() + ")");
            }
        }
        if (env.get("PGPASSWORD") != null) return env.get("PGPASSWORD");
        String passFile = env.getOrDefault("PGPASSFILE", System.getProperty("user.home") + "/.pgpass");
        Path pgpass = Path.of(passFile);
        if (!Files.isReadable(pgpass)) return null;
        try {
            for (String line : Files.readAllLines(pgpass)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = splitPgpass(line);
                if (f.length == 5 && matches(f[0], host) && matches(f[1], Integer.toString(port)) && matches(f[2], db) && matches(f[3], user)) {
                    return f[4];
                }
            }
        } catch (IOException e) {
            throw new UserFacingException("--store: cannot read " + pgpass + " (" + e.getMessage() + ")");
        }
        return null;
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** Fields separated by ':', with '\:' and '\\' escaped, as libpq reads them. */
    private static String[] splitPgpass(String line) {
        java.util.List<String> out = new java.util.ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) cur.append(line.charAt(++i));
            else if (c == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }

    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    /** For logs: where the federation lives, without secrets. */
    String describe() {
        return "PostgreSQL database " + database + " on " + host + ":" + port + " as " + user;
    }
}
