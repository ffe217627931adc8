package org.lungfl.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.model.ReferencePython;

/**
 * The NumPy/SciPy implementation of the candidate detector ({@code python/lungfl_candidates.py},
 * which travels in lungfl-model's jar with the other reference scripts), run by Debian's
 * {@code /usr/bin/python3} on a dataset cache: {@code lungfl bench candidates} times it and the
 * equivalence test compares its candidates with LungFL's.
 */
final class ReferenceCandidates {
    static final String SCRIPT = "lungfl_candidates.py";
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static Optional<String> unavailable;

    /** One patient: its candidates (voxels in the cached volume) and the seconds of lung mask + detection. */
    record Patient(String key, double seconds, double cpuSeconds, List<Candidate> candidates) {}

    /** One run of the script: numpy/scipy/python versions and its patients, in the order asked. */
    record Run(String versions, List<Patient> patients) {}

    private ReferenceCandidates() {}

    /** Why the reference cannot run here (no interpreter, no numpy/scipy), or empty when it can. */
    static synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            if (!Files.isExecutable(Path.of(ReferencePython.PYTHON))) {
                unavailable = Optional.of(ReferencePython.PYTHON + " not found");
            } else {
                try {
                    ReferencePython.run(120, "-c", "import numpy, scipy.ndimage");
                    unavailable = Optional.empty();
                } catch (UserFacingException e) {
                    unavailable = Optional.of(ReferencePython.PYTHON + " has no numpy/scipy (Debian: apt-get install python3-numpy python3-scipy)");
                }
            }
        }
        return unavailable;
    }

    /**
     * Runs the script on {@code keys} of {@code cache} under {@code plan}'s candidates section,
     * after {@code warmup} untimed runs on the first of them.
     */
    static Run run(FederationPlan plan, Path cache, List<String> keys, int warmup) throws IOException {
        Path dir = Files.createTempDirectory("lungfl-candidates-py");
        try {
            Path script = dir.resolve(SCRIPT);
            try (InputStream in = ReferencePython.class.getResourceAsStream("python/" + SCRIPT)) {
                if (in == null) throw new IllegalStateException("python/" + SCRIPT + " missing from the lungfl-model jar");
                Files.write(script, in.readAllBytes());
            }
            Path planFile = Files.write(dir.resolve("plan.json"), plan.toJson());
            List<String> args = new ArrayList<>(List.of(script.toString(), "--plan", planFile.toString(), "--cache", cache.toString(),
                    "--warmup", "" + warmup, "--patients"));
            args.addAll(keys);
            String out = ReferencePython.run(3600, args.toArray(String[]::new)).strip();
            JsonNode n = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
            if (!n.has("patients")) throw new UserFacingException(script + ": unexpected output: " + out);
            List<Patient> patients = new ArrayList<>();
            for (JsonNode p : n.get("patients")) {
                List<Candidate> c = new ArrayList<>();
                for (JsonNode k : p.get("candidates")) c.add(JSON.treeToValue(k, Candidate.class));
                patients.add(new Patient(p.get("key").asText(), p.get("seconds").asDouble(), p.get("cpu_seconds").asDouble(), c));
            }
            return new Run("Python " + n.get("python").asText() + ", numpy " + n.get("numpy").asText() + ", scipy " + n.get("scipy").asText(),
                    patients);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
            }
        }
    }
}
