package org.lungfl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lungfl.server.StoreMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy a federation from a data dir into an empty PostgreSQL database in one transaction: versions, queue, update ids,"
            + " tokens and audit log. The hash chain is checked in the database before the copy commits.",
            "Stop the server on the data dir first (it holds server.lock)."})
final class ServerMigrateCommand implements Callable<Integer> {
    @Option(names = "--from-data-dir", required = true, paramLabel = "DIR", description = "The data dir of a stopped server.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "URL", description = "The empty database, as postgresql://HOST:PORT/DATABASE?user=NAME.")
    String to;

    @Override
    public Integer call() throws Exception {
        StoreMigration.Report r = StoreMigration.copy(from, to, System.out);
        System.out.printf("migrated: global version %d (%d versions kept with bytes), %d queued, %d update ids, %d tokens, %d audit events;"
                + " %d hash-chain links verified. Start the servers with --store.%n", r.versionRows() - 1, r.versionsKept(), r.queued(), r.updateIds(),
                r.tokens(), r.auditEvents(), r.chainLinksChecked());
        return 0;
    }
}
