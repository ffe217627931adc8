package org.lungfl.cli;

import org.lungfl.core.UserFacingException;
import picocli.CommandLine;

/** Entry point of the {@code lungfl} command. Exit codes: 0 ok, 1 failure, 2 usage, 3 partial success. */
public final class Main {
    /** An import (or other batch) that did part of its work and skipped the rest, listing what and why. */
    public static final int PARTIAL_SUCCESS = 3;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI without exiting the JVM, so tests can call it in-process. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new LungflCommand());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("lungfl: " + oneLine(ex));
            if (System.getenv("LUNGFL_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    /** Expected failures carry a complete message; anything else is named by its type too. */
    static String oneLine(Throwable ex) {
        if (ex instanceof UserFacingException) return ex.getMessage();
        String msg = ex.getMessage();
        return ex.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""))
                + " (set LUNGFL_DEBUG=1 for details)";
    }
}
