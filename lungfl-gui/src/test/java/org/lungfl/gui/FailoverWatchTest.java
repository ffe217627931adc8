package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lungfl.client.FlClientException;

class FailoverWatchTest {
    static final URI PRIMARY = URI.create("http://a:5000"), BACKUP = URI.create("http://b:5000");
    static final ZoneId UTC = ZoneOffset.UTC;

    private static FlClientException refused() {
        return new FlClientException("server http://a:5000 unreachable: ConnectException", new ConnectException());
    }

    @Test
    void saysOnceWhenItMovedToTheBackupSinceWhenAndWhyAndWhenItIsBack() {
        List<String> events = new ArrayList<>();
        Instant[] now = {Instant.parse("2026-12-05T12:03:40Z")};
        FailoverWatch w = new FailoverWatch(new Clock() {
            @Override public ZoneId getZone() {
                return UTC;
            }

            @Override public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override public Instant instant() {
                return now[0];
            }
        }, events::add);
        w.reset(PRIMARY);
        assertThat(w.banner(UTC)).isNull();
        w.switched(PRIMARY, BACKUP, refused());
        assertThat(w.banner(UTC)).isEqualTo("using backup http://b:5000 since 12:03: primary unreachable: connection refused");
        // another client of the window lands on the same backup later: the clock is not restarted
        now[0] = now[0].plusSeconds(600);
        w.switched(PRIMARY, BACKUP, refused());
        assertThat(w.banner(UTC)).startsWith("using backup http://b:5000 since 12:03");
        w.answered(BACKUP);
        assertThat(w.onBackup()).isTrue();
        w.answered(PRIMARY);
        assertThat(w.banner(UTC)).isNull();
        assertThat(events).containsExactly("failover: now using backup http://b:5000 (primary unreachable: connection refused)",
                "back on the primary server http://a:5000");
    }

    @Test
    void beforeAnyConnectionNothingIsReported() {
        List<String> events = new ArrayList<>();
        FailoverWatch w = new FailoverWatch(Clock.systemUTC(), events::add);
        w.switched(PRIMARY, BACKUP, refused());
        w.answered(PRIMARY);
        assertThat(events).isEmpty();
        assertThat(w.banner(UTC)).isNull();
    }
}
