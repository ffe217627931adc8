package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code lungfl server} is parsed with the server's commands only (a faster start): it must read as the full tree does. */
class ServerCommandLineTest {
    private static CommandLine fullTree(String... path) {
        CommandLine c = new CommandLine(new LungflCommand());
        for (String name : path) c = c.getSubcommands().get(name);
        return c;
    }

    @Test
    void serverHelpIsTheFullTreesServerHelp() {
        for (String[] path : new String[][] {{"server"}, {"server", "token"}, {"server", "token", "add"}}) {
            String[] args = java.util.Arrays.copyOf(path, path.length + 1);
            args[path.length] = "--help";
            CliRun help = CliRun.lungfl(args);
            assertThat(help.exit()).isZero();
            assertThat(help.out()).as(String.join(" ", args)).isEqualTo(fullTree(path).getUsageMessage());
        }
    }

    @Test
    void aMistypedServerOptionIsAUsageErrorNamingIt() {
        CliRun run = CliRun.lungfl("server", "--max-client", "3");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'--max-client'").contains("Possible solutions: --max-clients");
    }
}
