package org.lungfl.server;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The server only moves and averages float arrays: DJL and the DICOM stack must stay out of it. */
class NoHeavyDependencyTest {
    @Test
    void neitherDjlNorDicomIsOnTheServersClasspath() {
        assertThatThrownBy(() -> Class.forName("ai.djl.Model")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.lungfl.dicom.DicomException")).isInstanceOf(ClassNotFoundException.class);
    }
}
