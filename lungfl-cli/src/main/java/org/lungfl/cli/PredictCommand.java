package org.lungfl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.model.LungModel;
import org.lungfl.model.StudyVolume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Give the cancer probability of one CT study.",
            "Imports the folder's CT series with the plan's preprocessing (as 'dataset import' does) and runs the "
                + "model on it."})
final class PredictCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Weights (.safetensors).")
    Path model;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Parameters(paramLabel = "DICOM_DIR", description = "Folder with the study's DICOM files (any layout below it).")
    Path dicom;

    @Override
    public Integer call() throws Exception {
        FederationPlan p = FederationPlan.load(plan);
        var weights = ModelFiles.read(model, p);
        StudyVolume.Loaded study = StudyVolume.load(dicom, p);
        double probability;
        try (LungModel m = LungModel.of(p, weights)) {
            probability = m.probability(study.volume().data());
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = EvaluateCommand.JSON.createObjectNode();
            node.put("probability", probability);
            node.put("slices", study.slices());
            node.put("series_choice", study.seriesChoice());
            node.put("unreadable_files", study.unreadableFiles());
            w.println(EvaluateCommand.JSON.writeValueAsString(node));
        } else {
            w.printf(Locale.ROOT, "cancer probability %.4f (%d slices; %s%s)%n", probability, study.slices(), study.seriesChoice(),
                    study.unreadableFiles() > 0 ? "; " + study.unreadableFiles() + " unreadable file(s) skipped" : "");
        }
        w.flush();
        return 0;
    }
}
