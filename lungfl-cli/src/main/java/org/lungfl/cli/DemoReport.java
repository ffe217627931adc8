package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.CandidateRecall;
import org.lungfl.model.Cohort;

/** The demo's {@code report.md} and its plot of AUC per round. */
final class DemoReport {
    static final String FILE = "report.md";
    static final String PLOT = "auc-per-round.png";

    private DemoReport() {}

    /** Printed and reported when neither AUC is distinguishable from chance, so nobody reads meaning into the ratio. */
    static final String CHANCE_NOTE = "Both intervals include 0.5: on this test set neither model is distinguishable from chance, so the "
            + "ratio means nothing yet.";

    /** Everything the report says. */
    record Summary(FederationPlan plan, int sites, List<DemoCommand.Row> rows, DemoCommand.Row federated, AucInterval federatedAuc,
            AucInterval centralAuc, Cohort.Evaluation central, int centralEpoch, int centralEpochs, int testPatients, int trainPatients,
            int validationPatients, CandidateRecall recall, Path gallery, Map<Long, JsonNode> privacy, double importSeconds,
            double federatedSeconds, double totalSeconds) {}

    static Path write(Path out, Summary s) {
        List<DemoCommand.Row> rows = s.rows();
        int rounds = rows.size() - 1;
        double[] x = new double[rows.size()], test = new double[rows.size()], val = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i).version();
            test[i] = rows.get(i).testAuc();
            val[i] = rows.get(i).validationAuc();
        }
        String plotNote;
        try {
            AucPlot.write(out.resolve(PLOT), "LungFL demo: " + s.sites() + " hospitals, FedAvg", List.of(
                    new AucPlot.Series("global model, test set", new Color(31, 119, 180), x, test, false),
                    new AucPlot.Series("global model, pooled validation", new Color(255, 127, 14), x, val, false),
                    new AucPlot.Series("centralised baseline (best epoch), test set", Color.GRAY, new double[] {0, rounds},
                            new double[] {s.centralAuc().auc(), s.centralAuc().auc()}, true)), rounds);
            plotNote = "![AUC per round](" + PLOT + ")\n";
        } catch (RuntimeException | Error headlessProblem) {
            // A JDK without fonts cannot draw text; the numbers below are the report.
            plotNote = "(no plot: " + headlessProblem + ")\n";
        }
        FederationPlan plan = s.plan();
        StringBuilder md = new StringBuilder();
        md.append("# LungFL demo report\n\n");
        md.append(String.format(Locale.ROOT, "%d synthetic hospitals trained plan '%s' (%s, input %s) together for %d rounds of FedAvg; "
                + "no scan left its hospital. Training: %d patients; validation (picks the model): %d patients, both split from the "
                + "hospitals' own; test: %d held-out patients from every site's scanner protocol.%n%n", s.sites(), plan.name(),
                plan.architecture(), java.util.Arrays.toString(plan.inputShape()), rounds, s.trainPatients(), s.validationPatients(),
                s.testPatients()));
        md.append(plotNote).append('\n');
        md.append("| global version | contributors | samples | sites' mean validation AUC | pooled validation AUC | test AUC | test candidate AUC |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (DemoCommand.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d%s | %s | %s | %s | %s | %.3f | %s |%n", r.version(),
                    r == s.federated() ? " (chosen)" : "", r.version() == 0 ? "-" : r.contributors(),
                    r.version() == 0 ? "-" : r.samples(), DemoCommand.num(r.meanLocalValidationAuc()), DemoCommand.num(r.validationAuc()),
                    r.testAuc(), DemoCommand.num(r.testCandidateAuc())));
        }
        md.append(String.format(Locale.ROOT, "%n## Federated vs centralised%n%n"
                + "Each model is the one that scored best on the pooled validation patients: a global version for the federation, "
                + "an epoch for the centralised baseline, which trains the same training patients pooled in one place for as many "
                + "epochs as each federated client trained in total.%n%n"
                + "| model | test AUC (95%% CI, Hanley-McNeil) | test candidate AUC |%n|---|---:|---:|%n"
                + "| federated (global version %d) | %s | %s |%n"
                + "| centralised (%d pooled patients, epoch %d of %d) | %s | %s |%n"
                + "| ratio federated / centralised | %.3f | |%n%n",
                s.federated().version(), s.federatedAuc(), DemoCommand.num(s.federated().testCandidateAuc()), s.trainPatients(),
                s.centralEpoch(), s.centralEpochs(), s.centralAuc(),
                DemoCommand.num(s.central().candidates() == null ? Double.NaN : s.central().candidates().auc()),
                s.federatedAuc().auc() / s.centralAuc().auc()));
        if (s.federatedAuc().includesChance() && s.centralAuc().includesChance()) md.append(CHANCE_NOTE).append("\n\n");
        if (s.recall() != null) {
            CandidateRecall r = s.recall();
            md.append(String.format(Locale.ROOT, "## Candidates%n%nThe detector's first %d candidates per test patient found these "
                    + "annotated malignant nodules (`lungfl dataset candidates`):%n%n| group | found |%n|---|---:|%n", r.k()));
            for (CandidateRecall.Band b : r.bands()) md.append("| ").append(b.name()).append(" | ").append(found(b)).append(" |\n");
            md.append("| **>= 8 mm** | ").append(found(r.atLeast8mm())).append(" |\n");
            for (CandidateRecall.Band b : r.byProtocol()) md.append("| ").append(b.name()).append(" | ").append(found(b)).append(" |\n");
            md.append(String.format(Locale.ROOT, "%nCancer patients with a malignant nodule among their candidates: %d of %d. A perfect "
                    + "classifier of these candidates would reach a patient AUC of %.3f (the oracle): that is the ceiling of the "
                    + "pipeline on this test set; the federated model reaches %.0f%% of it.%n%n", r.cancersFound(), r.cancers(),
                    r.oracleAuc(), 100 * s.federatedAuc().auc() / r.oracleAuc()));
        }
        if (s.gallery() != null) {
            md.append("## Findings of the federated model\n\n").append("![findings](").append(s.gallery().getFileName()).append(")\n\n")
                    .append(FindingsGallery.CAPTION).append("\n\n");
        }
        if (!s.privacy().isEmpty()) {
            // A plan with DP-FedAvg: the accountant's ε after each version, as /api/v1/history reports it.
            md.append("## Differential privacy\n\nDP-FedAvg's privacy loss after each global version (Rényi accounting, every site counted in "
                    + "every round; docs/aggregation.md). The federation has spent the last one's: every published version counts, not "
                    + "only the chosen one.\n\n| global version | ε | δ |\n|---:|---:|---:|\n");
            s.privacy().forEach((v, dp) -> md.append(String.format(Locale.ROOT, "| %d | %.2f | %.0e |%n", v, dp.path("epsilon").asDouble(),
                    dp.path("delta").asDouble())));
            md.append('\n');
        }
        md.append(String.format(Locale.ROOT, "\"Sites' mean validation AUC\" is the sample-weighted mean of the AUCs each hospital measured "
                + "on its own validation patients after its local training (reported to the server with the update, "
                + "`GET /api/v1/history`). Version 0 is the plan's deterministic initialisation.%n%n"
                + "Time: import %.0f s, federation %.0f s, whole demo %.0f s on %d cores.%n%n"
                + "Files: `global-model.safetensors` (the chosen global version), `centralised-model.safetensors`, "
                + "`sites/<site>/rounds.csv` (each client's per-round metrics), `server/` (the server's data dir: versions, audit log, "
                + "`validation.jsonl`).%n", s.importSeconds(), s.federatedSeconds(), s.totalSeconds(), Runtime.getRuntime().availableProcessors()));
        Path file = out.resolve(FILE);
        try {
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write the report: " + e.getMessage(), e);
        }
        return file;
    }

    private static String found(CandidateRecall.Band b) {
        return b.nodules() == 0 ? "-" : String.format(Locale.ROOT, "%d/%d (%.0f%%)", b.found(), b.nodules(), 100 * b.recall());
    }
}
