package org.lungfl.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "dicom", mixinStandardHelpOptions = true, description = "Read and check DICOM files.", subcommands = {DicomInspectCommand.class})
final class DicomCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
