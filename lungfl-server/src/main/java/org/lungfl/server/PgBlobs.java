package org.lungfl.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Model files in the database as rows of {@code blob_chunks} (bytea), {@link #CHUNK} bytes each.
 * Written a chunk at a time within the caller's transaction, read a chunk at a time through a
 * seekable channel, so a round over K updates holds K chunks, whatever the model's size. Chunked
 * bytea rather than large objects: measured as fast here (docs/scaling-out.md), and plain rows go
 * with their owner's row (ON DELETE CASCADE, no lo_unlink), into every pg_dump and streaming replica.
 */
final class PgBlobs {
    /** 256 KiB: a round over K = 10 updates and their bases holds about 3 MB of chunks. */
    static final int CHUNK = 256 << 10;

    private PgBlobs() {}

    /** A blob written: its id, size and SHA-256. */
    record Written(long id, long bytes, String sha256) {}

    static Written write(Connection c, InputStream in) throws SQLException, IOException {
        try (Writer w = new Writer(c)) {
            byte[] buf = new byte[64 << 10];
            for (int n; (n = in.read(buf)) > 0; ) w.write(ByteBuffer.wrap(buf, 0, n));
            return w.finish();
        }
    }

    static Written write(Connection c, byte[] bytes) throws SQLException, IOException {
        return write(c, new java.io.ByteArrayInputStream(bytes));
    }

    static byte[] readAll(Connection c, long blobId) throws SQLException, IOException {
        try (Reader r = new Reader(c, blobId)) {
            if (r.size() > Integer.MAX_VALUE - 8) throw new IOException("blob " + blobId + " is too large to hold in memory");
            ByteBuffer all = ByteBuffer.allocate((int) r.size());
            while (all.hasRemaining() && r.read(all) > 0) {
                // reads chunk by chunk
            }
            return all.array();
        }
    }

    static void delete(Connection c, long blobId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM blobs WHERE id = ?")) {
            s.setLong(1, blobId);
            s.executeUpdate();
        }
    }

    /** Appends bytes in chunks; the blob exists (and its chunks count) only if the caller's transaction commits. */
    static final class Writer implements WritableByteChannel {
        private final Connection c;
        private final long id;
        private final MessageDigest sha;
        private final PreparedStatement insert;
        private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        private int index;
        private long bytes;
        private boolean open = true;

        Writer(Connection c) throws SQLException {
            this.c = c;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO blobs (bytes, sha256, chunk_size) VALUES (0, '', ?) RETURNING id")) {
                s.setInt(1, CHUNK);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    this.id = r.getLong(1);
                }
            }
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            this.insert = c.prepareStatement("INSERT INTO blob_chunks (blob_id, idx, data) VALUES (?, ?, ?)");
        }

        long id() {
            return id;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!open) throw new ClosedChannelException();
            int n = src.remaining();
            while (src.hasRemaining()) {
                int take = Math.min(chunk.remaining(), src.remaining());
                ByteBuffer part = src.slice();
                part.limit(take);
                chunk.put(part);
                src.position(src.position() + take);
                if (!chunk.hasRemaining()) flush();
            }
            return n;
        }

        private void flush() throws IOException {
            if (chunk.position() == 0) return;
            byte[] data = java.util.Arrays.copyOf(chunk.array(), chunk.position());
            sha.update(data);
            try {
                insert.setLong(1, id);
                insert.setInt(2, index++);
                insert.setBytes(3, data);
                insert.executeUpdate();
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            }
            bytes += data.length;
            chunk.clear();
        }

        /** Writes the last chunk and records the blob's size and hash. */
        Written finish() throws IOException {
            flush();
            String hash = HexFormat.of().formatHex(sha.digest());
            try (PreparedStatement s = c.prepareStatement("UPDATE blobs SET bytes = ?, sha256 = ? WHERE id = ?")) {
                s.setLong(1, bytes);
                s.setString(2, hash);
                s.setLong(3, id);
                s.executeUpdate();
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            }
            open = false;
            return new Written(id, bytes, hash);
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
            try {
                insert.close();
            } catch (SQLException ignored) {
                // the transaction's end closes it anyway
            }
        }
    }

    /** Reads a blob a chunk at a time; holds one chunk. */
    static final class Reader extends ReadOnlyChannel {
        private final long id;
        private final int chunkSize;
        private final PreparedStatement select;
        private int cachedIndex = -1;
        private byte[] cached;

        Reader(Connection c, long blobId) throws SQLException, IOException {
            this(c, blobId, header(c, blobId));
        }

        private Reader(Connection c, long blobId, long[] sizeAndChunk) throws SQLException {
            super(sizeAndChunk[0]);
            this.id = blobId;
            this.chunkSize = (int) sizeAndChunk[1];
            this.select = c.prepareStatement("SELECT data FROM blob_chunks WHERE blob_id = ? AND idx = ?");
        }

        /** The blob's size and chunk size. */
        private static long[] header(Connection c, long blobId) throws SQLException, IOException {
            try (PreparedStatement s = c.prepareStatement("SELECT bytes, chunk_size FROM blobs WHERE id = ?")) {
                s.setLong(1, blobId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) throw new java.nio.file.NoSuchFileException("blob " + blobId);
                    return new long[] {r.getLong(1), r.getInt(2)};
                }
            }
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!isOpen()) throw new ClosedChannelException();
            if (position >= size()) return -1;
            int index = (int) (position / chunkSize);
            if (index != cachedIndex) load(index);
            int offset = (int) (position - (long) index * chunkSize);
            int n = Math.min(dst.remaining(), cached.length - offset);
            if (n <= 0) throw new IOException("blob " + id + ": chunk " + index + " is shorter than recorded");
            dst.put(cached, offset, n);
            position += n;
            return n;
        }

        private void load(int index) throws IOException {
            try {
                select.setLong(1, id);
                select.setInt(2, index);
                try (ResultSet r = select.executeQuery()) {
                    if (!r.next()) throw new IOException("blob " + id + " lacks chunk " + index);
                    cached = r.getBytes(1);
                    cachedIndex = index;
                }
            } catch (SQLException e) {
                throw PgDatabase.failure(e);
            }
        }

        @Override
        public void close() {
            super.close();
            cached = null;
            try {
                select.close();
            } catch (SQLException ignored) {
                // closed with its connection anyway
            }
        }
    }
}
