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
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FederationPlan(
        @JsonProperty(value = "name", required = true) String name,
        @JsonProperty(value = "architecture", required = true) String architecture,
        @JsonProperty(value = "seed", required = true) long seed,
        @JsonProperty(value = "preprocess", required = true) Preprocess preprocess,
        @JsonProperty("candidates") Candidates candidates,
        @JsonProperty("patch") Patch patch,
        @JsonProperty(value = "train", required = true) Train train,
        @JsonProperty(value = "aggregation", required = true) Aggregation aggregation) {

    /** {@code demo} and {@code standard} are lesion-centred; {@code whole-volume} is cnn3d-v1 on the chest. */
    public static final List<String> PRESETS = List.of("demo", "standard", "whole-volume");

    // Optional sections (candidates, patch, target_shape) exist, so absence is checked per field:
    // every required property says so, and Jackson enforces that for creator properties.
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    public FederationPlan {
        require(name != null && !name.isBlank(), "name", "must be set");
        require(architecture != null && ModelSpec.isKnown(architecture), "architecture",
                "must name a known architecture (" + String.join(", ", ModelSpec.ARCHITECTURES) + "), not '" + architecture + "'");
        Objects.requireNonNull(preprocess, "preprocess");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(aggregation, "aggregation");
        if (ModelSpec.isLesionCentred(architecture)) {
            require(candidates != null, "candidates", "must be set for the lesion-centred architecture " + architecture);
            require(patch != null, "patch", "must be set for the lesion-centred architecture " + architecture);
            require(preprocess.targetShape() == null, "preprocess.target_shape",
                    "must not be set for " + architecture + " (it keeps the whole volume and classifies patches)");
        } else {
            require(preprocess.targetShape() != null, "preprocess.target_shape", "must be set for " + architecture);
            require(candidates == null && patch == null, "candidates",
                    "and 'patch' belong to lesion-centred architectures, not " + architecture);
        }
    }

    /** Whether this plan finds candidates and classifies patches around them (DESIGN.md, "The model"). */
    @JsonIgnore
    public boolean lesionCentred() {
        return patch != null;
    }

    /**
     * The model's input: one channel of the preprocessed volume {@code [1, D, H, W]}, or of one
     * candidate's patch {@code [1, P, P, P]} for a lesion-centred plan.
     */
    @JsonIgnore
    public int[] inputShape() {
        if (lesionCentred()) return new int[] {1, patch.size(), patch.size(), patch.size()};
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
            String what = msg.startsWith("Missing") ? "is missing" : "has the wrong type";
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
        if (lesionCentred()) {
            node.set("candidates", JSON.valueToTree(candidates));
            node.put("patch_size", patch.size());
        }
        return sha256Hex(canonical(node));
    }

    /**
     * The preprocessing half of the fingerprint: a dataset cache is valid for exactly this. A
     * lesion-centred cache holds HU (volumes and patches at the plan's spacing) and the candidates:
     * the spacing, the detector and the patch geometry count, not the HU window or mean, which are
     * applied when a patch is read.
     */
    @JsonIgnore
    public String preprocessFingerprint() {
        if (!lesionCentred()) return sha256Hex(canonical(JSON.valueToTree(preprocess)));
        ObjectNode node = JSON.createObjectNode();
        node.set("spacing_mm", JSON.valueToTree(preprocess.spacingMm()));
        node.set("candidates", JSON.valueToTree(candidates));
        node.put("patch_size", patch.size());
        node.put("patch_margin", patch.margin());
        return sha256Hex(canonical(node));
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
     * (z, y, x) trilinearly, clip HU to {@code hu_window}, scale to [0, 1], subtract {@code mean}.
     * A whole-volume plan then crops or pads to {@code target_shape} (D, H, W) about the body
     * centre; a lesion-centred plan keeps the whole volume (in HU) and normalises each patch.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Preprocess(
            @JsonProperty(value = "spacing_mm", required = true) double[] spacingMm,
            @JsonProperty("target_shape") int[] targetShape,
            @JsonProperty(value = "hu_window", required = true) double[] huWindow,
            @JsonProperty(value = "mean", required = true) double mean) {
        public Preprocess {
            require(spacingMm != null && spacingMm.length == 3, "preprocess.spacing_mm", "must be [z, y, x]");
            for (double s : spacingMm) require(s > 0 && s <= 50, "preprocess.spacing_mm", "values must be in (0, 50] mm");
            if (targetShape != null) {
                require(targetShape.length == 3, "preprocess.target_shape", "must be [D, H, W]");
                for (int s : targetShape) require(s >= 8 && s <= 1024, "preprocess.target_shape", "values must be in [8, 1024]");
            }
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
            @JsonProperty(value = "epochs_per_round", required = true) int epochsPerRound,
            @JsonProperty(value = "batch_size", required = true) int batchSize,
            @JsonProperty(value = "learning_rate", required = true) double learningRate,
            @JsonProperty(value = "fedprox_mu", required = true) double fedproxMu,
            @JsonProperty(value = "validation_fraction", required = true) double validationFraction,
            @JsonProperty(value = "augment", required = true) boolean augment) {
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
            @JsonProperty(value = "strategy", required = true) String strategy,
            @JsonProperty(value = "staleness_exponent", required = true) double stalenessExponent,
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

    /**
     * The candidate detector of a lesion-centred plan (docs/model.md): the lungs are the air below
     * {@code lung_hu} inside the body, closed per slice with a disc of {@code lung_closing_mm} so
     * nodules on the pleura stay inside; within them, HU clipped to {@code hu_clip}, the
     * scale-normalised Laplacian of Gaussian at each of {@code sigmas_mm}, its local maxima over
     * space and scale of at least {@code min_response}, scored by the response times the Hessian's
     * blob measure times (σ/σ₀)^{@code scale_exponent}, then non-maximum suppression within
     * {@code nms_mm} and the {@code top_k} best per patient.
     */
    public record Candidates(
            @JsonProperty(value = "top_k", required = true) int topK,
            @JsonProperty(value = "sigmas_mm", required = true) double[] sigmasMm,
            @JsonProperty(value = "nms_mm", required = true) double nmsMm,
            @JsonProperty(value = "lung_hu", required = true) double lungHu,
            @JsonProperty(value = "lung_closing_mm", required = true) double lungClosingMm,
            @JsonProperty(value = "hu_clip", required = true) double[] huClip,
            @JsonProperty(value = "min_response", required = true) double minResponse,
            @JsonProperty(value = "scale_exponent", required = true) double scaleExponent) {
        public Candidates {
            require(topK >= 1 && topK <= 1000, "candidates.top_k", "must be in [1, 1000]");
            require(sigmasMm != null && sigmasMm.length >= 1 && sigmasMm.length <= 12, "candidates.sigmas_mm",
                    "must list 1 to 12 scales");
            for (int i = 0; i < sigmasMm.length; i++) {
                require(sigmasMm[i] > 0 && sigmasMm[i] <= 30, "candidates.sigmas_mm", "values must be in (0, 30] mm");
                require(i == 0 || sigmasMm[i] > sigmasMm[i - 1], "candidates.sigmas_mm", "must be ascending");
            }
            require(nmsMm >= 0 && nmsMm <= 100, "candidates.nms_mm", "must be in [0, 100] mm");
            require(lungHu > -1000 && lungHu < 0, "candidates.lung_hu", "must be in (-1000, 0) HU");
            require(lungClosingMm >= 0 && lungClosingMm <= 50, "candidates.lung_closing_mm", "must be in [0, 50] mm");
            require(huClip != null && huClip.length == 2 && huClip[0] < huClip[1], "candidates.hu_clip", "must be [low, high] with low < high");
            require(minResponse >= 0 && minResponse <= 2000, "candidates.min_response", "must be in [0, 2000] HU");
            require(scaleExponent >= 0 && scaleExponent <= 4, "candidates.scale_exponent", "must be in [0, 4]");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Candidates c && topK == c.topK && java.util.Arrays.equals(sigmasMm, c.sigmasMm)
                    && Double.compare(nmsMm, c.nmsMm) == 0 && Double.compare(lungHu, c.lungHu) == 0
                    && Double.compare(lungClosingMm, c.lungClosingMm) == 0 && java.util.Arrays.equals(huClip, c.huClip)
                    && Double.compare(minResponse, c.minResponse) == 0 && Double.compare(scaleExponent, c.scaleExponent) == 0;
        }

        @Override
        public int hashCode() {
            return Objects.hash(topK, java.util.Arrays.hashCode(sigmasMm), nmsMm, lungHu, lungClosingMm, java.util.Arrays.hashCode(huClip),
                    minResponse, scaleExponent);
        }

        @Override
        public String toString() {
            return "Candidates[top_k=" + topK + ", sigmas_mm=" + java.util.Arrays.toString(sigmasMm) + ", nms_mm=" + nmsMm
                    + ", lung_hu=" + lungHu + ", lung_closing_mm=" + lungClosingMm + ", hu_clip=" + java.util.Arrays.toString(huClip)
                    + ", min_response=" + minResponse + ", scale_exponent=" + scaleExponent + "]";
        }
    }

    /** How the patient probability combines its candidates' probabilities. */
    public enum Combine {
        @JsonProperty("max") MAX,
        @JsonProperty("noisy-or") NOISY_OR
    }

    /**
     * Patches of a lesion-centred plan: {@code size}³ voxels centred on each candidate (stored with
     * {@code margin} extra voxels per side for shift augmentation); a candidate is positive when it
     * lies within {@code max(nodule radius, match_mm)} of an annotated malignant nodule; each epoch
     * draws {@code negatives_per_positive} negatives per positive; the patient probability is the
     * max, or the leaky noisy-OR 1 − (1 − leak) Π (1 − p), of its candidates' probabilities.
     */
    public record Patch(
            @JsonProperty(value = "size", required = true) int size,
            @JsonProperty(value = "margin", required = true) int margin,
            @JsonProperty(value = "match_mm", required = true) double matchMm,
            @JsonProperty(value = "negatives_per_positive", required = true) double negativesPerPositive,
            @JsonProperty(value = "combine", required = true) Combine combine,
            @JsonProperty(value = "noisy_or_leak", required = true) double noisyOrLeak) {
        public Patch {
            // Four 2x max-pools must leave at least one cell.
            require(size >= 16 && size <= 128 && size % 16 == 0, "patch.size", "must be a multiple of 16 in [16, 128]");
            require(margin >= 0 && margin <= 16, "patch.margin", "must be in [0, 16] voxels");
            require(matchMm > 0 && matchMm <= 50, "patch.match_mm", "must be in (0, 50] mm");
            require(negativesPerPositive > 0 && negativesPerPositive <= 1000, "patch.negatives_per_positive", "must be in (0, 1000]");
            require(combine != null, "patch.combine", "must be max or noisy-or");
            require(noisyOrLeak >= 0 && noisyOrLeak < 1, "patch.noisy_or_leak", "must be in [0, 1)");
        }

        /** Side of a stored patch: the model's input plus the shift margin on both sides. */
        @JsonIgnore
        public int storedSize() {
            return size + 2 * margin;
        }
    }
}
