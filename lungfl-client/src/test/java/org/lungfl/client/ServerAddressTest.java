package org.lungfl.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.lungfl.core.UserFacingException;

class ServerAddressTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1,                          http://127.0.0.1:5000",
        "'  192.168.1.100  ',                http://192.168.1.100:5000",
        "fl.example.org,                     http://fl.example.org:5000",
        "fl.example.org:8443,                http://fl.example.org:8443",
        "localhost/,                         http://localhost:5000",
        "http://127.0.0.1,                   http://127.0.0.1:5000",
        "HTTPS://fl.example.org,             https://fl.example.org:5000",
        "https://fl.example.org:443/,        https://fl.example.org:443",
        "https://fl.example.org:5000/lungfl/, https://fl.example.org:5000/lungfl",
        "[::1],                              http://[::1]:5000",
        "[::1]:7000,                         http://[::1]:7000",
        "::1,                                http://[::1]:5000",
        "http://[fe80::1]:81/x,              http://[fe80::1]:81/x",
    })
    void readsHostsHostPortsAndUrlsWithTheOriginalsDefaults(String typed, String expected) {
        assertThat(ServerAddress.parse(typed)).isEqualTo(URI.create(expected));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ftp://fl.example.org      | only http:// and https://",
        "fl.example.org:http       | the port 'http' is not a number",
        "fl.example.org:70000      | outside 1-65535",
        "fl.example.org:0          | outside 1-65535",
        "fl example.org            | contains a space",
        "http://                   | no host",
        "/srv/lungfl               | no host",
        "http://user@fl.example.org | user names",
        "[::1                      | must close with ']'",
        "http://fl.example.org/?a=1 | no query",
        "bad_host!name             | not a host name",
    })
    void refusesWhatIsNotAServerAndSaysWhy(String typed, String why) {
        assertThatThrownBy(() -> ServerAddress.parse(typed)).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("server address '" + typed.strip() + "'").hasMessageContaining(why);
    }

    @Test
    void anEmptyFieldAsksForAnAddress() {
        assertThatThrownBy(() -> ServerAddress.parse("  ")).hasMessageContaining("no server address given");
        assertThatThrownBy(() -> ServerAddress.parse(null)).hasMessageContaining("no server address given");
    }
}
