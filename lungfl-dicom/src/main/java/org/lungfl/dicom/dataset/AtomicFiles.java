package org.lungfl.dicom.dataset;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Write-to-temp, fsync, rename: readers see the old file or the whole new one, never a part. */
final class AtomicFiles {
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    static void write(Path target, Body body) throws IOException {
        write(target, body, true);
    }

    /**
     * {@code durable == false} skips the fsync: the rename still makes the file appear whole or
     * not at all when the process dies, only a power cut can leave it short. Right for data the
     * cache can rebuild (volumes, patches; a short file fails its size check and is re-imported),
     * where fsync would cost about 25 ms per MB on these disks.
     */
    static void write(Path target, Body body, boolean durable) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                if (durable) ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
