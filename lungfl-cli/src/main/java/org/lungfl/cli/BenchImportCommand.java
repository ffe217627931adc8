package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.io.TransferSyntax;
import org.lungfl.dicom.write.CtImage;
import org.lungfl.dicom.write.CtImageWriter;
import org.lungfl.dicom.write.Uids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Compare import speed and memory with the Python pipeline LungFL replaces.",
            "Slices per second and peak memory of DICOM import + preprocessing: LungFL's `dataset import` against the "
                + "Python pipeline it replaces (bench/import_python.py: pydicom, numpy, scipy.ndimage.zoom order=1; "
                + "/usr/bin/python3), on the same files and plan."})
final class BenchImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--series", defaultValue = "4", description = "Synthetic series (one patient each) to generate (default: ${DEFAULT-VALUE}).")
    int series;

    @Option(names = "--slices", defaultValue = "150", description = "Slices per generated series, 512x512 (default: ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--dicom", paramLabel = "DIR",
            description = "Use the patient folders in DIR (generated there, and kept, when DIR is missing or empty).")
    Path dicom;

    @Option(names = "--syntax", defaultValue = "EXPLICIT_VR_LITTLE_ENDIAN",
            description = "Transfer syntax of generated series: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            completionCandidates = WritableSyntaxes.class)
    TransferSyntax syntax;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "A whole-volume plan (default: bench/plan-1.5mm.json, which resamples to 1.5 mm isotropic as the lesion-centred plans do).")
    String plan;

    @Option(names = "--threads", paramLabel = "N", description = "LungFL worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with pydicom, numpy, scipy (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--python-script", paramLabel = "FILE", description = "Default: bench/import_python.py of this checkout.")
    Path script;

    @Option(names = "--no-warmup", description = "Measure LungFL from a cold JVM (JIT compilation included).")
    boolean noWarmup;

    @Option(names = "--no-python", description = "Measure LungFL only.")
    boolean noPython;

    @Option(names = "--rounds", defaultValue = "3", description = "Alternating LungFL/Python rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        if (series < 1 || series > 1000 || slices < 2 || slices > 2000 || rounds < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--series must be 1..1000, --slices 2..2000 and --rounds at least 1");
        }
        FederationPlan p = FederationPlan.load(plan != null ? plan : checkoutFile("bench/plan-1.5mm.json", "--plan FILE").toString());
        if (p.lesionCentred()) {
            // bench/import_python.py resamples, windows and frames a whole volume; the lesion-centred import
            // also finds candidates, which `bench candidates` compares with its own NumPy/SciPy reference.
            throw new UserFacingException("bench import: plan '" + p.name() + "' is lesion-centred; the Python reference does whole-volume "
                    + "preprocessing: use a whole-volume plan such as bench/plan-1.5mm.json (the same 1.5 mm resampling), and "
                    + "'lungfl bench candidates' for the candidate detector");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("lungfl-bench-import");
        try {
            Path dir = dicom == null ? work.resolve("dicom") : dicom;
            if (isMissingOrEmpty(dir)) {
                if (!CtImageWriter.SUPPORTED.contains(syntax)) {
                    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--syntax: cannot write " + syntax);
                }
                System.err.printf("generating %d series x %d slices of 512x512 (%s) in %s ...%n", series, slices, syntax, dir);
                generate(dir, series, slices, syntax);
            }
            Path labels = work.resolve("labels.csv");
            writeLabels(dir, labels);

            String gc = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(java.lang.management.GarbageCollectorMXBean::getName).collect(java.util.stream.Collectors.joining("/"));
            out.printf(Locale.ROOT, "environment: %s, %d cores, Java %s (GC %s, max heap %d MB), load average %s%n", BenchServerCommand.cpuModel(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), gc, Runtime.getRuntime().maxMemory() >> 20,
                    BenchServerCommand.loadAverage());
            ExecutorService pool = Executors.newFixedThreadPool(n, DatasetImportCommand.daemon());
            List<double[]> lungfl = new ArrayList<>();
            List<JsonNode> py = new ArrayList<>();
            DatasetImporter.Summary s = null;
            try {
                if (!noWarmup) warmUp(p, pool, dir, labels, work);
                // Alternating rounds: a neighbour's burst on a shared machine then hits both sides alike.
                for (int r = 0; r < rounds; r++) {
                    Path cache = work.resolve("cache-java");
                    deleteTree(cache);
                    System.gc();
                    resetPeakRss();
                    long cpu0 = processCpuNanos();
                    long t0 = System.nanoTime();
                    s = new DatasetImporter(p, DicomReader::read, pool).run(dir, labels, cache, DatasetImporter.Listener.NONE);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    if (s.imported().isEmpty()) throw new UserFacingException("bench import: nothing imported; " + s.skipped());
                    lungfl.add(new double[] {s.slicesImported() / seconds, seconds, (processCpuNanos() - cpu0) / 1e9, peakRssKb()});
                    if (!noPython) {
                        Path pyCache = work.resolve("cache-python");
                        deleteTree(pyCache);
                        py.add(runPython(dir, pyCache, p));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            long sliceCount = s.slicesImported();
            double[] j = medians(lungfl);
            out.printf(Locale.ROOT, "bench import: %d patient(s), %d slices, plan %s, spacing %s mm, shape %s; %s; median of %d alternating rounds%n",
                    s.imported().size(), sliceCount, p.name(), java.util.Arrays.toString(p.preprocess().spacingMm()),
                    java.util.Arrays.toString(p.preprocess().targetShape()),
                    noWarmup ? "cold JVM" : "after a warm-up import of one patient (JIT compiled, as in a long import)", rounds);
            out.printf(Locale.ROOT, "LungFL (%d threads): %8.1f slices/s  %6.2f s wall  %6.2f s CPU (%6.1f slices/CPU-s)  peak RSS %5d MB%n",
                    n, j[0], j[1], j[2], sliceCount / j[2], (long) j[3] / 1024);
            out.flush();
            if (noPython) return 0;

            double pySlices = py.get(0).get("slices").asDouble();
            double[] q = medians(py.stream().map(x -> new double[] {pySlices / x.get("seconds").asDouble(), x.get("seconds").asDouble(),
                x.get("cpu_seconds").asDouble(), x.get("maxrss_kb").asDouble()}).toList());
            out.printf(Locale.ROOT, "Python (1 process):  %8.1f slices/s  %6.2f s wall  %6.2f s CPU (%6.1f slices/CPU-s)  peak RSS %5d MB%n",
                    q[0], q[1], q[2], pySlices / q[2], (long) q[3] / 1024);
            out.printf(Locale.ROOT, "ratio LungFL/Python: %.2fx slices/s (wall; %.1f / %.1f), %.2fx slices per CPU-second, %.2fx peak memory "
                    + "(%d / %d MB); load average %s after%n", j[0] / q[0], j[0], q[0], (sliceCount / j[2]) / (pySlices / q[2]), j[3] / q[3],
                    (long) j[3] / 1024, (long) q[3] / 1024, BenchServerCommand.loadAverage());
            out.println("(wall-clock ratios depend on what else runs on the machine; the CPU-second ratio much less)");
            out.printf(Locale.ROOT, "same work: mean |LungFL - Python| over all voxels = %.4f (normalised units; zoom's grid "
                    + "is stretched to align corners, LungFL keeps the plan spacing exactly)%n", meanAbsDifference(s, work));
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /** Column-wise medians of equally long rows. */
    private static double[] medians(List<double[]> rows) {
        double[] m = new double[rows.get(0).length];
        for (int c = 0; c < m.length; c++) {
            int col = c;
            double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
            m[c] = v[v.length / 2];
        }
        return m;
    }

    /** Imports the first patient once, so the measured run sees compiled code, as most of a real import does. */
    private static void warmUp(FederationPlan p, ExecutorService pool, Path dir, Path labels, Path work) throws IOException {
        List<String> lines = Files.readAllLines(labels);
        Path one = Files.write(work.resolve("warmup.csv"), lines.subList(0, Math.min(2, lines.size())));
        new DatasetImporter(p, DicomReader::read, pool).run(dir, one, work.resolve("cache-warmup"), DatasetImporter.Listener.NONE);
    }

    private static double meanAbsDifference(DatasetImporter.Summary s, Path work) {
        double sum = 0;
        long n = 0;
        for (var e : s.imported()) {
            float[] a = org.lungfl.core.tensor.Npy.read(work.resolve("cache-java").resolve(e.file())).data();
            float[] b = org.lungfl.core.tensor.Npy.read(work.resolve("cache-python").resolve(e.file())).data();
            if (a.length != b.length) return Double.NaN;
            for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
            n += a.length;
        }
        return sum / n;
    }

    /** Synthetic chest-like series: air, an elliptic trunk, two lungs, a spine; stored = HU + 1024. */
    static void generate(Path dir, int seriesCount, int sliceCount, TransferSyntax syntax) throws IOException {
        CtImageWriter writer = new CtImageWriter(syntax);
        int size = 512;
        double pixel = 0.7;
        double thickness = 1.25;
        for (int s = 0; s < seriesCount; s++) {
            Path folder = Files.createDirectories(dir.resolve(String.format(Locale.ROOT, "bench%03d", s)));
            String base = "lungfl/bench-import/" + s;
            CtImage.Series meta = new CtImage.Series("BENCH^" + s, "BENCH" + s, "O", Uids.fromName(base + "/study"),
                    Uids.fromName(base + "/series"), Uids.fromName(base + "/for"), "1", "", "20260101", "120000", 1,
                    "bench", "bench axial", "LungFL", "synthetic", "LungFL", 120, size, size, new double[] {pixel, pixel},
                    thickness, thickness, new double[] {1, 0, 0, 0, 1, 0}, false, 12, -1024, 1, -600, 1500);
            long rng = 0x9E3779B97F4A7C15L * (s + 1);
            for (int z = 0; z < sliceCount; z++) {
                short[] px = new short[size * size];
                double zf = (double) z / sliceCount;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double bx = (x - 256) / 200.0, by = (y - 270) / 150.0;
                        double lx = (Math.abs(x - 256) - 95) / 70.0, ly = (y - 250) / (100.0 * (0.6 + 0.4 * zf));
                        double hu = -1000;
                        if (bx * bx + by * by <= 1) hu = 40;
                        if (lx * lx + ly * ly <= 1) hu = -850;
                        if (Math.abs(x - 256) < 20 && Math.abs(y - 380) < 20) hu = 700;
                        rng ^= rng << 13;
                        rng ^= rng >>> 7;
                        rng ^= rng << 17;
                        hu += (rng & 31) - 16;
                        px[y * size + x] = (short) Math.max(0, Math.min(4095, Math.round(hu + 1024)));
                    }
                }
                double zmm = -300 + z * thickness;
                // Shuffled, extension-less names: order must come from positions, not names.
                String name = Integer.toHexString((z * 7919 + 17) % 1_000_003 * 31 + s);
                writer.write(new CtImage(meta, Uids.fromName(base + "/" + z), z + 1,
                        new double[] {-pixel * 256, -pixel * 256, zmm}, zmm, px), folder.resolve(name));
            }
        }
    }

    static final class WritableSyntaxes extends ArrayList<String> {
        WritableSyntaxes() {
            CtImageWriter.SUPPORTED.forEach(t -> add(t.name()));
        }
    }

    private static boolean isMissingOrEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) return true;
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void writeLabels(Path dir, Path labels) throws IOException {
        List<String> lines = new ArrayList<>(List.of("id,cancer"));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory).sorted().forEach(p -> lines.add(p.getFileName() + "," + (lines.size() % 2)));
        }
        Files.write(labels, lines, StandardCharsets.UTF_8);
    }

    private JsonNode runPython(Path dir, Path cache, FederationPlan p) throws IOException, InterruptedException {
        Path py = script != null ? script : checkoutFile("bench/import_python.py", "--python-script or --no-python");
        double[] sp = p.preprocess().spacingMm();
        int[] sh = p.preprocess().targetShape();
        List<String> cmd = new ArrayList<>(List.of(python, py.toString(), "--dicom", dir.toString(), "--out", cache.toString(),
                "--spacing", "" + sp[0], "" + sp[1], "" + sp[2], "--shape", "" + sh[0], "" + sh[1], "" + sh[2],
                "--window", "" + p.preprocess().huLow(), "" + p.preprocess().huHigh(), "--mean", "" + p.preprocess().mean()));
        Process proc;
        try {
            proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UserFacingException("bench import: cannot run " + python + " (" + e.getMessage() + "); use --no-python");
        }
        String text = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!proc.waitFor(1, TimeUnit.HOURS) || proc.exitValue() != 0) {
            throw new UserFacingException("bench import: " + py + " failed (exit " + proc.exitValue() + ")");
        }
        String last = text.lines().reduce((a, b) -> b).orElse("");
        try {
            return new ObjectMapper().readTree(last);
        } catch (IOException e) {
            throw new UserFacingException("bench import: unexpected output from " + py + ": " + last);
        }
    }

    /** bench/import_python.py next to the lungfl-cli module this class was loaded from, else in the working directory. */
    /** A file of this checkout (found above the running jar, else in the working directory). */
    private static Path checkoutFile(String relative, String alternative) {
        try {
            Path here = Path.of(BenchImportCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here; p != null; p = p.getParent()) {
                Path candidate = p.resolve(relative);
                if (Files.isRegularFile(candidate)) return candidate;
            }
        } catch (Exception ignored) {
            // fall through to the working directory
        }
        Path local = Path.of(relative);
        if (Files.isRegularFile(local)) return local;
        throw new UserFacingException("bench import: " + relative + " not found; pass " + alternative);
    }

    /** Writing 5 to clear_refs resets VmHWM (Linux), so the peak covers the import only, not generation. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | UnsupportedOperationException ignored) {
            // not Linux or not permitted: the peak then covers the whole process
        }
    }

    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux
        }
        return -1;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
