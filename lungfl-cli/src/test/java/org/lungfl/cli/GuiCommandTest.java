package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.GraphicsEnvironment;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `lungfl gui` on the command line; the window itself is tested in lungfl-gui under Xvfb. */
class GuiCommandTest {
    @TempDir Path dir;

    @Test
    void readsTheTokenOnlyFromItsFileAndTheServerInEveryForm() {
        CliRun token = CliRun.lungfl("gui", "--token", "lfl_secret");
        assertThat(token.exit()).isEqualTo(1);
        assertThat(token.err()).contains("reads the token from a file: give --token-file FILE");

        CliRun address = CliRun.lungfl("gui", "--server", "ftp://fl.example.org");
        assertThat(address.exit()).isEqualTo(2);
        assertThat(address.err()).contains("server address 'ftp://fl.example.org': only http:// and https://");

        CliRun help = CliRun.lungfl("gui", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--server=URL").contains("--backup=URL").contains("--token-file=FILE").contains("--ca=PEM")
                .contains("--settings=FILE");
    }

    @Test
    void saysSoWhenThereIsNoScreen() {
        Assumptions.assumeTrue(GraphicsEnvironment.isHeadless(), "this JVM has a display; the window test covers that case");
        CliRun r = CliRun.lungfl("gui", "--settings", dir.resolve("s.json").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("the desktop client needs a screen").contains("lungfl client");
    }
}
