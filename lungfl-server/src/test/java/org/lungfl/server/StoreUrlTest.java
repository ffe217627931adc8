package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

/** --store URLs as libpq writes them; the password from a file, PGPASSWORD or a .pgpass, never from the command line. */
class StoreUrlTest {
    @TempDir Path dir;

    @Test
    void theUrlNamesHostPortDatabaseUserAndDriverOptions() {
        StoreUrl u = StoreUrl.parse("postgresql://db.example.org:6543/fl?user=lungfl&sslmode=verify-full&pool_size=8", Map.of());
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.org:6543/fl");
        assertThat(u.user()).isEqualTo("lungfl");
        assertThat(u.poolSize()).isEqualTo(8);
        assertThat(u.driver().getProperty("sslmode")).isEqualTo("verify-full");
        assertThat(u.password()).isNull();
        assertThat(StoreUrl.parse("postgres://h/db?user=x", Map.of()).port()).isEqualTo(5432);
    }

    @Test
    void thePasswordComesFromAFileThenPgpasswordThenPgpass() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        Path pgpass = Files.writeString(dir.resolve("pgpass"), "# comment\nother:5432:*:*:no\ndb.example.org:5432:fl:lungfl:pa\\:ss\n");
        Map<String, String> env = Map.of("PGPASSFILE", pgpass.toString());
        assertThat(StoreUrl.parse("postgresql://db.example.org/fl?user=lungfl&password_file=" + file, env).password()).isEqualTo("from-file");
        assertThat(StoreUrl.parse("postgresql://db.example.org/fl?user=lungfl", Map.of("PGPASSWORD", "env", "PGPASSFILE", pgpass.toString()))
                .password()).isEqualTo("env");
        assertThat(StoreUrl.parse("postgresql://db.example.org/fl?user=lungfl", env).password()).isEqualTo("pa:ss");
        assertThat(StoreUrl.parse("postgresql://db.example.org/other?user=x", env).password()).isNull();
    }

    @Test
    void aPasswordOnTheCommandLineOrAMalformedUrlIsRefusedAndNeverEchoed() {
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://h/db?user=x&password=secret", Map.of())).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("no password in the URL").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://x:secret@h/db", Map.of())).isInstanceOf(UserFacingException.class)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://h/?user=x", Map.of())).hasMessageContaining("no database name");
        assertThatThrownBy(() -> StoreUrl.parse("postgresql://h/db?user=x&pool_size=1", Map.of())).hasMessageContaining("pool_size");
        assertThat(StoreUrl.redact("postgresql://u:secret@h/db?password=two")).doesNotContain("secret").doesNotContain("two");
        assertThatThrownBy(() -> ServerConfig.defaults(dir, Uploads.PLAN).withStore("mysql://h/db")).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("postgresql://HOST:PORT/DATABASE");
    }
}
