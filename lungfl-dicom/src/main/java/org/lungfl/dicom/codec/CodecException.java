package org.lungfl.dicom.codec;

/** A compressed frame that cannot be decoded; the reader adds the file name. */
public class CodecException extends Exception {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
