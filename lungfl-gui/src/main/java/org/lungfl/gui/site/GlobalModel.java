package org.lungfl.gui.site;

import java.time.Instant;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * A global model as downloaded (the server's safetensors, unchanged), when this site got it, and
 * the fingerprint of the plan it belongs to (null when the file does not say).
 */
public record GlobalModel(long version, byte[] safetensors, Instant downloadedAt, String planFingerprint) {
    public static GlobalModel of(long version, byte[] safetensors, Instant downloadedAt) {
        return new GlobalModel(version, safetensors, downloadedAt, SafeTensors.read(safetensors).metadata().get("plan_fingerprint"));
    }

    /** Whether it was made under {@code plan} (a file without a fingerprint is taken at its word). */
    public boolean fits(org.lungfl.core.plan.FederationPlan plan) {
        return planFingerprint == null || planFingerprint.equals(plan.fingerprint());
    }

    public Weights weights() {
        return SafeTensors.read(safetensors).weights();
    }
}
