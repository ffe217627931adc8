package org.lungfl.client;

import org.lungfl.core.UserFacingException;

/** The server refused a request, or could not be reached; the message says which and why. */
public final class FlClientException extends UserFacingException {
    static final String UNREACHABLE = "unreachable";
    static final String INTERRUPTED = "interrupted";

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
        this.error = UNREACHABLE;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /**
     * Whether another server (or the same one a little later) may answer: no answer at all, a
     * timeout, or a server-side failure (5xx, 503 while stopping). A 4xx is the request's fault
     * and would fail anywhere.
     */
    public boolean retryable() {
        return status == 0 ? UNREACHABLE.equals(error) : status >= 500;
    }

    /** The server's machine-readable error code ({@code plan_mismatch}, {@code invalid_update}, ...). */
    public String error() {
        return error;
    }
}
