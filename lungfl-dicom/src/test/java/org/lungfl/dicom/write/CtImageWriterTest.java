package org.lungfl.dicom.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.lungfl.dicom.io.TransferSyntax;

/** Files from {@link CtImageWriter}, checked by independent tools: DCMTK, dicom3tools, pydicom, GDCM. */
class CtImageWriterTest {
    private static final int ROWS = 48;
    private static final int COLS = 64;

    @TempDir Path dir;

    /** An image whose HU covers air to dense bone, with rows of runs and rows of noise. */
    static short[] huPattern(long seed) {
        short[] hu = new short[ROWS * COLS];
        java.util.Random r = new java.util.Random(seed);
        for (int y = 0; y < ROWS; y++) {
            for (int x = 0; x < COLS; x++) {
                int v;
                if (y % 3 == 0) v = -1000 + 2000 * x / COLS;        // ramp
                else if (y % 3 == 1) v = x < 40 ? -1000 : 1000;      // long runs
                else v = r.nextInt(2400) - 1000;                      // noise
                hu[y * COLS + x] = (short) v;
            }
        }
        return hu;
    }

    static CtImage image(boolean signed, short[] hu, int instance) {
        double intercept = signed ? -1024 : -1000;
        short[] stored = new short[hu.length];
        for (int i = 0; i < hu.length; i++) stored[i] = (short) (hu[i] - intercept);
        CtImage.Series s = new CtImage.Series("SYNTH^TEST", "SYNTH-TEST-1", "O", Uids.fromName("t/study"), Uids.fromName("t/series"),
                Uids.fromName("t/for"), "1", "", "20000101", "120000", 1, "Synthetic chest CT", "Axial 2.5 mm", "LungFL",
                "LungFL phantom", "Synthetic Site 1", 120, ROWS, COLS, new double[] {0.7, 0.7}, 2.5, 2.5,
                new double[] {1, 0, 0, 0, 1, 0}, signed, signed ? 16 : 12, intercept, 1, -600, 1500);
        return new CtImage(s, Uids.fromName("t/sop/" + instance), instance, new double[] {-22.05, -16.45, -102.5 + 2.5 * instance},
                -102.5 + 2.5 * instance, stored);
    }

    private Path write(TransferSyntax ts, boolean signed, short[] hu) throws IOException {
        Path f = dir.resolve(ts.name() + (signed ? "-s" : "-u") + ".dcm");
        new CtImageWriter(ts).write(image(signed, hu, 3), f);
        return f;
    }

