package org.lungfl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "dicom",
        mixinStandardHelpOptions = true,
        description = {
            "Time DICOM reading on one thread, with the files already in memory.",
            "Times parsing alone, and parsing plus HU of every frame (decoding included). With --python, the same per "
                    + "file with pydicom + numpy (/usr/bin/python3).",
        })
final class DicomBenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--seconds", defaultValue = "0.5", description = "Time spent on each file and measurement (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--python", description = "Also time pydicom on the same files and print the ratio.")
    boolean python;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "DICOM files, or folders searched recursively.")
    List<Path> paths;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = new ArrayList<>();
        List<byte[]> bytes = new ArrayList<>();
        for (Path p : DicomPaths.expand(paths).files()) {
            byte[] b = Files.readAllBytes(p);
            DicomReader.read(b, p); // unreadable files stop the benchmark here, with the reason
            files.add(p);
            bytes.add(b);
        }
        long warmUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
        while (System.nanoTime() < warmUntil) for (int i = 0; i < files.size(); i++) readWithHu(bytes.get(i), files.get(i));
        Map<Path, String> pydicom = python ? pydicom(files) : Map.of();
        out.printf(Locale.ROOT, "%-44s %-24s %6s %9s %12s %12s%s%n", "file", "transfer syntax", "frames", "bytes", "parse µs",
                "parse+HU µs", python ? String.format("%12s %7s", "pydicom µs", "ratio") : "");
        for (int i = 0; i < files.size(); i++) {
            byte[] b = bytes.get(i);
            Path p = files.get(i);
            DicomFile f = DicomReader.read(b, p);
            double parse = time(() -> DicomReader.read(b, p));
            double full = time(() -> readWithHu(b, p));
            String py = "";
            if (python) {
                String t = pydicom.getOrDefault(p, "n/a");
                py = t.startsWith("n/a") ? String.format("%12s %7s", t, "") : String.format(Locale.ROOT, "%12s %6.1fx", t, Double.parseDouble(t) / full);
            }
            out.printf(Locale.ROOT, "%-44s %-24s %6d %9d %12.1f %12.1f%s%n", name(p), f.transferSyntaxUid(), f.numberOfFrames(), b.length,
                    parse, full, py);
            out.flush();
        }
        return 0;
    }

    private interface Op {
        void run() throws DicomException;
    }

    /** Microseconds per run: repeated for the time budget, at least once. */
    private double time(Op op) throws DicomException {
        long budget = (long) (seconds * 1e9), start = System.nanoTime(), n = 0, elapsed;
        do {
            op.run();
            n++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return elapsed / 1e3 / n;
    }

    private static float readWithHu(byte[] b, Path p) throws DicomException {
        DicomFile f = DicomReader.read(b, p);
        float sink = 0;
        for (int i = 0; i < f.numberOfFrames(); i++) sink += f.huFrame(i)[0];
        return sink;
    }

    private Map<Path, String> pydicom(List<Path> files) throws IOException, InterruptedException {
        String script;
        try (InputStream in = DicomBenchCommand.class.getResourceAsStream("bench_dicom.py")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", script, Double.toString(seconds)));
        for (Path p : files) cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Map<Path, String> result = new HashMap<>();
        for (String line : new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0) result.put(Path.of(line.substring(0, tab)), line.substring(tab + 1));
        }
        proc.waitFor();
        return result;
    }

    private static String name(Path p) {
        String s = p.getFileName().toString();
        return s.length() > 44 ? s.substring(0, 41) + "..." : s;
    }
}
