package org.lungfl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.CandidateRecall;
import org.lungfl.dicom.dataset.Manifest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "candidates", mixinStandardHelpOptions = true,
        description = {"Report how many annotated malignant nodules the candidate detector found.",
            "For a cache imported with --annotations under a lesion-centred plan: recall by size band and by slice "
                + "spacing, the share of cancer patients found, and the oracle AUC (what a perfect classifier of the "
                + "candidates would reach)."})
final class DatasetCandidatesCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "CACHE", description = "Dataset cache imported with --annotations under a lesion-centred plan.")
    Path cache;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--top", paramLabel = "K", description = "Count only each patient's first K candidates (default: the plan's top_k).")
    Integer top;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        FederationPlan p = FederationPlan.load(plan);
        if (!p.lesionCentred()) throw new UserFacingException("plan '" + p.name() + "' has no candidate detector");
        int k = top == null ? p.candidates().topK() : top;
        if (k < 1) throw new UserFacingException("--top must be at least 1, not " + k);
        Manifest m = Manifest.read(cache);
        CandidateRecall r = CandidateRecall.of(m.patients().values(), k, p.patch().matchMm());
        if (r.cancers() == 0 && r.bands().stream().allMatch(b -> b.nodules() == 0)) {
            throw new UserFacingException(cache + ": no annotated malignant nodule (import with --annotations CSV)");
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            ObjectNode n = EvaluateCommand.JSON.valueToTree(r);
            w.println(EvaluateCommand.JSON.writeValueAsString(n));
        } else {
            w.print(describe(r));
        }
        w.flush();
        return 0;
    }

    static String describe(CandidateRecall r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "malignant nodules found by the first %d candidates of each patient:%n", r.k()));
        for (CandidateRecall.Band band : r.bands()) b.append("  ").append(band).append('\n');
        b.append("  ").append(r.atLeast8mm()).append('\n');
        b.append("by slice spacing:\n");
        for (CandidateRecall.Band band : r.byProtocol()) b.append("  ").append(band).append('\n');
        b.append(String.format(Locale.ROOT, "cancer patients with a malignant nodule found: %d/%d; oracle AUC %.3f%n", r.cancersFound(),
                r.cancers(), r.oracleAuc()));
        return b.toString();
    }
}
