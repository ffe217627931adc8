package org.lungfl.server;

/** A refused request: HTTP status, a short machine-readable code and a one-line detail for people. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final long retryAfterSeconds;

    public ApiException(int status, String error, String detail) {
        this(status, error, detail, -1);
    }

    /** A refusal worth retrying later: answered with {@code Retry-After: retryAfterSeconds}. */
    public ApiException(int status, String error, String detail, long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds for a Retry-After header, or -1 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String detail() {
        return getMessage();
    }

    static ApiException badRequest(String detail) {
        return new ApiException(400, "malformed", detail);
    }

    static ApiException invalid(String detail) {
        return new ApiException(422, "invalid_update", detail);
    }
}
