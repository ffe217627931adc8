package org.lungfl.gui.site;

import java.util.Map;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/**
 * A locally trained model, already in the exact bytes that are sent: safetensors whose
 * {@code __metadata__} carries the update id, sample count, base version, plan fingerprint and
 * validation metrics (DESIGN.md). Sending the same bytes again is recognised by the server as a
 * duplicate, so "Send update" can always be pressed again safely.
 */
public record LocalUpdate(byte[] safetensors, String updateId, long baseVersion, long samples, String planFingerprint,
        Map<String, String> metadata) {
    public static LocalUpdate of(byte[] safetensors, String source) {
        Map<String, String> m;
        try {
            m = Map.copyOf(SafeTensors.read(safetensors).metadata());
            return new LocalUpdate(safetensors, require(m, "update_id", source), Long.parseLong(require(m, "base_version", source)),
                    Long.parseLong(require(m, "num_samples", source)), require(m, "plan_fingerprint", source), m);
        } catch (NumberFormatException e) {
            throw new UserFacingException(source + ": not a LungFL update (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            if (e instanceof UserFacingException u) throw u;
            throw new UserFacingException(source + ": not a LungFL update (" + e.getMessage() + ")", e);
        }
    }

    public Weights weights() {
        return SafeTensors.read(safetensors).weights();
    }

    private static String require(Map<String, String> m, String key, String source) {
        String v = m.get(key);
        if (v == null) throw new UserFacingException(source + ": not a LungFL update (no " + key + " in its metadata)");
        return v;
    }
}
