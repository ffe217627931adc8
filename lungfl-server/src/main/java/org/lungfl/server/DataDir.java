package org.lungfl.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.lungfl.core.UserFacingException;

/**
 * The server's data directory is private: directories 0700, files 0600 (tokens, audit, queue,
 * versions), because an update is a hospital's model and the audit log names the sites. Locks
 * here keep two processes from interleaving their writes: one server per data dir, and one
 * read-modify-write of the token file at a time.
 */
final class DataDir {
    static final String SERVER_LOCK = "server.lock";
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DataDir() {}

    /** Attributes that create a file readable and writable by the owner only (none off POSIX). */
    static FileAttribute<?>[] privateFile() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /** Creates {@code dir} and any missing parents, each new one 0700; an existing {@code dir} is made 0700. */
    static Path create(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (!Files.isDirectory(abs)) {
            if (abs.getParent() != null && !Files.isDirectory(abs.getParent())) create(abs.getParent());
            try {
                if (POSIX) Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(DIR));
                else Files.createDirectory(abs);
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it meanwhile
            }
        }
        if (POSIX) Files.setPosixFilePermissions(abs, DIR);
        return dir;
    }

    /** Attributes that create a directory only its owner may enter (none off POSIX). */
    static FileAttribute<?>[] privateDirectory() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)} : new FileAttribute<?>[0];
    }

    /** Makes an existing file private (files written before permissions were enforced). */
    static void restrict(Path file) throws IOException {
        if (POSIX && Files.isRegularFile(file)) Files.setPosixFilePermissions(file, FILE);
    }

    /** An exclusive lock on a lock file, shared by threads of this JVM and honoured by other processes. */
    static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        /** Waits for the lock. */
        static Lock acquire(Path lockFile) throws IOException {
            FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), privateFile());
            try {
                return new Lock(ch, ch.lock());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /** Takes the lock or returns null at once when another holder has it. */
        static Lock tryAcquire(Path lockFile) throws IOException {
            FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), privateFile());
            try {
                FileLock l = ch.tryLock();
                if (l != null) return new Lock(ch, l);
            } catch (OverlappingFileLockException heldHere) {
                // held by this JVM
            }
            ch.close();
            return null;
        }

        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /** One server per data dir: held for the server's life; released by the OS even after kill -9. */
    static Lock lockForServer(Path dataDir) throws IOException {
        Lock l = Lock.tryAcquire(dataDir.resolve(SERVER_LOCK));
        if (l == null) {
            throw new UserFacingException("data dir " + dataDir + " is in use by another LungFL server (it holds " + SERVER_LOCK
                    + "); stop that one or use another --data-dir");
        }
        return l;
    }
}
