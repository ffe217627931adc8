package org.lungfl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.candidates.CandidateDetector;
import org.lungfl.dicom.candidates.LungMask;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.VolumeGeometry;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "candidates", mixinStandardHelpOptions = true,
        description = {"Compare candidate detection speed with a NumPy/SciPy implementation of the same algorithm.",
            "Seconds per patient of lung mask + candidate detection on the cached HU volumes (already in memory on both "
                + "sides: file reading is not timed), LungFL against python/lungfl_candidates.py (numpy, scipy.ndimage; "
                + "/usr/bin/python3) under the same plan, in alternating rounds; medians, both sides' figures, the threads "
                + "each used and whether both found the same candidates. Without --cache, a few synthetic patients are "
                + "generated and imported first."})
final class BenchCandidatesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--cache", paramLabel = "CACHE", description = "Dataset cache imported under a lesion-centred plan (default: generate synthetic patients).")
    Path cache;

    @Option(names = "--patients", defaultValue = "4", paramLabel = "N", description = "Patients to time: the cache's first N (default: ${DEFAULT-VALUE}).")
    int patients;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "R", description = "Alternating LungFL/Python rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Plan whose candidates section both sides use (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--no-python", description = "Measure LungFL only.")
    boolean noPython;

    /** One patient's volume as the cache holds it. */
    record Volume(String key, HuVolume hu, VolumeGeometry grid) {}

    /** Seconds of one side for one patient in one round. */
    record Timing(double seconds, double cpuSeconds) {}

    @Override
    public Integer call() throws Exception {
        if (patients < 1 || patients > 1000 || rounds < 1 || rounds > 100) {
            throw new ParameterException(spec.commandLine(), "--patients must be 1..1000 and --rounds 1..100");
        }
        FederationPlan p = FederationPlan.load(plan);
        if (!p.lesionCentred()) throw new UserFacingException("plan '" + p.name() + "' has no candidate detector");
        PrintWriter out = spec.commandLine().getOut();
        Path work = Files.createTempDirectory("lungfl-bench-candidates");
        try {
            Path dir = cache != null ? cache : generate(p, work, patients);
            List<Volume> volumes = load(dir, patients);
            String why = noPython ? "--no-python" : ReferenceCandidates.unavailableReason().orElse(null);
            double[] load0 = loadAverage();
            out.printf(Locale.ROOT, "bench candidates: %d patient(s) from %s, plan %s, %d round(s)%n", volumes.size(),
                    cache != null ? cache : "generated synthetic patients", p.name(), rounds);
            out.printf(Locale.ROOT, "volumes: %s voxels (cropped to the lungs' box at import), %s mm%n", shapes(volumes),
                    Arrays.toString(volumes.get(0).hu().spacing()));
            out.flush();

            // Warm-up, untimed: LungFL's JIT compiles the loops over one pass; the reference warms up on one patient per run.
            for (Volume v : volumes) detect(v, p.candidates());
            List<List<Timing>> ours = new ArrayList<>(), theirs = new ArrayList<>();
            List<List<Candidate>> lungflFound = new ArrayList<>();
            ReferenceCandidates.Run reference = null;
            List<String> keys = volumes.stream().map(Volume::key).toList();
            for (int round = 0; round < rounds; round++) {
                // Alternate which side goes first, so a change in the machine's load hits both alike.
                boolean pythonFirst = round % 2 == 1 && why == null;
                if (pythonFirst) reference = runReference(p, dir, keys, theirs);
                lungflFound = runLungfl(p, volumes, ours);
                if (why == null && !pythonFirst) reference = runReference(p, dir, keys, theirs);
                out.printf(Locale.ROOT, "round %d: LungFL %.3f s/patient, Python %s%n", round + 1, median(ours.get(round), Timing::seconds),
                        why == null ? String.format(Locale.ROOT, "%.3f s/patient", median(theirs.get(round), Timing::seconds)) : "-");
                out.flush();
            }
            double[] load1 = loadAverage();

            double javaWall = medianAll(ours, Timing::seconds), javaCpu = medianAll(ours, Timing::cpuSeconds);
            int javaThreads = ForkJoinPool.getCommonPoolParallelism() + 1;
            out.printf(Locale.ROOT, "%-34s %14s %14s %8s%n", "per patient (median)", "LungFL", "Python", "ratio");
            if (why == null) {
                double pyWall = medianAll(theirs, Timing::seconds), pyCpu = medianAll(theirs, Timing::cpuSeconds);
                row(out, "wall-clock seconds", javaWall, pyWall, pyWall / javaWall);
                row(out, "CPU seconds (all threads)", javaCpu, pyCpu, pyCpu / javaCpu);
                row(out, "cores busy (CPU / wall)", javaCpu / javaWall, pyCpu / pyWall, Double.NaN);
                out.printf(Locale.ROOT, "ratio = Python time / LungFL time: %.2fx wall clock, %.2fx CPU%n", pyWall / javaWall, pyCpu / javaCpu);
                Agreement a = Agreement.of(lungflFound, reference.patients().stream().map(ReferenceCandidates.Patient::candidates).toList());
                out.printf("same candidates: %s%n", a);
            } else {
                row(out, "wall-clock seconds", javaWall, Double.NaN, Double.NaN);
                row(out, "CPU seconds (all threads)", javaCpu, Double.NaN, Double.NaN);
                out.printf("reference not run: %s%n", why);
            }
            out.printf(Locale.ROOT, "threads: LungFL %d (the caller and the common fork-join pool's %d worker thread(s); slices in parallel), "
                    + "Python 1 (numpy and scipy.ndimage run these steps on one thread)%n", javaThreads, ForkJoinPool.getCommonPoolParallelism());
            out.printf(Locale.ROOT, "environment: %s; %d cores available; load average %.2f before, %.2f after; Java %s (%s); %s; GLIBC_TUNABLES %s%n",
                    cpuModel(), Runtime.getRuntime().availableProcessors(), load0[0], load1[0], System.getProperty("java.version"),
                    System.getProperty("java.vm.name"), reference == null ? "Python not run" : reference.versions(),
                    Objects.requireNonNullElse(System.getenv("GLIBC_TUNABLES"), "unset"));
            out.println("(wall-clock figures depend on what else runs on the machine; rounds alternate the sides to share it fairly)");
            out.flush();
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    private ReferenceCandidates.Run runReference(FederationPlan p, Path dir, List<String> keys, List<List<Timing>> theirs) throws IOException {
        ReferenceCandidates.Run r = ReferenceCandidates.run(p, dir, keys, 1);
        theirs.add(r.patients().stream().map(x -> new Timing(x.seconds(), x.cpuSeconds())).toList());
        return r;
    }

    private static List<List<Candidate>> runLungfl(FederationPlan p, List<Volume> volumes, List<List<Timing>> ours) {
        List<Timing> times = new ArrayList<>();
        List<List<Candidate>> found = new ArrayList<>();
        for (Volume v : volumes) {
            long cpu = processCpuNanos(), t = System.nanoTime();
            found.add(detect(v, p.candidates()));
            times.add(new Timing((System.nanoTime() - t) / 1e9, (processCpuNanos() - cpu) / 1e9));
        }
        ours.add(times);
        return found;
    }

    /** Lung mask, the lungs' box and the candidates in it, as import does; voxels in the given volume. */
    static List<Candidate> detect(Volume v, FederationPlan.Candidates c) {
        LungMask mask = LungMask.of(v.hu(), c);
        int[] b = mask.box();
        List<Candidate> found = new CandidateDetector(c).detect(mask.crop(v.hu()), mask.croppedMask(), v.grid().cropped(b[0], b[1], b[2]));
        return found.stream().map(k -> new Candidate(new int[] {k.voxel()[0] + b[0], k.voxel()[1] + b[1], k.voxel()[2] + b[2]},
                k.positionMm(), k.sigmaMm(), k.score())).toList();
    }

    /** The first {@code n} patients of a lesion-centred cache (by key), read into memory. */
    static List<Volume> load(Path cache, int n) {
        Manifest m = Manifest.read(cache);
        List<Volume> out = new ArrayList<>();
        for (Manifest.Entry e : m.patients().values().stream().sorted(Comparator.comparing(Manifest.Entry::key)).toList()) {
            if (out.size() == n) break;
            if (e.lesion() == null) throw new UserFacingException(cache + ": patient " + e.key() + " was not imported under a lesion-centred plan");
            Npy.ShortArray a = Npy.readShorts(cache.resolve(e.file()));
            float[] hu = new float[a.data().length];
            for (int i = 0; i < hu.length; i++) hu[i] = a.data()[i];
            int[] s = a.shape();
            out.add(new Volume(e.key(), new HuVolume(s[0], s[1], s[2], hu, e.lesion().grid().spacing()), e.lesion().grid()));
        }
        if (out.isEmpty()) throw new UserFacingException(cache + ": no patients");
        return out;
    }

    /** Synthetic patients (the demo's phantom, full size), imported under the plan into {@code work}/cache. */
    static Path generate(FederationPlan p, Path work, int n) {
        Path data = work.resolve("data"), cache = work.resolve("cache");
        int threads = Runtime.getRuntime().availableProcessors();
        System.err.printf("generating and importing %d synthetic patient(s) ...%n", n);
        SynthDataset.generate(new SynthDataset.Options(1, n, 0, 0.5, 0, 18, false, PhantomModel.DEFAULT, null, null, threads), data,
                "bench", "lungfl bench candidates", (done, total, bytes) -> {});
        Path site = data.resolve("site-1");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads, DatasetImportCommand.daemon());
        try {
            DatasetImporter.Summary s = new DatasetImporter(p, DicomReader::read, pool).run(site.resolve("dicom"), site.resolve("labels.csv"),
                    site.resolve("nodules.csv"), cache, DatasetImporter.Listener.NONE);
            if (s.imported().isEmpty()) throw new UserFacingException("bench candidates: nothing imported; " + s.skipped());
        } finally {
            pool.shutdownNow();
        }
        return cache;
    }

    private static String shapes(List<Volume> volumes) {
        long min = Long.MAX_VALUE, max = 0;
        for (Volume v : volumes) {
            long n = (long) v.hu().depth() * v.hu().height() * v.hu().width();
            min = Math.min(min, n);
            max = Math.max(max, n);
        }
        return String.format(Locale.ROOT, "%.1f-%.1f M", min / 1e6, max / 1e6);
    }

    private static void row(PrintWriter out, String what, double ours, double theirs, double ratio) {
        out.printf(Locale.ROOT, "%-34s %14.3f %14s %8s%n", what, ours, Double.isNaN(theirs) ? "-" : String.format(Locale.ROOT, "%.3f", theirs),
                Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2fx", ratio));
    }

    private static double median(List<Timing> t, java.util.function.ToDoubleFunction<Timing> f) {
        double[] v = t.stream().mapToDouble(f).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double medianAll(List<List<Timing>> rounds, java.util.function.ToDoubleFunction<Timing> f) {
        return median(rounds.stream().flatMap(List::stream).toList(), f);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Double.NaN, Double.NaN};
        }
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
