package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir Path dir;

    @Test
    void remembersServersFoldersAndLayoutButNeverTheToken() throws Exception {
        Path token = Files.writeString(dir.resolve("site.token"), "lfl_very-secret-token\n");
        Settings s = new Settings();
        s.server = "fl.example.org";
        s.backups = List.of("backup.example.org:5000");
        s.tokenFile = token.toString();
        s.dicomDir = "/archive/ct";
        s.epochs = 3;
        s.dark = true;
        s.window = new int[] {10, 20, 1200, 800};
        Path file = dir.resolve("config").resolve("desktop-client.json");
        // the window reads the token through Connection and keeps it in memory only
        assertThat(Connection.of(s.server, s.backups, s.tokenFile, "", "site-a").token()).isEqualTo("lfl_very-secret-token");
        s.save(file);
        String json = Files.readString(file);
        assertThat(json).contains("fl.example.org").contains(token.toString()).doesNotContain("lfl_very-secret-token");
        Settings back = Settings.load(file);
        assertThat(back.server).isEqualTo("fl.example.org");
        assertThat(back.backups).containsExactly("backup.example.org:5000");
        assertThat(back.epochs).isEqualTo(3);
        assertThat(back.dark).isTrue();
        assertThat(back.window).containsExactly(10, 20, 1200, 800);
    }

    @Test
    void anUnreadableFileIsSetAsideAndDefaultsApply() throws Exception {
        Path file = Files.writeString(dir.resolve("desktop-client.json"), "{not json");
        Settings s = Settings.load(file);
        assertThat(s.server).isEmpty();
        assertThat(s.rounds).isEqualTo(3);
        assertThat(dir.resolve("desktop-client.json.unreadable")).hasContent("{not json");
        assertThat(Settings.load(dir.resolve("none.json")).epochs).isNull();
    }

    @Test
    void theFieldsAreCheckedWhenConnecting() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Connection.of("fl.example.org", List.of(), dir.resolve("missing").toString(), "", "a"))
                .hasMessageContaining("missing: no such token file");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Connection.of("fl.example.org", List.of(), "", "", "a b"))
                .hasMessageContaining("site id 'a b'");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Connection.of("", List.of(), "", "", "a"))
                .hasMessageContaining("no server address given");
        assertThat(Connection.of("10.1.2.3", List.of("", "10.1.2.4:7000"), "", "", "a").servers()).extracting(Object::toString)
                .containsExactly("http://10.1.2.3:5000", "http://10.1.2.4:7000");
    }
}
