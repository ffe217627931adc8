package org.lungfl.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors Jetty answers itself, before any route runs (a bad Content-Length, headers too large, an
 * ambiguous path), as JSON {@code {error, detail}} like every other error, instead of Jetty's HTML.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    JsonErrorHandler() {
        setShowStacks(false);
        setShowServlet(false);
    }

    static byte[] body(int status, String reason) {
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> status >= 500 ? "internal" : "http_" + status;
        };
        String detail = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
        try {
            return JSON.writeValueAsBytes(JSON.createObjectNode().put("error", code).put("detail", detail));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Malformed requests rejected by the HTTP parser. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** Errors raised inside Jetty's request handling (sendError) outside any route. */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code,
            String message) throws IOException {
        byte[] b = body(code, message);
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.setContentLength(b.length);
        response.getOutputStream().write(b);
    }

    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code,
            String message, String contentType) throws IOException {
        generateAcceptableResponse(baseRequest, request, response, code, message);
    }
}
