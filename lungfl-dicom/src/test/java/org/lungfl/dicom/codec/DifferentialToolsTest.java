package org.lungfl.dicom.codec;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lungfl.dicom.Fixtures;

/**
 * Which tools {@link DifferentialTest} can use here: each missing one is a visible skip with the
 * package that brings it (the property itself leaves out the encodings it cannot make).
 */
class DifferentialToolsTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dcmcjpeg", "dcmdjpeg", "dcmcjpls", "dcmdjpls", "dcmcrle", "gdcmconv"})
    void toolIsInstalled(String tool) {
        assumeTrue(Fixtures.hasTool(tool), () -> tool + " is not installed (Debian " + (tool.startsWith("gdcm") ? "libgdcm-tools" : "dcmtk")
                + "): the differential test leaves out what it makes");
    }
}
