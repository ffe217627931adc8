package org.lungfl.core.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.model.TensorSpec;

/**
 * Everything that must be identical across a federation (DESIGN.md, "The plan"): architecture,
 * preprocessing, training defaults, aggregation and the initialisation seed. The server owns it and
 * serves it at {@code GET /plan}; clients preprocess and train by it.
 */
public record FederationPlan(
        @JsonProperty("name") String name,
        @JsonProperty("architecture") String architecture,
        @JsonProperty("seed") long seed,
        @JsonProperty("preprocess") Preprocess preprocess,
        @JsonProperty("train") Train train,
        @JsonProperty("aggregation") Aggregation aggregation) {

    public static final List<String> PRESETS = List.of("demo", "standard");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public FederationPlan {
        require(name != null && !name.isBlank(), "name", "must be set");
        require(architecture != null && ModelSpec.isKnown(architecture), "architecture",
                "must name a known architecture (" + ModelSpec.CNN3D_V1 + "), not '" + architecture + "'");
        Objects.requireNonNull(preprocess, "preprocess");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(aggregation, "aggregation");
    }

    /** The model's input is one channel of the preprocessed volume: {@code [1, D, H, W]}. */
    @JsonIgnore
    public int[] inputShape() {
        int[] s = preprocess.targetShape();
        return new int[] {1, s[0], s[1], s[2]};
    }

    @JsonIgnore
    public ModelSpec modelSpec() {
        return ModelSpec.of(architecture);
    }

    /** Global version 0: the architecture's deterministic initialisation with this plan's seed. */
    public org.lungfl.core.weights.Weights initialWeights() {
        return modelSpec().initialWeights(seed);
    }

    /** A preset name ({@code demo}, {@code standard}) or the path of a plan JSON file. */
    public static FederationPlan load(String presetOrFile) {
        if (PRESETS.contains(presetOrFile)) return preset(presetOrFile);
        Path file = Path.of(presetOrFile);
        if (!Files.isRegularFile(file)) {
            throw new UserFacingException("plan '" + presetOrFile + "': not a preset (" + String.join(", ", PRESETS)
                    + ") and no such file");
        }
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UserFacingException("plan " + file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static FederationPlan preset(String name) {
        try (InputStream in = FederationPlan.class.getResourceAsStream(name + ".json")) {
            if (in == null) throw new UserFacingException("no plan preset named '" + name + "'");
            return parse(in.readAllBytes(), "preset " + name);
        } catch (IOException e) {
            throw new IllegalStateException("preset " + name + " unreadable", e);
        }
    }

    public static FederationPlan parse(byte[] json, String source) {
        try {
            return JSON.readValue(json, FederationPlan.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            // A record refused a value: its own message names the field.
            Throwable why = e.getCause() == null ? e : e.getCause();
            throw new UserFacingException("plan " + source + ": " + why.getMessage(), e);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new UserFacingException("plan " + source + ": unknown field '" + path(e) + "'", e);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            // Jackson's path already ends in the offending field, missing or mistyped.
            String msg = e.getOriginalMessage();
            String what = msg.startsWith("Missing creator property") ? "is missing" : "has the wrong type";
            throw new UserFacingException("plan " + source + ": field '" + path(e) + "' " + what, e);
        } catch (JsonProcessingException e) {
            throw new UserFacingException("plan " + source + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"), e);
        } catch (IllegalArgumentException e) {
            throw new UserFacingException("plan " + source + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UserFacingException("plan " + source + ": " + e.getMessage(), e);
        }
    }

    private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() == null) continue;
            if (b.length() > 0) b.append('.');
            b.append(ref.getFieldName());
        }
        return b.toString();
    }

    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * SHA-256 (hex) of the parts that make two participants' weights and inputs compatible: the
     * architecture with its tensor names, dtypes and shapes, and the preprocessing. Training and
     * aggregation settings may differ without making an update meaningless, so they are left out.
     */
    @JsonIgnore
    public String fingerprint() {
        ObjectNode node = JSON.createObjectNode();
        node.put("architecture", architecture);
        var tensors = node.putArray("tensors");
        for (TensorSpec t : modelSpec().tensors()) {
            var e = tensors.addArray().add(t.name()).add(t.dtype().name());
            var shape = e.addArray();
            for (int d : t.shape()) shape.add(d);
        }
        node.set("preprocess", JSON.valueToTree(preprocess));
        return sha256Hex(canonical(node));
    }

    /** The preprocessing half of the fingerprint: a dataset cache is valid for exactly this. */
    @JsonIgnore
    public String preprocessFingerprint() {
        return sha256Hex(canonical(JSON.valueToTree(preprocess)));
    }

    private static byte[] canonical(JsonNode node) {
        try {
            // Re-reading into a sorted map gives one byte sequence per logical value.
            Object sorted = JSON.treeToValue(node, Object.class);
            return JSON.writeValueAsString(sorted).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void require(boolean ok, String field, String what) {
        if (!ok) throw new IllegalArgumentException("field '" + field + "' " + what);
    }

    /**
     * Preprocessing of a CT volume (Zuidhof's DSB2017 recipe): resample to {@code spacing_mm}
     * (z, y, x) trilinearly, clip HU to {@code hu_window}, scale to [0, 1], subtract {@code mean},
     * then crop or pad to {@code target_shape} (D, H, W) about the body centre.
     */
    public record Preprocess(
            @JsonProperty("spacing_mm") double[] spacingMm,
            @JsonProperty("target_shape") int[] targetShape,
            @JsonProperty("hu_window") double[] huWindow,
            @JsonProperty("mean") double mean) {
        public Preprocess {
            require(spacingMm != null && spacingMm.length == 3, "preprocess.spacing_mm", "must be [z, y, x]");
            for (double s : spacingMm) require(s > 0 && s <= 50, "preprocess.spacing_mm", "values must be in (0, 50] mm");
            require(targetShape != null && targetShape.length == 3, "preprocess.target_shape", "must be [D, H, W]");
            for (int s : targetShape) require(s >= 8 && s <= 1024, "preprocess.target_shape", "values must be in [8, 1024]");
            require(huWindow != null && huWindow.length == 2 && huWindow[0] < huWindow[1],
                    "preprocess.hu_window", "must be [low, high] with low < high");
            require(Double.isFinite(mean), "preprocess.mean", "must be a finite number");
        }

        public double huLow() { return huWindow[0]; }

        public double huHigh() { return huWindow[1]; }

        @Override
        public boolean equals(Object o) {
            return o instanceof Preprocess p && java.util.Arrays.equals(spacingMm, p.spacingMm)
                    && java.util.Arrays.equals(targetShape, p.targetShape)
                    && java.util.Arrays.equals(huWindow, p.huWindow) && Double.compare(mean, p.mean) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(java.util.Arrays.hashCode(spacingMm), java.util.Arrays.hashCode(targetShape),
                    java.util.Arrays.hashCode(huWindow), mean);
        }

        @Override
        public String toString() {
            return "Preprocess[spacing_mm=" + java.util.Arrays.toString(spacingMm) + ", target_shape="
                    + java.util.Arrays.toString(targetShape) + ", hu_window=" + java.util.Arrays.toString(huWindow)
                    + ", mean=" + mean + "]";
        }
    }

    /** Local training defaults; a client may be told to override epochs, not the rest. */
    public record Train(
            @JsonProperty("epochs_per_round") int epochsPerRound,
            @JsonProperty("batch_size") int batchSize,
            @JsonProperty("learning_rate") double learningRate,
            @JsonProperty("fedprox_mu") double fedproxMu,
            @JsonProperty("validation_fraction") double validationFraction,
            @JsonProperty("augment") boolean augment) {
        public Train {
            require(epochsPerRound >= 1, "train.epochs_per_round", "must be >= 1");
            require(batchSize >= 1, "train.batch_size", "must be >= 1");
            require(learningRate > 0 && learningRate < 1, "train.learning_rate", "must be in (0, 1)");
            require(fedproxMu >= 0, "train.fedprox_mu", "must be >= 0");
            require(validationFraction >= 0 && validationFraction < 1, "train.validation_fraction", "must be in [0, 1)");
        }
    }

    /**
     * Server-side aggregation (docs/aggregation.md): the strategy, the staleness exponent {@code a} of
     * DESIGN.md, the chosen strategy's parameters (its section only; filled with defaults when
     * absent), update screening, FedBN and DP-FedAvg. Parsed by {@link AggregationOptions#read} so
     * that every field but {@code strategy} may be left out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Aggregation(
            @JsonProperty("strategy") String strategy,
            @JsonProperty("staleness_exponent") double stalenessExponent,
            @JsonProperty("trimmed_mean") AggregationOptions.TrimmedMean trimmedMean,
            @JsonProperty("krum") AggregationOptions.Krum krum,
            @JsonProperty("clipping") AggregationOptions.Clipping clipping,
            @JsonProperty("server_optimizer") AggregationOptions.ServerOptimizer serverOptimizer,
            @JsonProperty("screening") AggregationOptions.Screening screening,
            @JsonProperty("fedbn") boolean fedbn,
            @JsonProperty("dp") AggregationOptions.DifferentialPrivacy dp) {
        public Aggregation {
            require(strategy != null && !strategy.isBlank(), "aggregation.strategy", "must be set");
            require(AggregationOptions.STRATEGIES.contains(strategy), "aggregation.strategy",
                    "must be one of " + String.join(", ", AggregationOptions.STRATEGIES) + ", not '" + strategy + "'");
            require(stalenessExponent >= 0 && Double.isFinite(stalenessExponent), "aggregation.staleness_exponent", "must be >= 0");
            trimmedMean = section(strategy, "trimmed_mean", trimmedMean, AggregationOptions.TrimmedMean.DEFAULT, AggregationOptions.TRIMMED_MEAN);
            krum = section(strategy, "krum", krum, AggregationOptions.Krum.DEFAULT, AggregationOptions.KRUM, AggregationOptions.MULTI_KRUM);
            clipping = section(strategy, "clipping", clipping, AggregationOptions.Clipping.DEFAULT, AggregationOptions.CLIPPED_FEDAVG);
            serverOptimizer = section(strategy, "server_optimizer", serverOptimizer, AggregationOptions.ServerOptimizer.DEFAULT,
                    AggregationOptions.FEDADAM, AggregationOptions.FEDYOGI);
            if (krum != null && strategy.equals(AggregationOptions.KRUM)) {
                require(krum.selected() <= 1, "aggregation.krum.selected", "is for multi-krum; krum selects exactly one update");
            }
            if (screening == null) screening = AggregationOptions.Screening.DEFAULT;
            require(dp == null || AggregationOptions.DP_STRATEGIES.contains(strategy), "aggregation.dp",
                    "applies to the averaging strategies (" + String.join(", ", AggregationOptions.DP_STRATEGIES) + "), not to '" + strategy
                            + "': its noise is calibrated to a sum of clipped deltas");
        }

        /** The plan's own strategy with every option at its default. */
        public Aggregation(String strategy, double stalenessExponent) {
            this(strategy, stalenessExponent, null, null, null, null, null, false, null);
        }

        @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static Aggregation fromJson(JsonNode node) {
            return AggregationOptions.read(node);
        }

        /** A strategy's section: defaulted when that strategy is chosen, refused when another one is. */
        private static <T> T section(String strategy, String field, T value, T dflt, String... owners) {
            boolean owned = java.util.Arrays.asList(owners).contains(strategy);
            require(owned || value == null, "aggregation." + field, "is set but strategy '" + strategy + "' does not use it (it is for "
                    + String.join(", ", owners) + ")");
            return owned && value == null ? dflt : value;
        }
    }
}
