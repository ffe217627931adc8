package org.lungfl.core.weights;

import org.lungfl.core.UserFacingException;

/** A safetensors file that breaks the format or a bound; the message names the part. */
public class SafeTensorsException extends UserFacingException {
    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
