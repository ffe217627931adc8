package org.lungfl.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Random;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Model files in PostgreSQL two ways, timed on the same bytes: chunked bytea (rows of 256 KiB, what
 * the server uses) and large objects (pg_largeobject, written and read through the driver's
 * LargeObject API in 256 KiB pieces). Each write commits; each read streams the whole blob.
 */
final class BenchBlobStorage {
    private static final int CHUNK = 256 << 10;

    private BenchBlobStorage() {}

    static void run(String store, String database, int megabytes, int repeat) throws Exception {
        String[] jdbc = org.lungfl.server.StoreTokens.jdbc(BenchDatabases.url(store, database));
        byte[] blob = new byte[megabytes << 20];
        new Random(1).nextBytes(blob); // weights do not compress; neither do random bytes
        try (Connection c = DriverManager.getConnection(jdbc[0], jdbc[1], jdbc[2])) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS bench_chunks");
                s.execute("CREATE TABLE bench_chunks (blob_id int, idx int, data bytea, PRIMARY KEY (blob_id, idx))");
                s.execute("ALTER TABLE bench_chunks ALTER COLUMN data SET STORAGE EXTERNAL");
            }
            c.commit();
            double[] byteaW = new double[repeat], byteaR = new double[repeat], loW = new double[repeat], loR = new double[repeat];
            for (int r = 0; r < repeat; r++) {
                long t = System.nanoTime();
                try (PreparedStatement p = c.prepareStatement("INSERT INTO bench_chunks VALUES (?, ?, ?)")) {
                    for (int i = 0, off = 0; off < blob.length; i++, off += CHUNK) {
                        p.setInt(1, r);
                        p.setInt(2, i);
                        p.setBytes(3, Arrays.copyOfRange(blob, off, Math.min(blob.length, off + CHUNK)));
                        p.executeUpdate();
                    }
                }
                c.commit();
                byteaW[r] = seconds(t);
                t = System.nanoTime();
                long read = 0;
                try (PreparedStatement p = c.prepareStatement("SELECT data FROM bench_chunks WHERE blob_id = ? AND idx = ?")) {
                    for (int i = 0; read < blob.length; i++) {
                        p.setInt(1, r);
                        p.setInt(2, i);
                        try (ResultSet rs = p.executeQuery()) {
                            rs.next();
                            read += rs.getBytes(1).length;
                        }
                    }
                }
                c.commit();
                byteaR[r] = seconds(t);

                LargeObjectManager lom = c.unwrap(PGConnection.class).getLargeObjectAPI();
                t = System.nanoTime();
                long oid = lom.createLO(LargeObjectManager.READWRITE);
                try (LargeObject lo = lom.open(oid, LargeObjectManager.WRITE)) {
                    for (int off = 0; off < blob.length; off += CHUNK) lo.write(blob, off, Math.min(CHUNK, blob.length - off));
                }
                c.commit();
                loW[r] = seconds(t);
                t = System.nanoTime();
                byte[] buf = new byte[CHUNK];
                try (LargeObject lo = lom.open(oid, LargeObjectManager.READ)) {
                    while (lo.read(buf, 0, buf.length) > 0) {
                        // streamed
                    }
                }
                c.commit();
                loR[r] = seconds(t);
            }
            System.out.printf("blob storage, %d MB of random bytes, median of %d (each write committed): chunked bytea write %.0f MB/s,"
                    + " read %.0f MB/s; large objects write %.0f MB/s, read %.0f MB/s%n", megabytes, repeat, megabytes / median(byteaW),
                    megabytes / median(byteaR), megabytes / median(loW), megabytes / median(loR));
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
