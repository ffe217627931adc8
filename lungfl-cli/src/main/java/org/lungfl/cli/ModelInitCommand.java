package org.lungfl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write the plan's deterministic initial weights (global version 0) as safetensors.")
final class ModelInitCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--plan", defaultValue = "demo", paramLabel = "demo|standard|FILE", description = "Federation plan (default: ${DEFAULT-VALUE}).")
    String plan;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output .safetensors file.")
    Path out;

    @Override
    public Integer call() {
        FederationPlan p = FederationPlan.load(plan);
        Weights w = p.initialWeights();
        ModelFiles.write(out, w, p);
        spec.commandLine().getOut().printf("wrote %s: %s, %d tensors, %d values, seed %d%n", out, p.architecture(), w.size(),
                w.parameterCount(), p.seed());
        return 0;
    }
}
