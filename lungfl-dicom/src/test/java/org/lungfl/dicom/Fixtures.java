package org.lungfl.dicom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The committed DICOM fixtures (src/test/resources/fixtures, made by src/test/fixtures/make-fixtures.sh) and the tools that check them. */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/ct_s16.dcm").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    /** The valid fixtures. */
    public static List<Path> valid() {
        return list(dir());
    }

    /** The malformed ones (src/test/resources/malformed), each with one defect. */
    public static List<Path> malformed() {
        return list(dir().resolveSibling("malformed"));
    }

    public static Path malformed(String name) {
        return dir().resolveSibling("malformed").resolve(name);
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the command is on PATH (or an absolute path that exists). */
    public static boolean hasTool(String name) {
        if (name.startsWith("/")) return Files.isExecutable(Path.of(name));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":"))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return true;
        return false;
    }

    /** Debian's python3 with pydicom and numpy (a different python3 may come first on PATH). */
    public static boolean hasPydicom() {
        if (!hasTool("/usr/bin/python3")) return false;
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import pydicom, numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
