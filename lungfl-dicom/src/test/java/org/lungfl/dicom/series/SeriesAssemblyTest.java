package org.lungfl.dicom.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.SeriesWarning.Kind;

/** Series assembly on real files written by pydicom. */
class SeriesAssemblyTest {
    @TempDir Path dir;

    @BeforeAll
    static void pydicom() {
        PydicomCt.assumeAvailable();
    }

    private static List<SliceHeader> headers(Path folder) throws Exception {
        List<SliceHeader> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(folder)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) out.add(SliceHeader.of(DicomReader.read(p)));
        }
        return out;
    }

    /** A name that sorts unrelated to the position, with no extension. */
    private static String scrambled(int i) {
        return Integer.toHexString((i * 7919 + 13) % 10007);
    }

    @Test
    void twoInterleavedSeriesInOneFolderAreSeparatedAndOrderedByPositionNotNameOrInstanceNumber() throws Exception {
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 8; i++) {
            // InstanceNumber runs against the position on purpose.
            ct.slice(dir.resolve("a" + scrambled(i)), "1.2.3.1", 10 + i * 2.5).put("instance", 100 - i);
            ct.slice(dir.resolve("b" + scrambled(i + 50)), "1.2.3.2", -40 + i * 5.0).put("instance", i % 3);
        }
        ct.write();
        List<CtSeries> series = SeriesAssembler.assemble(headers(dir));
        assertThat(series).extracting(CtSeries::seriesInstanceUid).containsExactly("1.2.3.1", "1.2.3.2");
        CtSeries a = series.get(0);
        assertThat(a.sliceCount()).isEqualTo(8);
        assertThat(a.sliceSpacing()).isCloseTo(2.5, within(1e-9));
        assertThat(a.positions()).containsExactly(10, 12.5, 15, 17.5, 20, 22.5, 25, 27.5);
        assertThat(a.slices()).extracting(SliceHeader::instanceNumber).containsExactly(100, 99, 98, 97, 96, 95, 94, 93);
        assertThat(a.warnings()).isEmpty();
        assertThat(a.isAxial()).isTrue();
        assertThat(series.get(1).sliceSpacing()).isCloseTo(5, within(1e-9));
    }

    @Test
    void aMissingSliceIsReportedAsAGapWithItsSize() throws Exception {
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 10; i++) if (i != 4) ct.slice(dir.resolve("s" + i), "1.2.3", i * 2.0);
        ct.write();
        CtSeries s = SeriesAssembler.assemble(headers(dir)).get(0);
        assertThat(s.sliceSpacing()).isEqualTo(2.0);
        SeriesWarning w = only(s, Kind.MISSING_SLICES);
        assertThat(w.slices()).isEqualTo(1);
        assertThat(w.value()).isCloseTo(4.0, within(1e-9));
        assertThat(s.sliceCount()).isEqualTo(9);
    }

    @Test
    void duplicatePositionsKeepOneSliceAndAreReported() throws Exception {
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 6; i++) ct.slice(dir.resolve("s" + i), "1.2.3", i * 3.0).put("instance", i + 1);
        ct.slice(dir.resolve("dup"), "1.2.3", 6.0).put("instance", 50);
        ct.write();
        CtSeries s = SeriesAssembler.assemble(headers(dir)).get(0);
        assertThat(only(s, Kind.DUPLICATE_POSITION).slices()).isEqualTo(1);
        assertThat(s.sliceCount()).isEqualTo(6);
        assertThat(s.slices()).extracting(SliceHeader::instanceNumber).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(s.warnings()).extracting(SeriesWarning::kind).doesNotContain(Kind.MISSING_SLICES);
    }

    @Test
    void mixedSizesAndOrientationsAreExcludedAndReported() throws Exception {
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 6; i++) ct.slice(dir.resolve("s" + i), "1.2.3", i * 2.0);
        ct.slice(dir.resolve("big"), "1.2.3", 20.0).put("rows", 40);
        ct.slice(dir.resolve("coronal"), "1.2.3", 22.0).put("orientation", List.of(1, 0, 0, 0, 0, -1));
        ct.write();
        CtSeries s = SeriesAssembler.assemble(headers(dir)).get(0);
        assertThat(only(s, Kind.MIXED_SIZE).slices()).isEqualTo(1);
        assertThat(only(s, Kind.MIXED_ORIENTATION).slices()).isEqualTo(1);
        assertThat(s.sliceCount()).isEqualTo(6);
        assertThat(s.files()).isEqualTo(8);
    }

    @Test
    void gantryTiltIsMeasuredFromShearedPositions() throws Exception {
        PydicomCt ct = new PydicomCt();
        double tan = Math.tan(Math.toRadians(15));
        for (int i = 0; i < 6; i++) {
            Map<String, Object> m = ct.slice(dir.resolve("s" + i), "1.2.3", i * 2.0);
            m.put("position", List.of(0.0, i * 2.0 * tan, i * 2.0));
            m.put("tilt", 15.0);
        }
        ct.write();
        CtSeries s = SeriesAssembler.assemble(headers(dir)).get(0);
        assertThat(only(s, Kind.GANTRY_TILT).value()).isCloseTo(15, within(0.01));
        assertThat(s.isAxial()).isTrue();
    }

    @Test
    void aCorruptFileIsRejectedByTheReaderWithItsName() throws Exception {
        PydicomCt ct = new PydicomCt();
        ct.corrupt(dir.resolve("broken"));
        ct.write();
        assertThatThrownBy(() -> DicomReader.read(dir.resolve("broken"))).isInstanceOf(DicomException.class)
                .hasMessageStartingWith(dir.resolve("broken").toString());
    }

    @Test
    void multiFrameCtIsReportedAsNotSupportedForVolumes() throws Exception {
        PydicomCt ct = new PydicomCt();
        ct.slice(dir.resolve("enhanced"), "1.2.9", 0).put("frames", 4);
        ct.write();
        CtSeries s = SeriesAssembler.assemble(headers(dir)).get(0);
        assertThat(only(s, Kind.MULTI_FRAME).message()).contains("multi-frame CT not supported for volumes");
        SeriesChooser.Choice c = SeriesChooser.choose(List.of(s));
        assertThat(c.found()).isFalse();
        assertThat(c.reason()).contains("multi-frame CT (not supported for volumes)");
    }

    @Test
    void thePatientsAxialCtWithTheFinestSpacingIsChosenAndTheReasonSaysWhy() throws Exception {
        PydicomCt ct = new PydicomCt();
        for (int i = 0; i < 41; i++) ct.slice(dir.resolve("thin" + i), "1.2.3.1", i * 1.25);
        for (int i = 0; i < 11; i++) ct.slice(dir.resolve("thick" + i), "1.2.3.2", i * 5.0);
        // Two scouts at one position (one kept, too few slices to be a volume); a thin partial reconstruction around one nodule: finer, but covers too little.
        for (int i = 0; i < 20; i++) ct.slice(dir.resolve("zoom" + i), "1.2.3.3", 20 + i * 0.6);
        for (int i = 0; i < 2; i++) {
            ct.slice(dir.resolve("scout" + i), "1.2.3.4", 0).put("orientation", List.of(1, 0, 0, 0, 0, -1));
        }
        for (int i = 0; i < 41; i++) ct.slice(dir.resolve("pet" + i), "1.2.3.5", i * 1.0).put("modality", "PT");
        ct.write();
        SeriesChooser.Choice c = SeriesChooser.choose(SeriesAssembler.assemble(headers(dir)));
        assertThat(c.series().seriesInstanceUid()).isEqualTo("1.2.3.1");
        assertThat(c.reason()).contains("CT, axial, 41 slices at 1.25 mm").contains("chosen over 4 other series")
                .contains("1.2.3.5 is PT, not CT").contains("1.2.3.4 has 1 usable slice(s)")
                .contains("1 axial CT series covered under 80%");
    }

    private static SeriesWarning only(CtSeries s, Kind kind) {
        List<SeriesWarning> w = s.warnings().stream().filter(x -> x.kind() == kind).toList();
        assertThat(w).as("warnings %s", s.warnings()).hasSize(1);
        return w.get(0);
    }
}
