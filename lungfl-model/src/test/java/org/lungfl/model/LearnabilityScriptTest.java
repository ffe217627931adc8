package org.lungfl.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.tensor.Npy;

/** python/lungfl_learnability.py runs on a real cache layout (skipped with the reason when /usr/bin/python3 has no torch). */
class LearnabilityScriptTest {
    static final int D = 16, H = 32, W = 32;
    @TempDir static Path dir;
    static Path script;

    @BeforeAll
    static void setUp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ReferencePython.unavailableReason().isEmpty(),
                () -> "learnability script skipped: " + ReferencePython.unavailableReason().orElse(""));
        script = ReferencePython.script(dir, "lungfl_learnability.py");
    }

    /** A cache of boxy chests: air around a soft-tissue body holding two lungs at about -850 HU (or no lungs). */
    static Path cache(String name, int patients, boolean withLungs, boolean bothClasses) throws IOException {
        Path c = Files.createDirectories(dir.resolve(name));
        StringBuilder manifest = new StringBuilder("{\"format\": \"lungfl-cache/1\", \"patients\": {");
        for (int i = 0; i < patients; i++) {
            float[] v = new float[D * H * W];
            for (int z = 0; z < D; z++) {
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        boolean body = y >= 2 && y < H - 2 && x >= 1 && x < W - 1;
                        boolean lung = withLungs && y >= 6 && y < H - 6 && ((x >= 3 && x < 14) || (x >= 18 && x < 29));
                        v[(z * H + y) * W + x] = lung ? -0.14f : body ? 0.5f : -0.25f;
                    }
                }
            }
            String key = name + "-" + i;
            Npy.write(c.resolve(key + ".npy"), new int[] {D, H, W}, v);
            int label = bothClasses ? i % 2 : 0;
            manifest.append(i == 0 ? "" : ", ").append("\"").append(key).append("\": {\"file\": \"").append(key).append(".npy\", \"label\": ")
                    .append(label).append("}");
        }
        Files.writeString(c.resolve("manifest.json"), manifest.append("}}").toString());
        return c;
    }

    @Test
    void printsOneLearningCurvePointPerEpochWithASphereInEveryCancer() throws IOException {
        Path train = cache("train", 8, true, true), test = cache("test", 4, true, true);
        String out = ReferencePython.run(300, script.toString(), "--train", train.toString(), "--test", test.toString(), "--epochs", "2",
                "--batch", "4", "--insert-sphere-mm", "12", "--spacing", "4", "4", "4");
        assertThat(out).startsWith("train 8 patients (4 cancer), test 4 (2 cancer), sphere 12 mm, augment True");
        Matcher m = Pattern.compile("(?m)^epoch (\\d): loss (\\d+\\.\\d{4}), train AUC (\\d\\.\\d{3}), test AUC (\\d\\.\\d{3}), \\d+ s$").matcher(out);
        List<String> epochs = new ArrayList<>();
        while (m.find()) epochs.add(m.group(1));
        assertThat(epochs).containsExactly("1", "2");
    }

    @Test
    void namesThePatientWithoutLungsForTheSphere() throws IOException {
        Path train = cache("nolungs", 4, false, true);
        assertThatThrownBy(() -> ReferencePython.run(300, script.toString(), "--train", train.toString(), "--test", train.toString(),
                "--epochs", "1", "--insert-sphere-mm", "12")).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("patient nolungs-1: no lung voxels");
    }

    @Test
    void refusesATrainingCacheWithOneClass() throws IOException {
        Path train = cache("healthy", 4, true, false);
        assertThatThrownBy(() -> ReferencePython.run(300, script.toString(), "--train", train.toString(), "--test", train.toString(),
                "--epochs", "1")).isInstanceOf(UserFacingException.class).hasMessageContaining("needs patients of both classes, has 0 of 4");
    }
}
