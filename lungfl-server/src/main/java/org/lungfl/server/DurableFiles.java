package org.lungfl.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The one way the server puts a file on disk: write a temporary file in the same directory, fsync
 * it, rename it over the final name atomically, fsync the directory. A reader (or a restart after
 * kill -9) sees either nothing or the whole file; temporaries left by a crash are deleted on start.
 * Files are created 0600 (see {@link DataDir}).
 */
final class DurableFiles {
    static final String TEMP_PREFIX = ".tmp-";

    private DurableFiles() {}

    interface Writer {
        void write(FileChannel out) throws IOException;
    }

    /** Writes and fsyncs a temporary file next to where it will be committed. */
    static Path writeTemp(Path dir, Writer writer) throws IOException {
        Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                DataDir.privateFile())) {
            writer.write(ch);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    static Path writeTemp(Path dir, byte[] bytes) throws IOException {
        return writeTemp(dir, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Atomically renames a fsynced temporary to its final name and makes the rename durable. */
    static void commit(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.getParent());
    }

    static void write(Path target, byte[] bytes) throws IOException {
        commit(writeTemp(target.getParent(), bytes), target);
    }

    static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) syncDirectory(file.getParent());
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Deletes temporaries a crash left behind; returns how many. */
    static int removeTemps(Path dir) throws IOException {
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path f : files) {
                Files.delete(f);
                n++;
            }
        }
        if (n > 0) syncDirectory(dir);
        return n;
    }
}
