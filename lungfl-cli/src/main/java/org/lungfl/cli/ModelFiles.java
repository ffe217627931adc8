package org.lungfl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.core.weights.Weights;

/** Reading and writing model weights files for the CLI, with one-line errors. */
final class ModelFiles {
    private ModelFiles() {}

    /** Writes atomically (temp file then rename), so an interrupted run never leaves half a model. */
    static void write(Path file, Weights weights, FederationPlan plan) {
        byte[] bytes = SafeTensors.write(weights, Map.of("architecture", plan.architecture(), "plan", plan.name(),
                "plan_fingerprint", plan.fingerprint()));
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".lungfl-model", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The weights in {@code file}, checked against the plan's architecture. */
    static Weights read(Path file, FederationPlan plan) {
        byte[] bytes;
        try {
            if (Files.size(file) > SafeTensors.Limits.DEFAULT.maxBytes()) throw new UserFacingException(file + ": too large for a model file");
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserFacingException(file + ": no such file");
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
        Weights w;
        try {
            w = SafeTensors.read(bytes).weights();
        } catch (RuntimeException e) {
            throw new UserFacingException(file + ": " + e.getMessage(), e);
        }
        List<String> diffs = plan.modelSpec().differences(w);
        if (!diffs.isEmpty()) {
            throw new UserFacingException(file + ": not a " + plan.architecture() + " model: " + diffs.get(0)
                    + (diffs.size() > 1 ? " (and " + (diffs.size() - 1) + " more)" : ""));
        }
        return w;
    }
}
