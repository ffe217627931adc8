package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.model.DjlRuntime;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.volume.VolumeGeometry;
import org.lungfl.model.Examples;
import org.lungfl.model.LabelledVolume;
import org.lungfl.model.LesionPatient;
import org.lungfl.model.PatchExamples;
import org.lungfl.model.VolumeExamples;
import org.lungfl.model.LocalTrainer;
import org.lungfl.model.LungModel;
import org.lungfl.model.ReferencePython;
import org.lungfl.model.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Compare training and inference speed with the reference PyTorch module.",
            "Steady-state training and inference rates (inputs per second: candidate patches for a lesion-centred plan, "
                + "volumes otherwise) and peak RSS of the plan's model: LungFL (DJL with PyTorch natives, on the real "
                + "training path with .npy loading and augmentation on a background thread) against the reference PyTorch "
                + "module (python/lungfl_model.py under /usr/bin/python3) with the same shapes, batch and intra-op thread "
                + "count. Rates are medians of timed windows.",
            "Threads: -Dai.djl.pytorch.num_threads=N in LUNGFL_JAVA_OPTS (default: PyTorch's own)."})
final class BenchTrainCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Plan giving the input shape (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up steps (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--steps", defaultValue = "10", description = "Steps per timed window (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "Timed windows; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--no-augment", description = "Train without augmentation (the reference never augments).")
    boolean noAugment;

    @Option(names = "--no-python", description = "Measure LungFL only.")
    boolean noPython;

    @Option(names = "--rounds", defaultValue = "1", description = "Alternating LungFL/reference rounds; medians are reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    record Rates(double trainVps, double inferVps, double peakRssMb) {}

    private static Rates medians(List<Rates> all) {
        int n = all.size();
        return new Rates(median(n, i -> all.get(i).trainVps()), median(n, i -> all.get(i).inferVps()),
                all.stream().mapToDouble(Rates::peakRssMb).max().orElse(Double.NaN));
    }

    private JsonNode measureReference(String architecture, int[] shape, int threads) throws IOException {
        Path dir = Files.createTempDirectory("lungfl-bench-train-py");
        try {
            Path script = ReferencePython.script(dir, "lungfl_bench.py");
            String json = ReferencePython.run(3600, script.toString(), "--arch", architecture, "--shape", "" + shape[1], "" + shape[2], "" + shape[3],
                    "--batch", "" + batch, "--threads", "" + threads, "--warmup", "" + warmup, "--steps", "" + steps,
                    "--repeats", "" + repeats);
            return new ObjectMapper().readTree(json.strip().lines().reduce((a, b) -> b).orElse("{}"));
        } finally {
            deleteTree(dir);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || batch > 256 || warmup < 0 || warmup > 1000 || steps < 1 || steps > 10_000 || repeats < 1 || repeats > 100 || rounds < 1 || rounds > 100) {
            throw new ParameterException(spec.commandLine(), "--batch 1..256, --warmup 0..1000, --steps 1..10000, --repeats 1..100, --rounds 1..100");
        }
        FederationPlan p = FederationPlan.load(plan);
        int[] shape = p.inputShape();
        int threads = DjlRuntime.threads();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("bench train: %s, input %s, batch %d, %d intra-op threads, median of %d windows of %d steps after %d warm-up%n",
                p.architecture(), dims(shape), batch, threads, repeats, steps, warmup);
        // The allocator settles much of the speed of both sides (see ./lungfl); the Python child inherits ours.
        out.printf("glibc malloc tunables (both sides): %s%n", Objects.requireNonNullElse(System.getenv("GLIBC_TUNABLES"), "none (glibc defaults)"));
        out.flush();
        // Alternate the two sides round by round, so load from other processes on a shared machine
        // hits both alike; report the per-round medians.
        String why = noPython ? "--no-python" : ReferencePython.unavailableReason().orElse(null);
        List<Rates> ours = new ArrayList<>(), theirs = new ArrayList<>();
        String refName = "reference";
        for (int round = 0; round < rounds; round++) {
            ours.add(measureLungfl(p, !noAugment && p.train().augment()));
            if (why == null) {
                JsonNode ref = measureReference(p.architecture(), shape, threads);
                refName = "PyTorch " + ref.get("torch").asText() + " (Python)";
                theirs.add(new Rates(ref.get("train_vps").asDouble(), ref.get("infer_vps").asDouble(), ref.get("peak_rss_mb").asDouble()));
            }
            if (rounds > 1) {
                Rates o = ours.get(round), t = why == null ? theirs.get(round) : null;
                out.printf(Locale.ROOT, "round %d: train %.2f vs %s, inference %.2f vs %s %s/s%n", round + 1, o.trainVps(),
                        t == null ? "-" : String.format(Locale.ROOT, "%.2f", t.trainVps()), o.inferVps(),
                        t == null ? "-" : String.format(Locale.ROOT, "%.2f", t.inferVps()), unit(p));
                out.flush();
            }
        }
        Rates lungfl = medians(ours);
        Rates reference = theirs.isEmpty() ? null : medians(theirs);
        out.printf(Locale.ROOT, "%-22s %14s %24s %8s%n", "", "LungFL (DJL)", refName, "ratio");
        row(out, "train " + unit(p) + "/s", lungfl.trainVps(), reference == null ? Double.NaN : reference.trainVps(), "%.2f");
        row(out, "inference " + unit(p) + "/s", lungfl.inferVps(), reference == null ? Double.NaN : reference.inferVps(), "%.2f");
        row(out, "peak RSS MB", lungfl.peakRssMb(), reference == null ? Double.NaN : reference.peakRssMb(), "%.0f");
        if (reference == null) out.printf("reference not run: %s%n", why);
        out.flush();
        return 0;
    }

    private static String unit(FederationPlan p) {
        return p.lesionCentred() ? "patches" : "volumes";
    }

    /**
     * A few batches of random inputs on disk, in the cache's own format, so training reads and
     * augments them as it would a site's cache: float32 volumes, or one patient's int16 patch file.
     */
    private Examples benchData(FederationPlan p, Path dir, int count, Random r) throws IOException {
        int[] shape = p.inputShape();
        if (p.lesionCentred()) {
            int side = p.patch().storedSize();
            short[] patches = new short[count * side * side * side];
            for (int k = 0; k < patches.length; k++) patches[k] = (short) (-850 + r.nextGaussian() * 300);
            Path f = dir.resolve("bench.patches.npy");
            try (var o = new java.io.BufferedOutputStream(Files.newOutputStream(f))) {
                Npy.write(o, new int[] {count, side, side, side}, patches);
            }
            List<Candidate> candidates = new ArrayList<>();
            for (int i = 0; i < count; i++) candidates.add(new Candidate(new int[3], new double[] {i * 10, 0, 0}, 2, 1));
            VolumeGeometry grid = new VolumeGeometry(new double[3], new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {0, 0, 1},
                    p.preprocess().spacingMm());
            // Annotated without nodules: every row is a negative, and an epoch is every row.
            return PatchExamples.forTraining(List.of(new LesionPatient("bench", 0, f, candidates, List.of(), grid)), p);
        }
        List<LabelledVolume> data = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] v = new float[shape[1] * shape[2] * shape[3]];
            for (int k = 0; k < v.length; k++) v[k] = (float) (r.nextGaussian() * 0.3);
            Path f = dir.resolve(i + ".npy");
            Npy.write(f, new int[] {shape[1], shape[2], shape[3]}, v);
            data.add(new LabelledVolume("v" + i, i % 2, f));
        }
        return new VolumeExamples(data, shape);
    }

    private Rates measureLungfl(FederationPlan p, boolean augment) throws IOException {
        int[] shape = p.inputShape();
        int volumeSize = shape[1] * shape[2] * shape[3];
        Path dir = Files.createTempDirectory("lungfl-bench-train");
        try {
            int batchesPerEpoch = 4;
            Random r = new Random(1);
            Examples data = benchData(p, dir, batchesPerEpoch * batch, r);
            int total = warmup + repeats * steps;
            int epochs = (total + batchesPerEpoch - 1) / batchesPerEpoch;
            long[] stepEnd = new long[epochs * batchesPerEpoch + 1];
            int[] done = {0};
            double train, infer;
            try (LungModel model = LungModel.of(p, p.initialWeights())) {
                TrainingOptions o = new TrainingOptions(epochs, batch, p.train().learningRate(), 0, augment, p.seed());
                stepEnd[0] = System.nanoTime();
                new LocalTrainer(model, o).train(data, (e, b, n, loss) -> stepEnd[++done[0]] = System.nanoTime());
                train = median(repeats, w -> {
                    int from = warmup + w * steps;
                    return (double) steps * batch / ((stepEnd[from + steps] - stepEnd[from]) / 1e9);
                });
                float[] x = new float[batch * volumeSize];
                for (int k = 0; k < x.length; k++) x[k] = (float) (r.nextGaussian() * 0.3);
                for (int i = 0; i < warmup; i++) model.logits(x, batch);
                infer = median(repeats, w -> {
                    long t = System.nanoTime();
                    for (int i = 0; i < steps; i++) model.logits(x, batch);
                    return (double) steps * batch / ((System.nanoTime() - t) / 1e9);
                });
            }
            return new Rates(train, infer, peakRssMb());
        } finally {
            deleteTree(dir);
        }
    }

    private static double median(int n, java.util.function.IntToDoubleFunction window) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = window.applyAsDouble(i);
        Arrays.sort(v);
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** VmHWM: the most resident memory this process has had (Linux). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: reported as NaN
        }
        return Double.NaN;
    }

    private static void row(PrintWriter out, String what, double ours, double theirs, String fmt) {
        String ratio = Double.isNaN(theirs) ? "-" : String.format(Locale.ROOT, "%.2fx", ours / theirs);
        out.printf(Locale.ROOT, "%-22s %14s %24s %8s%n", what, String.format(Locale.ROOT, fmt, ours),
                Double.isNaN(theirs) ? "-" : String.format(Locale.ROOT, fmt, theirs), ratio);
    }

    private static String dims(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2] + "x" + s[3];
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
