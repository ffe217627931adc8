package org.lungfl.dicom.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.lungfl.dicom.DicomException;

/**
 * Reads DICOM Part 10 files (and raw data sets without preamble when their first bytes say so)
 * into a {@link DicomFile}. The file is read once into memory; element values, including Pixel
 * Data, stay in that array and frames are decoded only when asked for.
 *
 * <p>Strict and bounded: every length is checked against the bytes present before it is used, so
 * a hostile or truncated file ends in a one-line {@link DicomException}, never in a huge
 * allocation or a loop.
 */
public final class DicomReader {
    /** Deflated data sets may inflate to at most this many bytes (a deflate bomb stops here). */
    public static final int MAX_INFLATED_BYTES = 256 << 20;

    private DicomReader() {}

    public static DicomFile read(Path path) throws DicomException {
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) throw new DicomException(path, "is a directory, not a file");
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 16)
                throw new DicomException(path, "file of " + size + " bytes is larger than the 2 GB a DICOM file may have here");
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new DicomException(path, "no such file");
        } catch (AccessDeniedException e) {
            throw new DicomException(path, "permission denied");
        } catch (IOException e) {
            throw new DicomException(path, "cannot read: " + e.getMessage());
        }
        return read(bytes, path);
    }

    /** Parses a file already in memory; {@code name} only names it in error messages (may be null). */
    public static DicomFile read(byte[] bytes, Path name) throws DicomException {
        return new Parser(bytes, name).parseFile();
    }

    /** Parses only as far as the header: the same checks, for callers that want the DicomObject. */
    public static DicomObject readDataset(byte[] bytes, Path name) throws DicomException {
        return ((ParsedDicomFile) read(bytes, name)).dataset();
    }
}
