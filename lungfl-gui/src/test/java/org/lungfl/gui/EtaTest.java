package org.lungfl.gui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EtaTest {
    @Test
    void theTimeLeftAtThePaceSoFar() {
        assertThat(Eta.left(Duration.ofSeconds(10), 0, 8)).isNull();
        assertThat(Eta.left(Duration.ofSeconds(10), 2, 8)).isEqualTo("about 30 s left");
        assertThat(Eta.left(Duration.ofMillis(100), 1, 2)).isEqualTo("about 1 s left");
        assertThat(Eta.left(Duration.ofMinutes(3), 1, 4)).isEqualTo("about 9 min left");
        assertThat(Eta.left(Duration.ofHours(1), 1, 3)).isEqualTo("about 2.0 h left");
        assertThat(Eta.left(Duration.ofSeconds(10), 8, 8)).isNull();
    }
}
