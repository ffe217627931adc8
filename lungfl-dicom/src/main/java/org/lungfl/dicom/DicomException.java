package org.lungfl.dicom;

import java.nio.file.Path;
import org.lungfl.core.UserFacingException;

/** A DICOM file that cannot be read; the message is "FILE: reason" on one line. */
public class DicomException extends UserFacingException {
    private final transient Path file;

    public DicomException(Path file, String reason) {
        super((file == null ? "<stream>" : file.toString()) + ": " + reason);
        this.file = file;
    }

    public DicomException(Path file, String reason, Throwable cause) {
        super((file == null ? "<stream>" : file.toString()) + ": " + reason, cause);
        this.file = file;
    }

    /** The file, or null when reading a stream. */
    public Path file() {
        return file;
    }
}