    @ParameterizedTest
    @EnumSource(value = TransferSyntax.class, names = {"EXPLICIT_VR_LITTLE_ENDIAN", "IMPLICIT_VR_LITTLE_ENDIAN",
        "EXPLICIT_VR_BIG_ENDIAN", "DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN", "RLE_LOSSLESS"})
    void dcmtkAcceptsTheFile(TransferSyntax ts) throws IOException {
        assumeTrue(ExternalTool.onPath("dcmftest") && ExternalTool.onPath("dcmdump"), "DCMTK (dcmftest, dcmdump) not installed");
        for (boolean signed : new boolean[] {true, false}) {
            Path f = write(ts, signed, huPattern(1));
            ExternalTool.Result ftest = ExternalTool.run(List.of("dcmftest", f.toString()));
            assertThat(ftest.output()).startsWith("yes:");
            ExternalTool.Result dump = ExternalTool.run(List.of("dcmdump", "-E", "+U8", f.toString()));
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output()).doesNotContain("E: ").doesNotContain("W: ")
                    .contains("(7fe0,0010)").contains("SYNTH^TEST");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransferSyntax.class, names = {"EXPLICIT_VR_LITTLE_ENDIAN", "IMPLICIT_VR_LITTLE_ENDIAN",
        "EXPLICIT_VR_BIG_ENDIAN", "DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN", "RLE_LOSSLESS"})
    void dciodvfyFindsNoErrors(TransferSyntax ts) throws IOException {
        assumeTrue(ExternalTool.onPath("dciodvfy"), "dicom3tools (dciodvfy) not installed");
        for (boolean signed : new boolean[] {true, false}) {
            Path f = write(ts, signed, huPattern(2));
            if (ts.deflated()) {
                // dicom3tools cannot inflate: DCMTK inflates to explicit VR LE and dciodvfy checks the data set.
                assumeTrue(ExternalTool.onPath("dcmconv"), "DCMTK (dcmconv) not installed");
                Path inflated = dir.resolve("inflated.dcm");
                ExternalTool.Result conv = ExternalTool.run(List.of("dcmconv", "+te", f.toString(), inflated.toString()));
                assertThat(conv.exitCode()).as(conv.output()).isZero();
                f = inflated;
            }
            ExternalTool.Result r = ExternalTool.run(List.of("dciodvfy", "-new", f.toString()));
            List<String> errors = r.output().lines().filter(l -> l.startsWith("Error")).collect(Collectors.toList());
            assertThat(errors).as(r.output()).isEmpty();
            assertThat(r.output()).doesNotContain("Error");
            r.output().lines().filter(l -> l.startsWith("Warning")).distinct()
                    .forEach(l -> System.out.println("dciodvfy " + ts + ": " + l));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransferSyntax.class, names = {"EXPLICIT_VR_LITTLE_ENDIAN", "IMPLICIT_VR_LITTLE_ENDIAN",
        "EXPLICIT_VR_BIG_ENDIAN", "DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN", "RLE_LOSSLESS"})
    void pydicomReadsTheIntendedHounsfieldUnits(TransferSyntax ts) throws IOException {
        assumeTrue(ExternalTool.pythonHas("pydicom, numpy"), "/usr/bin/python3 with pydicom and numpy not installed");
        for (boolean signed : new boolean[] {true, false}) {
            short[] hu = huPattern(3);
            Path f = write(ts, signed, hu);
            Path expected = dir.resolve("expected.raw");
            Files.write(expected, littleEndian(hu));
            String script = String.join("\n",
                    "import sys, numpy as np, pydicom",
                    "ds = pydicom.dcmread(sys.argv[1])",
                    "hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)",
                    "exp = np.fromfile(sys.argv[2], dtype='<i2').reshape(hu.shape)",
                    "print(ds.file_meta.TransferSyntaxUID, ds.PatientName, ds.ImagePositionPatient[2], int(np.abs(hu - exp).max()))");
            ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON, "-c", script, f.toString(), expected.toString()));
            assertThat(r.exitCode()).as(r.output()).isZero();
            assertThat(r.output().trim()).isEqualTo(ts.uid() + " SYNTH^TEST -95 0");
        }
    }

    @Test
    void gdcmDecodesOurRle() throws IOException {
        assumeTrue(ExternalTool.onPath("gdcmconv") && ExternalTool.pythonHas("pydicom, numpy"), "gdcmconv or pydicom not installed");
        short[] hu = huPattern(4);
        Path f = write(TransferSyntax.RLE_LOSSLESS, true, hu);
        Path raw = dir.resolve("gdcm-raw.dcm");
        ExternalTool.Result conv = ExternalTool.run(List.of("gdcmconv", "--raw", f.toString(), raw.toString()));
        assertThat(conv.exitCode()).as(conv.output()).isZero();
        assertHu(raw, hu, "1.2.840.10008.1.2.1");
    }

    private void assertHu(Path file, short[] hu, String expectedSyntax) throws IOException {
        Path expected = dir.resolve("expected-" + file.getFileName() + ".raw");
        Files.write(expected, littleEndian(hu));
        String script = String.join("\n",
                "import sys, numpy as np, pydicom",
                "ds = pydicom.dcmread(sys.argv[1])",
                "hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)",
                "exp = np.fromfile(sys.argv[2], dtype='<i2').reshape(hu.shape)",
                "print(ds.file_meta.TransferSyntaxUID, int(np.abs(hu - exp).max()))");
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON, "-c", script, file.toString(), expected.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().trim()).isEqualTo(expectedSyntax + " 0");
    }

    @Test
    void decimalStringsFitSixteenCharacters() {
        assertThat(CtImageWriter.ds(0.7)).isEqualTo("0.7");
        assertThat(CtImageWriter.ds(-1024)).isEqualTo("-1024");
        assertThat(CtImageWriter.ds(-159.6875)).isEqualTo("-159.6875");
        assertThat(CtImageWriter.ds(1.0 / 3)).hasSizeLessThanOrEqualTo(16).startsWith("0.33333");
        assertThat(CtImageWriter.ds(-123456.123456789)).hasSizeLessThanOrEqualTo(16).startsWith("-123456.1234");
        assertThat(CtImageWriter.ds(1, 0, 0, 0, 1, 0)).isEqualTo("1\\0\\0\\0\\1\\0");
    }

    @Test
    void uidsAreDeterministicDistinctAndValid() {
        String a = Uids.fromName("x/1");
        assertThat(a).isEqualTo(Uids.fromName("x/1")).isNotEqualTo(Uids.fromName("x/2"));
        assertThat(a).startsWith("2.25.").hasSizeLessThanOrEqualTo(64).matches("2\\.25\\.[1-9][0-9]*");
    }

    static byte[] littleEndian(short[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : v) b.putShort(s);
        return b.array();
    }
}
