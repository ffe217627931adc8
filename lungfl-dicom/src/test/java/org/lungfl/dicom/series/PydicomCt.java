package org.lungfl.dicom.series;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real CT files for tests, written by pydicom (an independent writer) through make_ct.py. Collect
 * slices with {@link #slice}, then {@link #write()} them in one Python run.
 */
public final class PydicomCt {
    private static final String PYTHON = "/usr/bin/python3";
    private final List<Map<String, Object>> items = new ArrayList<>();

    public static void assumeAvailable() {
        boolean ok;
        try {
            ok = new ProcessBuilder(PYTHON, "-c", "import pydicom, numpy").start().waitFor() == 0;
        } catch (Exception e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "needs /usr/bin/python3 with pydicom and numpy (Debian python3-pydicom, python3-numpy)");
    }

    /** A slice of {@code seriesUid} at (x, y, z) = (0, 0, z); refine it through the returned map. */
    public Map<String, Object> slice(Path file, String seriesUid, double z) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.toString());
        m.put("series_uid", seriesUid);
        m.put("position", List.of(0.0, 0.0, z));
        items.add(m);
        return m;
    }

    public Map<String, Object> corrupt(Path file) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", file.toString());
        m.put("corrupt", true);
        items.add(m);
        return m;
    }

    public void write() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("lungfl-pydicom");
        try {
            Path spec = dir.resolve("spec.json");
            new ObjectMapper().writeValue(spec.toFile(), items);
            Path script = dir.resolve("make_ct.py");
            try (InputStream in = PydicomCt.class.getResourceAsStream("make_ct.py")) {
                Files.copy(in, script);
            }
            for (Map<String, Object> m : items) Files.createDirectories(Path.of((String) m.get("path")).getParent());
            Process p = new ProcessBuilder(PYTHON, script.toString(), spec.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            items.clear();
        } finally {
            try (var s = Files.list(dir)) {
                for (Path f : s.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }
}
