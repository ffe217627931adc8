package org.lungfl.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.io.TransferSyntax;
import org.lungfl.synth.PhantomModel;
import org.lungfl.synth.SynthDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate synthetic multi-site chest CT phantoms as DICOM, with labels (synthetic data only).",
            "Writes DIR/<site>/dicom/<patient>/CT-NNNN.dcm, DIR/<site>/labels.csv (id,cancer), DIR/<site>/nodules.csv "
                + "(ground truth), the same for the held-out DIR/test, and DIR/README.txt. The same seed gives the same "
                + "bytes. The model and every knob: docs/synthetic-data.md."},
        subcommands = {SynthBaselineCommand.class})
final class SynthCommand implements Callable<Integer> {
    private static final Map<String, TransferSyntax> SYNTAXES = Map.of(
            "explicit-le", TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
            "implicit-le", TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
            "explicit-be", TransferSyntax.EXPLICIT_VR_BIG_ENDIAN,
            "deflated", TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
            "rle", TransferSyntax.RLE_LOSSLESS);

    @Spec CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (must be new or empty).")
    Path out;

    @Option(names = "--sites", paramLabel = "N", defaultValue = "3", description = "Number of hospitals (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--patients-per-site", paramLabel = "N", defaultValue = "60", description = "Patients per site (default: ${DEFAULT-VALUE}).")
    int patientsPerSite;

    @Option(names = "--test-patients", paramLabel = "N", description = "Patients in the held-out DIR/test (default: as many as per site; 0 for none).")
    Integer testPatients;

    @Option(names = "--positive-rate", paramLabel = "RATE", defaultValue = "0.3", description = "Share of patients with cancer overall (default: ${DEFAULT-VALUE}).")
    double positiveRate;

    @Option(names = "--prevalence-skew", paramLabel = "S", defaultValue = "0.5",
            description = "Non-IID labels: site prevalences spread over rate*(1-s)..rate*(1+s); 0 = same everywhere (default: ${DEFAULT-VALUE}).")
    double prevalenceSkew;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--small", description = "Tiny studies for tests: 96x96 pixels of 3.5 mm, 4 mm slices.")
    boolean small;

    @Option(names = "--syntax", paramLabel = "TS",
            description = "Write every site in one transfer syntax: explicit-le, implicit-le, explicit-be, deflated, rle (default: each site its own).")
    String syntax;

    @Option(names = "--noise", paramLabel = "HU", description = "Noise sigma in HU for every site (default: each site its own, 10-40 HU).")
    Double noise;

    @Option(names = "--min-nodule-mm", paramLabel = "MM", defaultValue = "4", description = "Smallest cancer nodule diameter (default: ${DEFAULT-VALUE}).")
    double minNodule;

    @Option(names = "--max-nodule-mm", paramLabel = "MM", defaultValue = "30", description = "Largest cancer nodule diameter (default: ${DEFAULT-VALUE}).")
    double maxNodule;

    @Option(names = "--granuloma-rate", paramLabel = "P", defaultValue = "0.5",
            description = "Probability that a patient without cancer has calcified granulomas (default: ${DEFAULT-VALUE}).")
    double granulomaRate;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: available processors).")
    Integer threads;

    @Override
    public Integer call() {
        if (out == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
        if (!(minNodule > 0 && minNodule <= maxNodule)) {
            throw new UserFacingException("--min-nodule-mm/--max-nodule-mm: need 0 < min <= max, got " + minNodule + ", " + maxNodule);
        }
        if (!(granulomaRate >= 0 && granulomaRate <= 1)) throw new UserFacingException("--granuloma-rate must be in [0, 1], got " + granulomaRate);
        TransferSyntax ts = null;
        if (syntax != null) {
            ts = SYNTAXES.get(syntax.toLowerCase(Locale.ROOT));
            if (ts == null) throw new UserFacingException("--syntax '" + syntax + "': use one of explicit-le, implicit-le, explicit-be, deflated, rle");
        }
        PhantomModel model = PhantomModel.DEFAULT.withNoduleRange(minNodule, maxNodule)
                .withGranulomaRates(granulomaRate, PhantomModel.DEFAULT.granulomaRatePositive());
        SynthDataset.Options o = new SynthDataset.Options(sites, patientsPerSite, testPatients == null ? patientsPerSite : testPatients,
                positiveRate, prevalenceSkew, seed, small, model, ts, noise,
                threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        String version = versionLine();
        ProgressBar bar = new ProgressBar(System.err, "synth", ProgressBar.stderrIsTerminal());
        long t0 = System.nanoTime();
        SynthDataset.Summary s = SynthDataset.generate(o, out, version, commandLine(o), (done, total, bytes) -> {
                    synchronized (bar) {
                        bar.update(done, total, bytes >> 20, "MiB");
                    }
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        spec.commandLine().getOut().printf(Locale.ROOT, "synth: %d patients, %d DICOM files, %.1f MB in %.1f s -> %s%n",
                s.patients(), s.files(), s.bytes() / 1e6, seconds, out);
        return 0;
    }

    private static String versionLine() {
        try {
            return new LungflCommand.Version().getVersion()[0];
        } catch (java.io.IOException e) {
            return "lungfl (version unknown)";
        }
    }

    /** The options that determine the bytes, as a command that reproduces them (no paths, no time). */
    private String commandLine(SynthDataset.Options o) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "lungfl synth --sites %d --patients-per-site %d --test-patients %d --positive-rate %s --prevalence-skew %s --seed %d",
                o.sites(), o.patientsPerSite(), o.testPatients(), o.positiveRate(), o.prevalenceSkew(), o.seed()));
        if (small) sb.append(" --small");
        if (syntax != null) sb.append(" --syntax ").append(syntax.toLowerCase(Locale.ROOT));
        if (noise != null) sb.append(" --noise ").append(noise);
        sb.append(" --min-nodule-mm ").append(minNodule).append(" --max-nodule-mm ").append(maxNodule);
        sb.append(" --granuloma-rate ").append(granulomaRate).append(" --out DIR");
        return sb.toString();
    }
}
