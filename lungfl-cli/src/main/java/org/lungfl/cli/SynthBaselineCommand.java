package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.synth.CacheBaseline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = {"Score a cache with a non-learned baseline and print its ROC AUC.",
            "On a cache imported by 'lungfl dataset import', scores each patient by the volume of the core of the "
                + "largest dense blob (> -300 HU) inside the lungs and prints the ROC AUC against the labels."})
final class SynthBaselineCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CACHE", description = "Cache directory written by 'lungfl dataset import'.")
    Path cache;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE",
            description = "The plan the cache was imported with (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--scores", description = "Also print each patient's score.")
    boolean printScores;

    @Override
    public Integer call() {
        CacheBaseline.Result r = CacheBaseline.run(cache, FederationPlan.load(plan));
        PrintWriter out = spec.commandLine().getOut();
        if (printScores) {
            out.println("id,cancer,largest_dense_blob_ml");
            for (CacheBaseline.Score s : r.scores()) out.printf(Locale.ROOT, "%s,%d,%.2f%n", s.key(), s.label(), s.largestBlobMl());
        }
        out.printf(Locale.ROOT, "largest dense blob in the lungs: ROC AUC %.3f over %d patients (%d with cancer)%n", r.auc(),
                r.scores().size(), r.positives());
        out.flush();
        return 0;
    }
}
