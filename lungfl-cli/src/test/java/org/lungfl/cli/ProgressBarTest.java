package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void trainingCountsBatchesOverAllEpochsAndShowsEpochAndLoss() {
        ProgressBar bar = new ProgressBar(err, "centralised training", false);
        bar.training(2, 4, 1, 3, 0.9);
        assertThat(printed()).as("a log line only every few seconds or at the end").isEmpty();
        bar.training(4, 4, 3, 3, 0.25);
        assertThat(printed()).isEqualTo("centralised training: 12/12, epoch 4/4, loss 0.250" + System.lineSeparator());
    }

    @Test
    void terminalBarIsRedrawnInPlaceAndEndsTheLineWhenDone() {
        ProgressBar bar = new ProgressBar(err, "import", true);
        bar.update(1, 2, 10, "slices");
        bar.update(2, 2, 20, "slices");
        String out = printed();
        assertThat(out).startsWith("\rimport [###############               ] 1/2, 10 slices, ")
                .contains("\rimport [##############################] 2/2, 20 slices, ").endsWith(System.lineSeparator());
        assertThat(out).containsPattern("20 slices, \\d+ slices/s");
    }
}
