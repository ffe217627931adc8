package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Issue 12, point 4: {@code lungfl --help} and every {@code lungfl COMMAND --help} read as whole
 * sentences in an 80-column terminal. Picocli prints each element of a description array on a line
 * of its own and lists a subcommand by the first element only, so an element must never be half a
 * sentence: text is wrapped by picocli, not by hand.
 */
class HelpTextTest {
    private static final int COLUMNS = 80;

    @Test
    void everySummaryAndDescriptionIsMadeOfWholeSentences() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cli : all(new CommandLine(new LungflCommand()))) {
            CommandSpec spec = cli.getCommandSpec();
            String name = spec.qualifiedName();
            String[] description = spec.usageMessage().description();
            if (description.length == 0) problems.add(name + ": no description");
            // the command list shows the first element: one sentence, at most two lines there
            else if (description[0].length() > 120 || description[0].strip().replaceAll("e\\.g\\.|i\\.e\\.", "").matches(".*[.!?] .*")) {
                problems.add(name + ": summary is not one short sentence: '" + description[0] + "'");
            }
            for (String paragraph : description) check(name + " description", paragraph, problems);
            for (ArgSpec arg : spec.args()) {
                for (String line : arg.description()) {
                    check(name + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName() : arg.paramLabel()), line,
                            problems);
                }
            }
        }
        assertThat(problems).as("help text that is not whole sentences").isEmpty();
    }

    @Test
    void everyHelpScreenFitsEightyColumns() {
        List<String> problems = new ArrayList<>();
        for (CommandLine cli : all(new CommandLine(new LungflCommand()))) {
            cli.setUsageHelpWidth(COLUMNS);
            String usage = cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
            for (String line : usage.split("\n")) {
                if (line.length() > COLUMNS) problems.add(cli.getCommandSpec().qualifiedName() + ": " + line);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theCommandListShowsEachSummaryWhole() {
        CliRun help = CliRun.lungfl("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("train").contains("evaluate").contains("predict");
        // the cut-off lines of issue 12
        assertThat(help.out()).doesNotContain("training: the baseline\n").doesNotContain("sensitivity and\n");
        for (CommandLine sub : new CommandLine(new LungflCommand()).getSubcommands().values()) {
            String summary = sub.getCommandSpec().usageMessage().description()[0];
            String listed = help.out().replaceAll("\\s+", " ");
            assertThat(listed).as(sub.getCommandName()).contains(summary.replaceAll("\\s+", " "));
        }
    }

    private static void check(String where, String text, List<String> problems) {
        String t = text.strip();
        if (t.isEmpty()) return;
        if (t.contains("\n")) problems.add(where + ": wrapped by hand: " + t);
        char last = t.charAt(t.length() - 1);
        // a paragraph ends a sentence; a list heading may end in a colon
        if (".!?:)".indexOf(last) < 0 && !t.endsWith("%n")) problems.add(where + ": does not end a sentence: '" + t + "'");
        if (Character.isLowerCase(t.charAt(0)) && !t.startsWith("e.g.")) problems.add(where + ": does not start a sentence: '" + t + "'");
    }

    private static List<CommandLine> all(CommandLine root) {
        List<CommandLine> out = new ArrayList<>(List.of(root));
        for (CommandLine sub : root.getSubcommands().values()) out.addAll(all(sub));
        return out;
    }
}
