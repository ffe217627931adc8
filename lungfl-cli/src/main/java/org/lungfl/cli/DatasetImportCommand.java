package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.SeriesWarning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import labelled DICOM CT studies (one folder per patient) into a cache of preprocessed volumes.",
            "Writes float32 volumes (CACHE/<key>.npy) and CACHE/manifest.json (docs/preprocessing.md). Resumes: patients "
                + "already imported with the same plan preprocessing are skipped, also after the import was killed. "
                + "Unreadable files, unlabeled patients and labels without data are skipped and reported at the end."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every patient folder was imported (or already done)",
            "1:nothing was imported, or the input or cache is unusable",
            "2:usage error",
            Main.PARTIAL_SUCCESS + ":partial success: some patients or files were skipped (listed in the output)"})
final class DatasetImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dicom", required = true, paramLabel = "DIR", description = "Folder with one sub-folder per patient.")
    Path dicom;

    @Option(names = "--labels", required = true, paramLabel = "CSV",
            description = "Labels: 'id,cancer' (Kaggle DSB2017, id = folder name) or 'PatientID,label'.")
    Path labels;

    @Option(names = "--annotations", paramLabel = "CSV",
            description = "Nodule annotations, needed to train a lesion-centred plan: LungFL's nodules.csv or LUNA16's "
                    + "annotations.csv layout (seriesuid,coordX,coordY,coordZ,diameter_mm[,malignant]).")
    Path annotations;

    @Option(names = "--out", required = true, paramLabel = "CACHE", description = "Cache directory (created if needed).")
    Path out;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE",
            description = "Federation plan giving the preprocessing (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public Integer call() {
        FederationPlan p = FederationPlan.load(plan);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1 || n > 256) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be in 1..256, got " + n);
        PrintWriter outWriter = spec.commandLine().getOut();
        ProgressBar bar = new ProgressBar(System.err, "import", ProgressBar.stderrIsTerminal());
        ExecutorService pool = Executors.newFixedThreadPool(n, daemon());
        DatasetImporter.Summary s;
        try {
            s = new DatasetImporter(p, DicomReader::read, pool).run(dicom, labels, annotations, out, new DatasetImporter.Listener() {
                @Override public void started(int patients) {
                    bar.update(0, patients, 0, "slices");
                }

                @Override public void patientDone(int done, int total, long slices) {
                    bar.update(done, total, slices, "slices");
                }
            });
        } finally {
            pool.shutdownNow();
        }
        print(s, outWriter, p);
        return exitCode(s);
    }

    static int exitCode(DatasetImporter.Summary s) {
        if (s.imported().isEmpty() && s.alreadyDone().isEmpty()) return 1;
        return s.skipped().isEmpty() && s.unreadableFiles().isEmpty() ? 0 : Main.PARTIAL_SUCCESS;
    }

    static void print(DatasetImporter.Summary s, PrintWriter w, FederationPlan p) {
        int code = exitCode(s);
        w.printf("imported %d patient(s) (%d slices), %d already done, %d skipped, %d unreadable file(s)%s%n",
                s.imported().size(), s.slicesImported(), s.alreadyDone().size(), s.skipped().size(), s.unreadableFiles().size(),
                code == Main.PARTIAL_SUCCESS ? ": partial success (exit status " + code + ")" : "");
        for (Manifest.Entry e : s.imported()) {
            w.printf("  %s: label %d, series %s (%s)%n", e.key(), e.label(), e.sourceSeriesUid(), e.seriesChoice());
            for (SeriesWarning warning : e.warnings()) w.printf("    warning %s%n", warning);
        }
        if (!s.skipped().isEmpty()) {
            w.println("skipped:");
            for (Manifest.Skip k : s.skipped()) w.printf("  %s: %s%n", k.key(), k.reason());
        }
        if (!s.unreadableFiles().isEmpty()) {
            w.println("unreadable files (skipped):");
            for (Map.Entry<Path, String> e : s.unreadableFiles().entrySet()) w.printf("  %s%n", e.getValue());
        }
        if (!s.labelsWithoutData().isEmpty()) {
            w.printf("labels without data (%d): %s%n", s.labelsWithoutData().size(), String.join(", ", s.labelsWithoutData()));
        }
        w.printf("plan %s, preprocess fingerprint %s%n", p.name(), p.preprocessFingerprint().substring(0, 16));
        w.flush();
    }

    static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "lungfl-import");
            t.setDaemon(true);
            return t;
        };
    }
}
