package org.lungfl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Import labelled DICOM studies into a preprocessed training cache, and report on it.", subcommands = {DatasetImportCommand.class, DatasetCandidatesCommand.class})
final class DatasetCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
