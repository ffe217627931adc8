package org.lungfl.core.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

class NpyTest {
    @TempDir Path dir;

    private static float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) Math.sin(i * 0.37) * 1000f - 0.25f;
        return v;
    }

    @Test
    void roundTripKeepsShapeAndEveryBit() throws IOException {
        float[] data = values(2 * 3 * 5);
        data[7] = Float.NaN;
        data[8] = Float.NEGATIVE_INFINITY;
        data[9] = -0.0f;
        Path f = dir.resolve("a.npy");
        Npy.write(f, new int[] {2, 3, 5}, data);
        assertThat(Files.size(f) % 4).isZero();
        Npy.Array back = Npy.read(f);
        assertThat(back.shape()).containsExactly(2, 3, 5);
        for (int i = 0; i < data.length; i++) {
            assertThat(Float.floatToRawIntBits(back.data()[i])).as("element %d", i).isEqualTo(Float.floatToRawIntBits(data[i]));
        }
    }

    @Test
    void dataStartsOn64ByteBoundaryLikeNumpy() {
        for (int[] shape : new int[][] {{}, {7}, {1, 2, 3}, {1000000, 1000, 10}}) {
            assertThat(Npy.header(shape).length % 64).isZero();
        }
    }

    @Test
    void numpyLoadsWhatWeWriteAndWeLoadWhatNumpyWrites() throws Exception {
        assumeNumpy();
        float[] data = values(4 * 6);
        Path ours = dir.resolve("ours.npy");
        Npy.write(ours, new int[] {4, 6}, data);
        Path theirs = dir.resolve("theirs.npy");
        String out = python("import numpy as np, sys\n"
                + "a = np.load(sys.argv[1])\n"
                + "assert a.dtype == np.float32 and a.shape == (4, 6), (a.dtype, a.shape)\n"
                + "b = (np.sin(np.arange(24) * 0.37) * 1000 - 0.25).astype(np.float32).reshape(4, 6)\n"
                + "print(int(np.abs(a - b).max() * 1e6))\n"
                + "np.save(sys.argv[2], (np.arange(3 * 2 * 5, dtype=np.float32) / 7).reshape(3, 2, 5))\n",
                ours.toString(), theirs.toString());
        // Java's sin and numpy's may differ in the last float bit; anything larger is a layout error.
        assertThat(Integer.parseInt(out.strip())).isLessThan(200);
        Npy.Array a = Npy.read(theirs);
        assertThat(a.shape()).containsExactly(3, 2, 5);
        for (int i = 0; i < 30; i++) assertThat(a.data()[i]).isEqualTo((float) i / 7);
    }

    @Test
    void int16RoundTripsThroughNumpyAndMapsWithoutCopy() throws Exception {
        assumeNumpy();
        short[] data = {-32768, -2000, -1000, -1, 0, 1, 40, 3071, 32767, 12, -12, 5};
        Path ours = dir.resolve("hu.npy");
        try (var out = Files.newOutputStream(ours)) {
            Npy.write(out, new int[] {3, 4}, data);
        }
        String sum = python("import numpy as np, sys\n"
                + "a = np.load(sys.argv[1])\n"
                + "assert a.dtype == np.int16 and a.shape == (3, 4), (a.dtype, a.shape)\n"
                + "print(int(a.astype(np.int64).sum()), int(a[1, 3]))\n"
                + "np.save(sys.argv[2], (np.arange(2 * 3, dtype=np.int16) * -700).reshape(2, 3))\n",
                ours.toString(), dir.resolve("theirs.npy").toString());
        long expected = 0;
        for (short v : data) expected += v;
        assertThat(sum.strip()).isEqualTo(expected + " " + data[7]);
        Npy.ShortArray back = Npy.readShorts(ours);
        assertThat(back.shape()).containsExactly(3, 4);
        assertThat(back.data()).containsExactly(data);
        Npy.MappedShorts mapped = Npy.mapShorts(dir.resolve("theirs.npy"));
        assertThat(mapped.shape()).containsExactly(2, 3);
        for (int i = 0; i < 6; i++) assertThat(mapped.data().get(i)).isEqualTo((short) (i * -700));
        // Asking for the other dtype names what the file holds.
        assertThatThrownBy(() -> Npy.read(ours)).isInstanceOf(UserFacingException.class).hasMessageContaining("float32");
        assertThatThrownBy(() -> Npy.readShorts(dir.resolve("theirs.npy").resolveSibling("none.npy")))
                .isInstanceOf(UserFacingException.class);
    }

    @Test
    void rejectsOtherDtypesFortranOrderAndBadSizes() throws IOException {
        Path ok = dir.resolve("ok.npy");
        Npy.write(ok, new int[] {2, 2}, new float[4]);
        byte[] good = Files.readAllBytes(ok);
        String header = new String(good, 10, good.length - 10 - 16, StandardCharsets.US_ASCII);

        assertRejected("f8.npy", replace(good, "'<f4'", "'<f8'"), "unsupported header");
        assertRejected("fortran.npy", replace(good, "False", "True "), "unsupported header");
        assertRejected("truncated.npy", java.util.Arrays.copyOf(good, good.length - 1), "data bytes");
        assertRejected("long.npy", java.util.Arrays.copyOf(good, good.length + 4), "data bytes");
        assertRejected("magic.npy", replace(good, "NUMPY", "NUMPX"), "magic");
        byte[] v2 = good.clone();
        v2[6] = 2;
        assertRejected("v2.npy", v2, "format 2.0");
        byte[] huge = good.clone();
        huge[8] = (byte) 0xFF;
        huge[9] = (byte) 0xFF;
        assertRejected("hugeheader.npy", huge, "limit");
        // A shape that would need petabytes is refused before any allocation.
        byte[] big = Npy.header(new int[] {2_000_000_000, 2_000_000_000, 2_000_000_000});
        assertRejected("bigshape.npy", java.util.Arrays.copyOf(big, big.length + 16), "data bytes");
        assertThat(header).contains("'shape': (2, 2)");
    }

    private void assertRejected(String name, byte[] bytes, String reason) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(UserFacingException.class)
                .hasMessageStartingWith(f.toString()).hasMessageContaining(reason);
    }

    private static byte[] replace(byte[] file, String from, String to) {
        assertThat(to).hasSameSizeAs(from);
        String s = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(s).contains(from);
        return s.replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }

    static void assumeNumpy() {
        boolean ok;
        try {
            ok = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (Exception e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "needs /usr/bin/python3 with numpy (Debian python3-numpy)");
    }

    static String python(String script, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "/usr/bin/python3";
        cmd[1] = "-c";
        cmd[2] = script;
        System.arraycopy(args, 0, cmd, 3, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
