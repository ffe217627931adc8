package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole desktop client in a real window under Xvfb: {@link DesktopScenario} in a JVM of its
 * own whose DISPLAY is a private Xvfb this test starts (AWT reads DISPLAY once per process, and a
 * private display never drives a developer's own mouse). Skipped, saying why, only when Xvfb is
 * not installed. Screenshots land in target/gui-screenshots.
 */
class DesktopClientXvfbTest {
    @TempDir Path dir;

    @Test
    void aResearchNurseRunsTheFederationFromTheWindow() throws Exception {
        Assumptions.assumeTrue(Xvfb.binary() != null, "Xvfb is not installed (apt-get install xvfb): the desktop client's window test needs it");
        Path log = dir.resolve("scenario.log");
        Path shots = Path.of("target", "gui-screenshots").toAbsolutePath();
        try (Xvfb x = Xvfb.start(dir.resolve("xvfb.log"))) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-Dai.djl.offline=true", "-Djava.awt.headless=false", "-Dawt.useSystemAAFontSettings=on",
                    "-cp", System.getProperty("java.class.path"), DesktopScenario.class.getName(), dir.resolve("work").toString(), shots.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("DISPLAY", x.display);
            pb.environment().put("OPT_OUT_TRACKING", "true");
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().remove("XAUTHORITY");
            Process p = pb.start();
            boolean ended = p.waitFor(12, TimeUnit.MINUTES);
            if (!ended) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            String out = Files.readString(log);
            System.out.println(out.lines().filter(l -> l.startsWith("STEP") || l.startsWith("SCENARIO")).reduce("", (a, b) -> a + b + "\n"));
            assertThat(ended).as("the scenario ended within 12 minutes:\n%s", tail(out)).isTrue();
            assertThat(p.exitValue()).as("scenario output:\n%s", tail(out)).isZero();
            assertThat(out).contains("SCENARIO PASSED");
        }
    }

    private static String tail(String s) {
        List<String> lines = s.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    }
}
