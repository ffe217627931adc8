package org.lungfl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of the {@code lungfl} command: what a user would see, and its exit code. */
record CliRun(int exit, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Runs {@code lungfl ARGS...} through {@link Main#run}, capturing stdout and stderr. */
    static synchronized CliRun lungfl(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Stdout as JSON lines (the {@code --json} outputs). */
    List<JsonNode> json() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : out.split("\n")) if (!l.isBlank()) lines.add(JSON.readTree(l));
        return lines;
    }
}
