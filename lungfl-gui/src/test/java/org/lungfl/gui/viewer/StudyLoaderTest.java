package org.lungfl.gui.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.StopSignal;
import org.lungfl.client.TinyFederation;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;

/** A synthetic study (DICOM written by lungfl-synth) read for the viewer: its grid, its place in the patient, its HU. */
class StudyLoaderTest {
    @TempDir static Path dir;
    static Path study;
    static List<DicomFile> files = new ArrayList<>();

    @BeforeAll
    static void oneTinyPatient() throws Exception {
        TinyFederation.sites(dir.resolve("data"), 1, 1);
        try (Stream<Path> s = Files.list(dir.resolve("data").resolve("site-1").resolve("dicom"))) {
            study = s.findFirst().orElseThrow();
        }
        try (Stream<Path> s = Files.walk(study)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) files.add(DicomReader.read(f));
        }
    }

    @Test
    void keepsTheSeriesGridAndPlacesItInThePatient() {
        List<int[]> reported = new ArrayList<>();
        ViewerVolume v = StudyLoader.load(study, new StopSignal(), (done, total) -> reported.add(new int[] {done, total}));
        DicomFile any = files.get(0);
        double[] ps = any.pixelSpacing();
        assertThat(v.depth()).isEqualTo(files.size());
        assertThat(v.height()).isEqualTo(any.imageDescriptor().rows());
        assertThat(v.width()).isEqualTo(any.imageDescriptor().columns());
        assertThat(v.spacing()[1]).isEqualTo(ps[0], within(1e-9));
        assertThat(v.spacing()[2]).isEqualTo(ps[1], within(1e-9));
        // voxel (0,0,0) is the first pixel of the slice lowest along the normal (feet for axial CT)
        DicomFile lowest = files.stream().min((a, b) -> Double.compare(a.imagePositionPatient()[2], b.imagePositionPatient()[2])).orElseThrow();
        assertThat(v.origin()).containsExactly(lowest.imagePositionPatient());
        assertThat(v.headTowardsHigherZ()).isTrue();
        double[] mm = v.patientMm(3, 10, 20);
        assertThat(v.voxelOf(mm)).containsExactly(new double[] {3, 10, 20}, within(1e-9));
        // air outside the body, tissue in the middle of the chest
        assertThat(v.at(v.depth() / 2, 0, 0)).isLessThan((short) -900);
        assertThat(v.at(v.depth() / 2, v.height() / 2, v.width() / 2)).isGreaterThan((short) -300);
        assertThat(reported.get(reported.size() - 1)).containsExactly(2 * files.size(), 2 * files.size());
        assertThat(v.description()).contains("CT, axial, " + files.size() + " slices");
    }

    @Test
    void aStopEndsTheLoad() {
        StopSignal stop = new StopSignal();
        stop.raise();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StudyLoader.load(study, stop, (d, t) -> {})).isInstanceOf(StopSignal.Stopped.class);
    }

    @Test
    void aFolderWithoutDicomSaysSo() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nothing"));
        Files.writeString(empty.resolve("notes.txt"), "not DICOM");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StudyLoader.load(empty, new StopSignal(), (d, t) -> {}))
                .hasMessageContaining("no readable DICOM file (1 files)");
    }
}
