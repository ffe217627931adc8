package org.lungfl.dicom.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.io.TransferSyntax;

/** The RLE encoder against PS3.5 Annex G by hand, and against DCMTK's and pydicom's decoders. */
class RleEncoderTest {
    @TempDir Path dir;

    @Test
    void packBitsFollowsAnnexG() {
        assertThat(pack(5, 5, 5, 1, 2)).containsExactly(-2, 5, 1, 1, 2);
        assertThat(pack(7)).containsExactly(0, 7);
        assertThat(pack(9, 9)).containsExactly(-1, 9);
        byte[] zeros = new byte[130];
        assertThat(packBytes(zeros)).containsExactly(-127, 0, -1, 0);
        byte[] literal = new byte[129];
        for (int i = 0; i < literal.length; i++) literal[i] = (byte) i;
        byte[] out = packBytes(literal);
        assertThat(out).hasSize(1 + 128 + 1 + 1);
        assertThat(out[0]).isEqualTo((byte) 127);
        assertThat(out[129]).isEqualTo((byte) 0);
        assertThat(out[130]).isEqualTo((byte) 128);
    }

    @Test
    void headerNamesTwoSegmentsAndEverySegmentIsEven() {
        short[] frame = new short[3 * 5];
        Arrays.fill(frame, (short) 0x0102);
        byte[] rle = RleEncoder.encode16(frame, 3, 5);
        assertThat(rle.length % 2).isZero();
        assertThat(le(rle, 0)).isEqualTo(2);
        assertThat(le(rle, 4)).isEqualTo(64);
        int second = le(rle, 8);
        // Each row of 5 equal high bytes is one replicate run of 2 bytes; 3 rows = 6 bytes.
        assertThat(second).isEqualTo(64 + 6);
        assertThat(Arrays.copyOfRange(rle, 64, 70)).containsExactly(-4, 1, -4, 1, -4, 1);
        assertThat(Arrays.copyOfRange(rle, second, rle.length)).containsExactly(-4, 2, -4, 2, -4, 2);
        for (int i = 12; i < 64; i++) assertThat(rle[i]).isZero();
    }

    /** Runs of every length around the 128 limit, literals, two-byte runs, noise and extremes. */
    static short[] trickyFrame(int rows, int cols, long seed) {
        Random r = new Random(seed);
        short[] f = new short[rows * cols];
        int i = 0;
        for (int y = 0; y < rows; y++) {
            int kind = y % 5;
            for (int x = 0; x < cols; x++, i++) {
                f[i] = switch (kind) {
                    case 0 -> (short) ((x / (126 + y % 5)) * 257);          // long runs of both bytes
                    case 1 -> (short) (r.nextInt(65536) - 32768);             // noise
                    case 2 -> (short) ((x / 2) % 2 == 0 ? -32768 : 32767);    // two-byte runs, extremes
                    case 3 -> (short) (x % 3 == 0 ? 0x00FF : 0x00FE);         // equal high bytes, varying low
                    default -> (short) (1000 + r.nextInt(3));                 // near-constant CT-like
                };
            }
        }
        return f;
    }

    @Test
    void dcmdrleDecodesExactly() throws IOException {
        assumeTrue(ExternalTool.onPath("dcmdrle"), "DCMTK (dcmdrle) not installed");
        assumeTrue(ExternalTool.pythonHas("pydicom, numpy"), "/usr/bin/python3 with pydicom and numpy not installed");
        for (int[] size : new int[][] {{40, 300}, {17, 129}, {1, 1}, {3, 2}}) {
            short[] stored = trickyFrame(size[0], size[1], size[0]);
            Path rle = dir.resolve("rle-" + size[1] + ".dcm");
            new CtImageWriter(TransferSyntax.RLE_LOSSLESS).write(image(stored, size[0], size[1]), rle);
            Path raw = dir.resolve("dcmdrle-" + size[1] + ".dcm");
            ExternalTool.Result conv = ExternalTool.run(List.of("dcmdrle", rle.toString(), raw.toString()));
            assertThat(conv.exitCode()).as(conv.output()).isZero();
            assertThat(storedValues(raw)).as("dcmdrle %dx%d", size[0], size[1]).isEqualTo(stored);
            assertThat(storedValues(rle)).as("pydicom %dx%d", size[0], size[1]).isEqualTo(stored);
        }
    }

    private static CtImage image(short[] stored, int rows, int cols) {
        CtImage.Series s = new CtImage.Series("SYNTH^RLE", "SYNTH-RLE", "O", Uids.fromName("r/st"), Uids.fromName("r/se"),
                Uids.fromName("r/for"), "1", "", "20000101", "120000", 1, "", "", "LungFL", "LungFL phantom", "Synthetic",
                120, rows, cols, new double[] {1, 1}, 1, 1, new double[] {1, 0, 0, 0, 1, 0}, true, 16, -1024, 1, 40, 400);
        return new CtImage(s, Uids.fromName("r/" + rows + "x" + cols), 1, new double[] {0, 0, 0}, 0, stored);
    }

    /** The stored values pydicom decodes from the file, as signed 16-bit. */
    private short[] storedValues(Path file) throws IOException {
        Path out = dir.resolve(file.getFileName() + ".raw");
        String script = "import sys, numpy as np, pydicom\n"
                + "np.ascontiguousarray(pydicom.dcmread(sys.argv[1]).pixel_array.astype('<i2')).tofile(sys.argv[2])";
        ExternalTool.Result r = ExternalTool.run(List.of(ExternalTool.PYTHON, "-c", script, file.toString(), out.toString()));
        assertThat(r.exitCode()).as(r.output()).isZero();
        byte[] b = Files.readAllBytes(out);
        short[] v = new short[b.length / 2];
        for (int i = 0; i < v.length; i++) v[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
        return v;
    }

    private static byte[] pack(int... bytes) {
        byte[] in = new byte[bytes.length];
        for (int i = 0; i < in.length; i++) in[i] = (byte) bytes[i];
        return packBytes(in);
    }

    private static byte[] packBytes(byte[] in) {
        byte[] out = new byte[in.length * 2 + 2];
        int n = RleEncoder.packBits(in, 0, in.length, out, 0);
        return Arrays.copyOf(out, n);
    }

    private static int le(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
