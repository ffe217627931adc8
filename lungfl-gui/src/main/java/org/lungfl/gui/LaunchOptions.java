package org.lungfl.gui;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code lungfl gui} was started with. Every value may be null (then the remembered settings
 * apply); with a server given the window connects as soon as it opens.
 *
 * @param settingsFile where settings are remembered (null: {@link Settings#defaultFile()})
 */
public record LaunchOptions(String server, List<String> backups, Path tokenFile, Path caFile, String clientId, Path settingsFile) {
    public static LaunchOptions none() {
        return new LaunchOptions(null, List.of(), null, null, null, null);
    }

    boolean connectAtStart() {
        return server != null;
    }
}
