package org.lungfl.client;

import org.lungfl.core.UserFacingException;

/** The server refused a request, or could not be reached; the message says which and why. */
public final class FlClientException extends UserFacingException {
    private final int status;
    private final String error;

    public FlClientException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public FlClientException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.error = "unreachable";
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The server's machine-readable error code ({@code plan_mismatch}, {@code invalid_update}, ...). */
    public String error() {
        return error;
    }
}
