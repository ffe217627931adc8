package org.lungfl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.volume.Preprocessor;
import org.lungfl.model.LesionPredictor;
import org.lungfl.model.LungModel;
import org.lungfl.model.StudyVolume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Give the cancer probability of one CT study.",
            "Reads the folder's CT series with the plan's preprocessing (as 'dataset import' does) and runs the model "
                + "on it. A lesion-centred plan also lists the top findings, each with its position in patient "
                + "coordinates (LPS, mm), approximate size and probability."})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Weights (.safetensors).")
    Path model;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--findings", defaultValue = "5", paramLabel = "N", description = "Findings to list (default: ${DEFAULT-VALUE}).")
    int findings;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Parameters(paramLabel = "DICOM_DIR", description = "Folder with the study's DICOM files (any layout below it).")
    Path dicom;

    @Override
    public Integer call() throws Exception {
        FederationPlan p = FederationPlan.load(plan);
        if (findings < 0 || findings > 1000) throw new ParameterException(spec.commandLine(), "--findings must be in 0..1000, got " + findings);
        var weights = ModelFiles.read(model, p);
        StudyVolume.Study study = StudyVolume.read(dicom, p);
        double probability;
        List<LesionPredictor.Finding> found = List.of();
        int candidates = 0;
        try (LungModel m = LungModel.of(p, weights)) {
            if (p.lesionCentred()) {
                LesionPredictor.Result r = LesionPredictor.predict(m, p, study, findings);
                probability = r.probability();
                found = r.findings();
                candidates = r.candidates();
            } else {
                probability = m.probability(new Preprocessor(p.preprocess()).normalizeAndFrame(study.hu()).data());
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = EvaluateCommand.JSON.createObjectNode();
            node.put("probability", probability);
            node.put("slices", study.slices());
            node.put("series_choice", study.seriesChoice());
            node.put("unreadable_files", study.unreadableFiles());
            if (p.lesionCentred()) {
                node.put("candidates", candidates);
                var list = node.putArray("findings");
                for (LesionPredictor.Finding f : found) {
                    var o = list.addObject();
                    o.put("rank", f.rank());
                    o.putArray("position_mm").add(round(f.positionMm()[0])).add(round(f.positionMm()[1])).add(round(f.positionMm()[2]));
                    o.put("size_mm", round(f.sizeMm()));
                    o.put("probability", f.probability());
                    o.put("detector_score", f.detectorScore());
                }
            }
            w.println(EvaluateCommand.JSON.writeValueAsString(node));
        } else {
            w.printf(Locale.ROOT, "cancer probability %.4f (%d slices; %s%s)%n", probability, study.slices(), study.seriesChoice(),
                    study.unreadableFiles() > 0 ? "; " + study.unreadableFiles() + " unreadable file(s) skipped" : "");
            if (p.lesionCentred()) {
                w.printf("%d candidates; top findings (patient coordinates, LPS mm):%n", candidates);
                for (LesionPredictor.Finding f : found) {
                    w.printf(Locale.ROOT, "  %d. x %.1f, y %.1f, z %.1f: about %.0f mm, probability %.3f%n", f.rank(), f.positionMm()[0],
                            f.positionMm()[1], f.positionMm()[2], f.sizeMm(), f.probability());
                }
            }
        }
        w.flush();
        return 0;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
