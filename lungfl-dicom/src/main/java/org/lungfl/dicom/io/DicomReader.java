package org.lungfl.dicom.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.lungfl.dicom.DicomException;

/**
 * Reads DICOM Part 10 files (and raw data sets without preamble when their first bytes say so)
 * into a {@link DicomFile}. Element values, including Pixel Data, stay where they were read and
 * frames are decoded only when asked for.
 *
 * <p>Strict and bounded: every length is checked against the bytes present before it is used, so
 * a hostile or truncated file ends in a one-line {@link DicomException}, never in a huge
 * allocation or a loop. Only regular files are opened (a FIFO would block forever). Files up to
 * {@link #IN_MEMORY_BYTES} are read into memory; larger ones are memory-mapped, so the heap holds
 * only what a decoded frame needs, whatever the file's size.
 */
public final class DicomReader {
    /** Deflated data sets may inflate to at most this many bytes (a deflate bomb stops here). */
    public static final int MAX_INFLATED_BYTES = 256 << 20;
    /** Larger files are memory-mapped rather than read. */
    static final long IN_MEMORY_BYTES = 64L << 20;

    private DicomReader() {}

    public static DicomFile read(Path path) throws DicomException {
        FileKind.requireRegular(path);
        ByteBuffer bytes;
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 16)
                throw new DicomException(path, "file of " + size + " bytes is larger than the 2 GB a DICOM file may have here");
            if (size <= IN_MEMORY_BYTES) {
                bytes = ByteBuffer.wrap(Files.readAllBytes(path));
            } else {
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                    bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DicomException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new DicomException(path, "permission denied");
        } catch (IOException e) {
            throw new DicomException(path, "cannot read: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new DicomException(path, "not enough memory to read it (" + e.getMessage() + ")");
        }
        return new Parser(bytes, path).parseFile();
    }

    /** Parses a file already in memory; {@code name} only names it in error messages (may be null). */
    public static DicomFile read(byte[] bytes, Path name) throws DicomException {
        return new Parser(ByteBuffer.wrap(bytes), name).parseFile();
    }

    /** Parses only as far as the header: the same checks, for callers that want the DicomObject. */
    public static DicomObject readDataset(byte[] bytes, Path name) throws DicomException {
        return ((ParsedDicomFile) read(bytes, name)).dataset();
    }
}
