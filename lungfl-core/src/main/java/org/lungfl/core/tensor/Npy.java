package org.lungfl.core.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.lungfl.core.UserFacingException;

/**
 * NumPy's {@code .npy} format, version 1.0, for little-endian float32 and int16 arrays in C order:
 * what {@code numpy.save} writes for a {@code float32} or {@code int16} array and {@code numpy.load}
 * reads back. Model inputs are float32; HU volumes and candidate patches are int16 (exact for CT,
 * half the bytes).
 *
 * <p>Reading is strict (exactly the header numpy writes for this dtype, nothing else) and bounded
 * (header length, rank, element count and file size are checked before anything is allocated).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy pads the header so the data starts on a 64-byte boundary. */
    private static final int ALIGN = 64;
    private static final int MAX_HEADER = 4096;
    private static final int MAX_RANK = 8;
    private static final Pattern HEADER = Pattern.compile(
            "\\{'descr': '<(f4|i2)', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), \\}\\s*\n");

    private Npy() {}

    /** A float32 array and its shape (C order: the last index varies fastest). */
    public record Array(int[] shape, float[] data) {
        public Array {
            if (elementCount(shape) != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
            }
        }
    }

    /** An int16 array and its shape (C order). */
    public record ShortArray(int[] shape, short[] data) {
        public ShortArray {
            if (elementCount(shape) != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
            }
        }
    }

    /** The complete file for {@code data} with the given shape: header then little-endian floats. */
    public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
        checkCount(shape, data.length);
        out.write(header("<f4", shape));
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : data) {
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(v);
        }
        out.write(buf.array(), 0, buf.position());
    }

    /** The complete file for int16 {@code data} with the given shape. */
    public static void write(OutputStream out, int[] shape, short[] data) throws IOException {
        checkCount(shape, data.length);
        out.write(header("<i2", shape));
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < data.length; ) {
            int n = Math.min(buf.capacity() / 2, data.length - at);
            buf.clear();
            buf.asShortBuffer().put(data, at, n);
            out.write(buf.array(), 0, n * 2);
            at += n;
        }
    }

    private static void checkCount(int[] shape, int length) {
        if (elementCount(shape) != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + length + " values");
        }
    }

    /** Writes {@code file} in one go (callers wanting atomicity write a temp file and rename it). */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(out, shape, data);
        }
    }

    static byte[] header(int[] shape) {
        return header("<f4", shape);
    }

    private static byte[] header(String descr, int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) dims.append(", ");
            dims.append(shape[i]);
        }
        if (shape.length == 1) dims.append(',');
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** Reads a float32 {@code .npy} file; anything else is a one-line error naming the file. */
    public static Array read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout l = layout(ch, file, "<f4");
            float[] data = new float[l.count()];
            readData(ch, file, data.length, Float.BYTES, (buf, at, n) -> buf.asFloatBuffer().get(data, at, n));
            return new Array(l.shape(), data);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads an int16 {@code .npy} file into memory. */
    public static ShortArray readShorts(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout l = layout(ch, file, "<i2");
            short[] data = new short[l.count()];
            readData(ch, file, data.length, Short.BYTES, (buf, at, n) -> buf.asShortBuffer().get(data, at, n));
            return new ShortArray(l.shape(), data);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** An int16 array left in the file: pages are read when touched and shared with the page cache. */
    public record MappedShorts(int[] shape, java.nio.ShortBuffer data) {}

    /** Memory-maps an int16 {@code .npy} file (checked like {@link #readShorts}). */
    public static MappedShorts mapShorts(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Layout l = layout(ch, file, "<i2");
            long offset = ch.position();
            var map = ch.map(FileChannel.MapMode.READ_ONLY, offset, (long) l.count() * 2).order(ByteOrder.LITTLE_ENDIAN);
            return new MappedShorts(l.shape(), map.asShortBuffer());
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Where {@link #readData} puts each chunk: {@code n} items from {@code buf} at index {@code at}. */
    private interface Chunks {
        void take(ByteBuffer buf, int at, int n);
    }

    /** Reads {@code count} items of {@code itemSize} bytes, 64 KB at a time, from the channel's position. */
    private static void readData(FileChannel ch, Path file, int count, int itemSize, Chunks into) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (at < count) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), (count - (long) at) * itemSize));
            readFully(ch, buf, file);
            buf.flip();
            int n = buf.remaining() / itemSize;
            into.take(buf, at, n);
            at += n;
        }
    }

    /** The shape of an array file, checked against its size, with the channel left at the first data byte. */
    private record Layout(int[] shape, int count) {}

    private static Layout layout(FileChannel ch, Path file, String descr) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, file);
        pre.flip();
        byte[] magic = new byte[MAGIC.length];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw bad(file, "not a .npy file (no \\x93NUMPY magic)");
        int major = pre.get() & 0xFF;
        int minor = pre.get() & 0xFF;
        if (major != 1 || minor != 0) throw bad(file, "npy format " + major + "." + minor + " (only 1.0 is read)");
        int headerLen = pre.getShort() & 0xFFFF;
        if (headerLen > MAX_HEADER) throw bad(file, "header of " + headerLen + " bytes (limit " + MAX_HEADER + ")");
        if (10L + headerLen > size) throw bad(file, "truncated header (" + headerLen + " bytes announced, file has " + size + ")");
        ByteBuffer hb = ByteBuffer.allocate(headerLen);
        readFully(ch, hb, file);
        String text = new String(hb.array(), StandardCharsets.US_ASCII);
        Matcher m = HEADER.matcher(text);
        String wanted = descr.equals("<f4") ? "little-endian float32" : "little-endian int16";
        if (!m.matches() || !m.group(1).equals(descr.substring(1))) {
            throw bad(file, "unsupported header (expected " + wanted + ", C order): " + text.strip());
        }
        int[] shape = parseShape(m.group(2), file);
        long count = elementCount(shape);
        int itemSize = descr.equals("<f4") ? 4 : 2;
        long expected = 10L + headerLen + count * itemSize;
        if (size != expected) {
            throw bad(file, "shape " + Arrays.toString(shape) + " needs " + (count * itemSize) + " data bytes, file has "
                    + (size - 10 - headerLen));
        }
        if (count > Integer.MAX_VALUE - 8) throw bad(file, "too many elements for one array: " + count);
        return new Layout(shape, (int) count);
    }

    private static int[] parseShape(String dims, Path file) {
        String s = dims.strip();
        if (s.endsWith(",")) s = s.substring(0, s.length() - 1);
        if (s.isEmpty()) return new int[0];
        String[] parts = s.split(",");
        if (parts.length > MAX_RANK) throw bad(file, "rank " + parts.length + " (limit " + MAX_RANK + ")");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty() || p.length() > 10) throw bad(file, "bad shape (" + dims + ")");
            long v = Long.parseLong(p);
            if (v > Integer.MAX_VALUE) throw bad(file, "dimension " + p + " too large");
            shape[i] = (int) v;
        }
        return shape;
    }

    /** Product of the dimensions; saturates instead of overflowing so a hostile shape cannot wrap. */
    private static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            n = d != 0 && n > (Long.MAX_VALUE / 8) / d ? Long.MAX_VALUE / 8 : n * d;
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw bad(file, "truncated");
        }
    }

    private static UserFacingException bad(Path file, String reason) {
        return new UserFacingException(file + ": " + reason);
    }
}
