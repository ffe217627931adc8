package org.lungfl.core;

/**
 * An expected failure whose message is complete on its own (names the file, field or value and
 * the reason). The CLI prints the message as one line, without a stack trace.
 */
public class UserFacingException extends RuntimeException {
    public UserFacingException(String message) {
        super(message);
    }

    public UserFacingException(String message, Throwable cause) {
        super(message, cause);
    }
}
