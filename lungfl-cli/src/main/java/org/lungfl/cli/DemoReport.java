package org.lungfl.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.AucInterval;
import org.lungfl.core.plan.FederationPlan;

/** The demo's {@code report.md} and its plot of AUC per round. */
final class DemoReport {
    static final String FILE = "report.md";
    static final String PLOT = "auc-per-round.png";

    private DemoReport() {}

    /** Printed and reported when neither AUC is distinguishable from chance, so nobody reads meaning into the ratio. */
    static final String CHANCE_NOTE = "Both intervals include 0.5: on this test set neither model is distinguishable from chance, so the "
            + "ratio means nothing yet (cnn3d-v1 does not learn the synthetic nodules in the demo's budget; docs/synthetic-data.md, "
            + "'Learnability').";

    static Path write(Path out, FederationPlan plan, int sites, List<DemoCommand.Row> rows, AucInterval fedAuc, AucInterval centralAuc, int testPatients,
            int pooledPatients, int epochs, double federatedSeconds, double totalSeconds) {
        int rounds = rows.size() - 1;
        double[] x = new double[rows.size()], test = new double[rows.size()], val = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = rows.get(i).version();
            test[i] = rows.get(i).testAuc();
            val[i] = rows.get(i).meanValidationAuc();
        }
        String plotNote;
        try {
            AucPlot.write(out.resolve(PLOT), "LungFL demo: " + sites + " hospitals, FedAvg", List.of(
                    new AucPlot.Series("global model, test set", new Color(31, 119, 180), x, test, false),
                    new AucPlot.Series("mean local validation", new Color(255, 127, 14), x, val, false),
                    new AucPlot.Series("centralised baseline, test set", Color.GRAY, new double[] {0, rounds},
                            new double[] {centralAuc.auc(), centralAuc.auc()}, true)), rounds);
            plotNote = "![AUC per round](" + PLOT + ")\n";
        } catch (RuntimeException | Error headlessProblem) {
            // A JDK without fonts cannot draw text; the numbers below are the report.
            plotNote = "(no plot: " + headlessProblem + ")\n";
        }
        StringBuilder md = new StringBuilder();
        md.append("# LungFL demo report\n\n");
        md.append(String.format(Locale.ROOT, "%d synthetic hospitals trained plan '%s' (%s, input %s) together for %d rounds of FedAvg; "
                + "no scan left its hospital. Test set: %d held-out patients from every site's scanner protocol.%n%n", sites, plan.name(),
                plan.architecture(), java.util.Arrays.toString(plan.preprocess().targetShape()), rounds, testPatients));
        md.append(plotNote).append('\n');
        md.append("| global version | contributors | samples | mean local validation AUC | global model test AUC |\n");
        md.append("|---:|---:|---:|---:|---:|\n");
        for (DemoCommand.Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %.3f |%n", r.version(), r.version() == 0 ? "-" : r.contributors(),
                    r.version() == 0 ? "-" : r.samples(), Double.isNaN(r.meanValidationAuc()) ? "-"
                            : String.format(Locale.ROOT, "%.3f", r.meanValidationAuc()), r.testAuc()));
        }
        md.append(String.format(Locale.ROOT, "%n## Federated vs centralised%n%n"
                + "| model | test AUC (95%% CI, Hanley-McNeil) |%n|---|---:|%n| federated (global version %d) | %s |%n"
                + "| centralised (%d pooled patients, %d epochs) | %s |%n| ratio federated / centralised | %.3f |%n%n",
                rows.get(rows.size() - 1).version(), fedAuc, pooledPatients, epochs, centralAuc, fedAuc.auc() / centralAuc.auc()));
        if (fedAuc.includesChance() && centralAuc.includesChance()) md.append(CHANCE_NOTE).append("\n\n");
        md.append(String.format(Locale.ROOT, "Version 0 is the plan's deterministic initialisation. \"Mean local validation AUC\" is the "
                + "sample-weighted mean of the AUCs each hospital measured on its own held-out patients after its local training "
                + "(reported to the server with the update, `GET /api/v1/history`). The centralised baseline trains the same "
                + "training patients pooled in one place for as many epochs as each federated client trained in total.%n%n"
                + "Federated part: %.0f s; whole demo: %.0f s on %d cores.%n%n"
                + "Files: `global-model.safetensors` (final global model), `centralised-model.safetensors`, `sites/<site>/rounds.csv` "
                + "(each client's per-round metrics), `server/` (the server's data dir: versions, audit log, `validation.jsonl`).%n",
                federatedSeconds, totalSeconds, Runtime.getRuntime().availableProcessors()));
        Path file = out.resolve(FILE);
        try {
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write the report: " + e.getMessage(), e);
        }
        return file;
    }
}
