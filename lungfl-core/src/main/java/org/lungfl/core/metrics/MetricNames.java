package org.lungfl.core.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The metrics a client may report with an update ({@code __metadata__.metrics}): the one list both
 * the client (which writes them) and the server (which refuses anything else with 422) use. A
 * metrics document is a flat JSON object of these names with finite numbers in each one's range;
 * nothing else, so no free text (a note, a name, an ID) can travel from one hospital to the others.
 */
public final class MetricNames {
    /** Longest metrics document accepted, in characters. */
    public static final int MAX_CHARS = 4096;
    /** Largest count accepted (samples, patches, candidates, patients of one site in one round). */
    public static final long MAX_COUNT = 1_000_000_000L;

    /** What values a metric may take. */
    public enum Range {
        /** A whole number in [0, {@link #MAX_COUNT}]. */
        COUNT,
        /** A number in [0, 1]: AUC, accuracy, sensitivity, specificity, Brier score. */
        UNIT,
        /** A finite number ≥ 0: a loss. */
        NON_NEGATIVE;

        /** Null when {@code v} is in range, else what is wrong with it. */
        String check(double v, boolean integral) {
            if (!Double.isFinite(v)) return "is not a finite number";
            return switch (this) {
                case COUNT -> !integral || v < 0 || v > MAX_COUNT ? "must be a whole number in [0, " + MAX_COUNT + "]" : null;
                case UNIT -> v < 0 || v > 1 ? "must be in [0, 1]" : null;
                case NON_NEGATIVE -> v < 0 ? "must be >= 0" : null;
            };
        }

        public String describe() {
            return switch (this) {
                case COUNT -> "count, a whole number in [0, 10^9]";
                case UNIT -> "in [0, 1]";
                case NON_NEGATIVE -> "finite, >= 0";
            };
        }
    }

    public static final String TRAIN_LOSS = "train_loss";
    public static final String TRAIN_SAMPLES = "train_samples";
    public static final String TRAIN_PATCHES = "train_patches";
    public static final String VAL_SAMPLES = "val_samples";
    public static final String VAL_PATIENTS = "val_patients";
    public static final String VAL_CANDIDATES = "val_candidates";
    public static final String VAL_AUC = "val_auc";
    public static final String VAL_CANDIDATE_AUC = "val_candidate_auc";
    /** The validation AUC of the global model an update started from (a site keeps the best global model by it). */
    public static final String BASE_VAL_AUC = "base_val_auc";
    public static final String VAL_LOG_LOSS = "val_log_loss";
    public static final String VAL_BRIER = "val_brier";
    public static final String VAL_ACCURACY = "val_accuracy";
    public static final String VAL_SENSITIVITY = "val_sensitivity";
    public static final String VAL_SPECIFICITY = "val_specificity";

    /** Every known metric with its range, in documentation order. */
    public static final Map<String, Range> KNOWN;

    static {
        Map<String, Range> m = new LinkedHashMap<>();
        m.put(TRAIN_LOSS, Range.NON_NEGATIVE);
        m.put(TRAIN_SAMPLES, Range.COUNT);
        m.put(TRAIN_PATCHES, Range.COUNT);
        m.put(VAL_SAMPLES, Range.COUNT);
        m.put(VAL_PATIENTS, Range.COUNT);
        m.put(VAL_CANDIDATES, Range.COUNT);
        m.put(VAL_AUC, Range.UNIT);
        m.put(VAL_CANDIDATE_AUC, Range.UNIT);
        m.put(BASE_VAL_AUC, Range.UNIT);
        m.put(VAL_LOG_LOSS, Range.NON_NEGATIVE);
        m.put(VAL_BRIER, Range.UNIT);
        m.put(VAL_ACCURACY, Range.UNIT);
        m.put(VAL_SENSITIVITY, Range.UNIT);
        m.put(VAL_SPECIFICITY, Range.UNIT);
        KNOWN = Collections.unmodifiableMap(m);
    }

    /** A name is echoed in an error only when it cannot be free text from the sender. */
    private static final Pattern ECHOABLE = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    private static final JsonFactory STRICT = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).maxNumberLength(64).build())
            .build();

    private MetricNames() {}

    /** A metrics document that broke the rules; the message never repeats what the sender wrote. */
    public static final class InvalidMetrics extends IllegalArgumentException {
        InvalidMetrics(String message) {
            super(message);
        }
    }

    /**
     * Parses and checks a metrics document: one flat JSON object (nothing after it), known names
     * only, each once, each a finite number in its range.
     *
     * @return the metrics by name, in document order
     * @throws InvalidMetrics naming the rule broken (and the metric, when it is a known one)
     */
    public static Map<String, Double> parse(String json) {
        if (json.length() > MAX_CHARS) throw new InvalidMetrics("metrics longer than " + MAX_CHARS + " characters");
        Map<String, Double> out = new LinkedHashMap<>();
        try (JsonParser p = STRICT.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new InvalidMetrics("metrics must be a JSON object");
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                Range range = KNOWN.get(name);
                if (range == null) {
                    throw new InvalidMetrics((ECHOABLE.matcher(name).matches() ? "unknown metric '" + name + "'" : "an unknown metric name")
                            + "; known: " + String.join(", ", KNOWN.keySet()));
                }
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw new InvalidMetrics("metric '" + name + "' must be a number");
                }
                double d = p.getValueAsDouble();
                boolean integral = v == JsonToken.VALUE_NUMBER_INT || d == Math.rint(d);
                String wrong = range.check(d, integral);
                if (wrong != null) throw new InvalidMetrics("metric '" + name + "' " + wrong);
                out.put(name, d);
            }
            if (p.nextToken() != null) throw new InvalidMetrics("metrics has content after its JSON object");
        } catch (InvalidMetrics e) {
            throw e;
        } catch (IOException e) {
            // Jackson's message quotes the input: say only what kind of problem it is.
            String m = e.getMessage() == null ? "" : e.getMessage();
            throw new InvalidMetrics(m.startsWith("Duplicate field") ? "metrics names a metric twice" : "metrics is not valid JSON");
        }
        return out;
    }

    /** Whether a name is a known metric. */
    public static boolean isKnown(String name) {
        return KNOWN.containsKey(name);
    }
}
