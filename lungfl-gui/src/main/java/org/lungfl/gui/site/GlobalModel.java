package org.lungfl.gui.site;

import java.time.Instant;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/** A global model as downloaded (the server's safetensors, unchanged) and when this site got it. */
public record GlobalModel(long version, byte[] safetensors, Instant downloadedAt) {
    public Weights weights() {
        return SafeTensors.read(safetensors).weights();
    }
}
