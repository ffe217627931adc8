package org.lungfl.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.lungfl.core.metrics.MetricNames;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.model.WeightRules;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.SafeTensorsException;
import org.lungfl.core.weights.SafeTensorsFile;

/**
 * Everything an update file must satisfy before it may be queued, checked in the order that gives
 * the most useful answer: well-formed (400), for this plan (409), then values (422). Values are
 * read a slice at a time, so checking needs memory for a slice whatever the model's size. Whether
 * its base version is still kept depends on the queue's state and is checked there. The same checks
 * run on queued files at start (see {@link UpdateQueue}).
 *
 * <p>Messages never repeat free text from the sender (it could be patient data, and rejections are
 * audited): they name the field and say what is wrong.
 */
final class UpdateValidator {
    /** More samples than this in one site's round is not a hospital's CT archive but a bug or a lie. */
    static final long MAX_PLAUSIBLE_SAMPLES = 10_000_000L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** Canonical decimal digits: no sign, whitespace, leading zeros or non-ASCII digits. */
    private static final Pattern DIGITS = Pattern.compile("0|[1-9][0-9]*");
    private static final int SLICE = 1 << 14;

    /** An update that passed every check. */
    record Update(String clientId, String updateId, long numSamples, long baseVersion, String metrics) {}

    private final FederationPlan plan;
    private final String fingerprint;
    private final SafeTensors.Limits limits;

    UpdateValidator(FederationPlan plan, SafeTensors.Limits limits) {
        this.plan = plan;
        this.fingerprint = plan.fingerprint();
        this.limits = limits;
    }

    /** Checks an update file (an upload streamed to disk, or a queued file at start). */
    Update validate(Path file) {
        try (SafeTensorsFile f = SafeTensorsFile.open(file, limits)) {
            return validate(f);
        } catch (SafeTensorsException e) {
            throw ApiException.badRequest("not a valid safetensors file: " + withoutPath(e.getMessage(), file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(file + ": unreadable", e);
        }
    }

    private Update validate(SafeTensorsFile f) {
        Map<String, String> meta = f.metadata();
        String clientId = id(meta, "client_id");
        String updateId = id(meta, "update_id");
        long numSamples = number(meta, "num_samples");
        long baseVersion = number(meta, "base_version");
        String metrics = meta.get("metrics");

        String theirs = required(meta, "plan_fingerprint");
        List<String> differences = plan.modelSpec().differences(f.layout());
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
        if (metrics != null) {
            try {
                MetricNames.parse(metrics);
            } catch (MetricNames.InvalidMetrics e) {
                throw new ApiException(422, "invalid_metrics", e.getMessage());
            }
        }
        checkValues(f);
        return new Update(clientId, updateId, numSamples, baseVersion, metrics);
    }

    /** Every value against {@link WeightRules}, one slice at a time. */
    private static void checkValues(SafeTensorsFile f) {
        ByteBuffer scratch = ByteBuffer.allocate(SLICE * 8);
        float[] floats = new float[SLICE];
        long[] longs = new long[SLICE];
        for (TensorSpec t : f.layout()) {
            long n = Tensor.elementCount(t.shape());
            for (long from = 0; from < n; from += SLICE) {
                int len = (int) Math.min(SLICE, n - from);
                String wrong;
                if (t.dtype() == DType.F32) {
                    f.readFloats(t.name(), from, floats, len, scratch);
                    wrong = WeightRules.checkFloats(t.name(), floats, len, from);
                } else {
                    f.readLongs(t.name(), from, longs, len, scratch);
                    wrong = WeightRules.checkLongs(t.name(), longs, len, from);
                }
                if (wrong != null) throw ApiException.invalid(wrong);
            }
        }
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

    /**
     * Canonical decimal digits only: a queued file is parsed again at every start, so what is
     * accepted here must be exactly what {@link Long#parseLong} reads back.
     */
    static long number(Map<String, String> meta, String key) {
        String v = required(meta, key);
        if (v.length() <= 64 && DIGITS.matcher(v).matches()) {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException tooLarge) {
                throw ApiException.badRequest("__metadata__ '" + key + "' is out of range (" + v.length() + " digits)");
            }
        }
        String what = v.isEmpty() ? "is empty" : v.chars().anyMatch(Character::isWhitespace) ? "contains whitespace"
                : v.startsWith("-") || v.startsWith("+") ? "has a sign" : v.matches("0[0-9]+") ? "has leading zeros"
                : v.chars().anyMatch(c -> c > 127) ? "contains non-ASCII characters" : "is not an integer";
        throw ApiException.badRequest("__metadata__ '" + key + "' " + what + "; it must be canonical decimal digits such as '42'");
    }

    private static String withoutPath(String message, Path file) {
        String p = file + ": ";
        return message.startsWith(p) ? message.substring(p.length()) : message;
    }

    private static String abbreviate(String s) {
        String safe = s.matches("[0-9a-fA-F]{1,64}") ? s : "(not a hex digest)";
        return safe.length() <= 16 ? safe : safe.substring(0, 16) + "…";
    }
}
