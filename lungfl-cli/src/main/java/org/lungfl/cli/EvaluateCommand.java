package org.lungfl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.metrics.ConfusionMatrix;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.model.Cohort;
import org.lungfl.model.LungModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score a model on every patient of a dataset cache.",
            "Reports ROC AUC with its 95% confidence interval, accuracy, sensitivity and specificity at 0.5 and at "
                + "Youden's threshold, log loss, Brier score and confusion matrices; for a lesion-centred plan also the "
                + "same per candidate, where nodules are annotated."})
final class EvaluateCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "Weights (.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "CACHE", description = "Dataset cache made by 'lungfl dataset import'.")
    Path data;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--json", description = "Print JSON (metrics and per-patient probabilities).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FederationPlan p = FederationPlan.load(plan);
        Cohort cohort = Cohort.read(data, p);
        Cohort.Evaluation r;
        try (LungModel m = LungModel.of(p, ModelFiles.read(model, p))) {
            r = cohort.evaluate(m);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = JSON.createObjectNode();
            node.set("metrics", JSON.valueToTree(r.patients()));
            AucInterval ci = interval(r.patients());
            node.putArray("auc_95ci").add(ci.lower()).add(ci.upper());
            if (r.candidates() != null) node.set("candidate_metrics", JSON.valueToTree(r.candidates()));
            var predictions = node.putArray("predictions");
            for (var s : r.scores()) {
                predictions.addObject().put("key", s.key()).put("label", s.label()).put("probability", s.probability());
            }
            w.println(JSON.writeValueAsString(node));
        } else {
            w.print(describe("evaluation", r.patients()));
            if (r.candidates() != null) w.print(describe("candidates", r.candidates()));
        }
        w.flush();
        return 0;
    }

    static AucInterval interval(BinaryMetrics m) {
        return AucInterval.of(m.auc(), m.positives(), m.count() - m.positives());
    }

    /** Lines for a user; "candidates" metrics count candidates and malignant nodules, everything else patients and cancers. */
    static String describe(String what, BinaryMetrics m) {
        StringBuilder b = new StringBuilder();
        boolean candidates = what.contains("candidates");
        b.append(String.format(Locale.ROOT, "%s on %d %s (%d %s): AUC %s, log loss %.4f, Brier %.4f%n", what,
                m.count(), candidates ? "candidates" : "patients", m.positives(), candidates ? "on a malignant nodule" : "cancer",
                interval(m), m.logLoss(), m.brier()));
        b.append(line("at 0.5", m.atHalf()));
        b.append(line(String.format(Locale.ROOT, "at Youden %.3f", m.atYouden().threshold()), m.atYouden()));
        return b.toString();
    }

    private static String line(String label, ConfusionMatrix c) {
        return String.format(Locale.ROOT, "  %-16s accuracy %.3f, sensitivity %.3f, specificity %.3f (TP %d, FP %d, TN %d, FN %d)%n",
                label + ":", c.accuracy(), c.sensitivity(), c.specificity(), c.tp(), c.fp(), c.tn(), c.fn());
    }
}
