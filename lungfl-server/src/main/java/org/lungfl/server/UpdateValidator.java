package org.lungfl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsException;

/**
 * Everything an upload must satisfy before it may be queued, checked in the order that gives the
 * most useful answer: well-formed (400), for this plan (409), then values (422). Whether its base
 * version is still kept depends on the queue's state and is checked there.
 */
final class UpdateValidator {
    /** More samples than this in one site's round is not a hospital's CT archive but a bug or a lie. */
    static final long MAX_PLAUSIBLE_SAMPLES = 10_000_000L;
    static final int MAX_METRICS_CHARS = 4096;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An upload that passed every check. */
    record Update(String clientId, String updateId, long numSamples, long baseVersion, String metrics) {}

    private final FederationPlan plan;
    private final String fingerprint;
    private final SafeTensors.Limits limits;

    UpdateValidator(FederationPlan plan, SafeTensors.Limits limits) {
        this.plan = plan;
        this.fingerprint = plan.fingerprint();
        this.limits = limits;
    }

    Update validate(byte[] body) {
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(body, limits);
        } catch (SafeTensorsException e) {
            throw ApiException.badRequest("not a valid safetensors file: " + e.getMessage());
        }
        Map<String, String> meta = c.metadata();
        String clientId = id(meta, "client_id");
        String updateId = id(meta, "update_id");
        long numSamples = number(meta, "num_samples");
        long baseVersion = number(meta, "base_version");
        String metrics = meta.get("metrics");
        if (metrics != null) checkMetrics(metrics);

        String theirs = required(meta, "plan_fingerprint");
        List<String> differences = plan.modelSpec().differences(c.weights());
        if (!theirs.equals(fingerprint)) {
            throw new ApiException(409, "plan_mismatch", "update made for plan fingerprint " + abbreviate(theirs)
                    + " but this server runs plan '" + plan.name() + "' (fingerprint " + abbreviate(fingerprint) + ", architecture "
                    + plan.architecture() + ", target_shape " + java.util.Arrays.toString(plan.preprocess().targetShape())
                    + ", spacing_mm " + java.util.Arrays.toString(plan.preprocess().spacingMm()) + ")"
                    + (differences.isEmpty() ? "; the tensors match, so preprocessing differs" : "; " + String.join("; ", differences))
                    + "; fetch GET /plan");
        }
        if (!differences.isEmpty()) throw ApiException.invalid("tensors differ from the plan's model: " + String.join("; ", differences));
        if (numSamples < 1) throw ApiException.invalid("num_samples is " + numSamples + ", must be at least 1");
        if (numSamples > MAX_PLAUSIBLE_SAMPLES) {
            throw ApiException.invalid("num_samples " + numSamples + " is implausible (over " + MAX_PLAUSIBLE_SAMPLES + ")");
        }
        if (baseVersion < 0) throw ApiException.invalid("base_version is " + baseVersion + ", must be >= 0");
        for (Tensor t : c.weights().tensors()) {
            if (t.dtype() != DType.F32) continue;
            float[] v = t.floats();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw ApiException.invalid("tensor '" + t.name() + "' holds " + v[i] + " at index " + i + "; every value must be finite");
                }
            }
        }
        return new Update(clientId, updateId, numSamples, baseVersion, metrics);
    }

    private static String required(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw ApiException.badRequest("__metadata__ lacks '" + key + "'");
        return v;
    }

    private static String id(Map<String, String> meta, String key) {
        String v = required(meta, key);
        if (!ID.matcher(v).matches()) {
            throw ApiException.badRequest("__metadata__ '" + key + "' must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        return v;
    }

    private static long number(Map<String, String> meta, String key) {
        String v = required(meta, key);
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("__metadata__ '" + key + "' is not an integer: '" + abbreviate(v) + "'");
        }
    }

    private static void checkMetrics(String metrics) {
        if (metrics.length() > MAX_METRICS_CHARS) throw ApiException.badRequest("metrics longer than " + MAX_METRICS_CHARS + " characters");
        try {
            JsonNode n = JSON.readTree(metrics);
            if (n == null || !n.isObject()) throw ApiException.badRequest("metrics must be a JSON object");
        } catch (IOException e) {
            throw ApiException.badRequest("metrics is not valid JSON");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 16 ? s : s.substring(0, 16) + "…";
    }
}
