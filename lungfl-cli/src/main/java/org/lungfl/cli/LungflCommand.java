package org.lungfl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
        name = "lungfl",
        mixinStandardHelpOptions = true,
        versionProvider = LungflCommand.Version.class,
        description = "Federated learning for lung-cancer detection on CT: hospitals share a model, never scans.",
        subcommands = {DicomCommand.class, DatasetCommand.class, BenchCommand.class, SynthCommand.class, ModelCommand.class, TrainCommand.class,
            EvaluateCommand.class, PredictCommand.class, ServerCommand.class, SimulateCommand.class, ClientCommand.class, GuiCommand.class, DemoCommand.class})
public final class LungflCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = LungflCommand.class.getResourceAsStream("/lungfl-version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {
                "lungfl " + p.getProperty("version", "unknown"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
