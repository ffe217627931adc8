package org.lungfl.dicom.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.lungfl.dicom.DicomException;

/**
 * What a path is, before anything opens it: opening a FIFO blocks until a writer comes, a
 * device may never end, and a symbolic link loop cannot be read at all. Only regular files
 * (directly or through symbolic links) are DICOM files to LungFL.
 */
public final class FileKind {
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    private FileKind() {}

    /** Why {@code path} is not a regular file after following symbolic links, or null when it is one. */
    public static String whyNotRegular(Path path) {
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (a.isRegularFile()) return null;
            if (a.isDirectory()) return "is a directory, not a file";
            return "is " + special(path) + ", not a regular file";
        } catch (NoSuchFileException e) {
            return Files.isSymbolicLink(path) ? "is a broken symbolic link" : "no such file";
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (FileSystemException e) {
            String reason = e.getReason() == null ? "" : e.getReason();
            if (reason.toLowerCase(java.util.Locale.ROOT).contains("symbolic links")) return "is a symbolic link loop (" + reason + ")";
            return "cannot be examined: " + (reason.isEmpty() ? e.getMessage() : reason);
        } catch (IOException e) {
            return "cannot be examined: " + e.getMessage();
        }
    }

    static void requireRegular(Path path) throws DicomException {
        String why = whyNotRegular(path);
        if (why != null) throw new DicomException(path, why);
    }

    private static String special(Path path) {
        try {
            int type = ((Integer) Files.getAttribute(path, "unix:mode")) & S_IFMT;
            return switch (type) {
                case S_IFIFO -> "a FIFO (named pipe)";
                case S_IFSOCK -> "a socket";
                case S_IFCHR -> "a character device";
                case S_IFBLK -> "a block device";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            return "a special file";
        }
    }
}
