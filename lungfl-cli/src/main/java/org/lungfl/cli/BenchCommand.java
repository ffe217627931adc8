package org.lungfl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks against the reference implementations, side by side.", subcommands = {DicomBenchCommand.class, BenchImportCommand.class, BenchTrainCommand.class, BenchServerCommand.class, BenchCandidatesCommand.class, BenchRobustnessCommand.class})
final class BenchCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
