package org.lungfl.gui;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.client.FederatedTrainingCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the desktop client remembers between runs: servers, the paths of the token and CA files
 * (never the token: it stays in its file), folders, training choices, theme and window layout.
 * Kept as JSON in the user's configuration folder ({@code $XDG_CONFIG_HOME/lungfl} or
 * {@code ~/.config/lungfl}); a file that cannot be read is set aside and defaults are used.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.PUBLIC_ONLY)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Settings {
    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    static final String FILE = "desktop-client.json";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public String server = "";
    public List<String> backups = new ArrayList<>();
    public String tokenFile = "";
    public String caFile = "";
    public String clientId = "";
    public String dicomDir = "";
    public String labelsCsv = "";
    /** Nodule annotations (nodules.csv, LUNA16's annotations.csv); "" when the site has none. */
    public String annotationsCsv = "";
    /** Where cache, models and rounds.csv go. */
    public String siteDir = "";
    /** null: the plan's epochs_per_round. */
    public Integer epochs;
    public int rounds = 3;
    public boolean dark;
    /** x, y, width, height of the window; null until it was closed once. */
    public int[] window;
    public int tab;

    /** The default configuration file: {@code -Dlungfl.gui.settings} when set (tests), else in the user's config folder. */
    public static Path defaultFile() {
        String override = System.getProperty("lungfl.gui.settings");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("lungfl").resolve(FILE);
    }

    public static Settings load(Path file) {
        if (!Files.isRegularFile(file)) return new Settings();
        try {
            Settings s = JSON.readValue(file.toFile(), Settings.class);
            if (s.backups == null) s.backups = new ArrayList<>();
            return s;
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOG.warn("{}: unreadable settings ({}); starting from defaults, the file is kept as {}", file, ErrorWords.oneLine(e.getMessage()), aside);
            try {
                Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException ignored) {
                // defaults either way
            }
            return new Settings();
        }
    }

    /** Written atomically; a failure is logged, never fatal: settings are a convenience. */
    public void save(Path file) {
        try {
            Files.createDirectories(file.getParent());
            FederatedTrainingCycle.save(file, JSON.writeValueAsBytes(this));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: cannot save settings: {}", file, ErrorWords.oneLine(e.getMessage()));
        }
    }

    /** The site folder to use: as set, else {@code ~/lungfl-site}. */
    public Path siteFolder() {
        return siteDir == null || siteDir.isBlank() ? Path.of(System.getProperty("user.home"), "lungfl-site") : Path.of(siteDir);
    }
}
