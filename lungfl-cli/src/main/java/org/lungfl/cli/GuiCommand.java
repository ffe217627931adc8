package org.lungfl.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.lungfl.core.UserFacingException;
import org.lungfl.gui.DesktopClient;
import org.lungfl.gui.LaunchOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "gui", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Open the hospital's desktop client.",
            "Connect to the federation, import DICOM, look at the scans, train locally, send the update, download the "
                + "global model, run federated rounds and predict, all from one window. It remembers servers, folders and "
                + "the window between runs (~/.config/lungfl/desktop-client.json); the token stays in its file. With "
                + "--server it fills in the connection and connects at once."})
final class GuiCommand implements Callable<Integer> {
    @Mixin ServerOptions servers;

    @Option(names = "--settings", paramLabel = "FILE", description = "Where settings are remembered (default: ~/.config/lungfl/desktop-client.json).")
    Path settings;

    @Override
    public Integer call() throws InterruptedException {
        if (servers.token != null) {
            throw new UserFacingException("the desktop client reads the token from a file: give --token-file FILE instead of --token");
        }
        DesktopClient.run(new LaunchOptions(servers.server == null ? null : servers.server.toString(),
                servers.backups.stream().map(Object::toString).toList(), servers.tokenFile, servers.ca, servers.clientId, settings));
        return 0;
    }
}
