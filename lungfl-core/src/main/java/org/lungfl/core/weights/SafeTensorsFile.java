package org.lungfl.core.weights;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.model.TensorSpec;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;

/**
 * A safetensors file on disk read one tensor at a time, so that averaging many files needs memory
 * for one tensor, not for whole models. The header is checked as strictly as {@link SafeTensors#read}
 * does; tensor values are read into caller-owned arrays on demand. Any seekable channel will do (a
 * file, or a blob a database serves chunk by chunk); {@code name} says where it came from in errors.
 */
public final class SafeTensorsFile implements Closeable {
    private final String path;
    private final SeekableByteChannel channel;
    private final long dataStart;
    private final Map<String, SafeTensors.Entry> byName = new HashMap<>();
    private final List<TensorSpec> layout = new ArrayList<>();
    private final Map<String, String> metadata;

    private SafeTensorsFile(String path, SeekableByteChannel channel, SafeTensors.Limits limits) throws IOException {
        this.path = path;
        this.channel = channel;
        long size = channel.size();
        if (size > limits.maxBytes()) throw new SafeTensorsException(path + ": " + size + " bytes, over the limit of " + limits.maxBytes());
        if (size < 8) throw new SafeTensorsException(path + ": " + size + " bytes, too short for the 8-byte header length");
        long headerLen = readFully(ByteBuffer.allocate(8), 0).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLen < 2 || headerLen > limits.maxHeaderBytes() || headerLen > size - 8) {
            throw new SafeTensorsException(path + ": header length " + Long.toUnsignedString(headerLen) + " is invalid for a file of "
                    + size + " bytes");
        }
        byte[] header = readFully(ByteBuffer.allocate((int) headerLen), 8).array();
        this.dataStart = 8 + headerLen;
        SafeTensors.Layout parsed = SafeTensors.layout(header, 0, header.length, size - dataStart, limits);
        for (SafeTensors.Entry e : parsed.entries()) {
            byName.put(e.name(), e);
            layout.add(new TensorSpec(e.name(), e.dtype(), e.shape()));
        }
        this.metadata = Map.copyOf(parsed.metadata());
    }

    public static SafeTensorsFile open(Path path) throws IOException {
        return open(path, SafeTensors.Limits.DEFAULT);
    }

    public static SafeTensorsFile open(Path path, SafeTensors.Limits limits) throws IOException {
        return open(path.toString(), FileChannel.open(path, StandardOpenOption.READ), limits);
    }

    /** Reads a safetensors document from {@code channel}, which it owns from now on (closed with it, or on failure). */
    public static SafeTensorsFile open(String name, SeekableByteChannel channel, SafeTensors.Limits limits) throws IOException {
        try {
            return new SafeTensorsFile(name, channel, limits);
        } catch (RuntimeException | IOException e) {
            channel.close();
            throw e;
        }
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensors in data order. */
    public List<TensorSpec> layout() {
        return List.copyOf(layout);
    }

    /**
     * Reads values {@code [from, from + len)} of an F32 tensor into {@code dst[0, len)}, through
     * {@code scratch} (a heap buffer of at least {@code 4 len} bytes the caller reuses), so reading
     * a model slice by slice needs memory for one slice only.
     */
    public void readFloats(String name, long from, float[] dst, int len, ByteBuffer scratch) {
        read(entry(name, DType.F32), from, len, scratch).asFloatBuffer().get(dst, 0, len);
    }

    /** Reads values {@code [from, from + len)} of an I64 tensor, like {@link #readFloats}. */
    public void readLongs(String name, long from, long[] dst, int len, ByteBuffer scratch) {
        read(entry(name, DType.I64), from, len, scratch).asLongBuffer().get(dst, 0, len);
    }

    /** Reads one tensor into new arrays. */
    public Tensor read(String name) {
        SafeTensors.Entry e = byName.get(name);
        if (e == null) throw new SafeTensorsException(path + ": no tensor named '" + name + "'");
        int n = Math.toIntExact(Tensor.elementCount(e.shape()));
        ByteBuffer scratch = ByteBuffer.allocate(n * e.dtype().bytes());
        if (e.dtype() == DType.F32) {
            float[] v = new float[n];
            readFloats(name, 0, v, n, scratch);
            return Tensor.ofFloats(name, e.shape(), v);
        }
        long[] v = new long[n];
        readLongs(name, 0, v, n, scratch);
        return Tensor.ofLongs(name, e.shape(), v);
    }

    /** Every tensor, in data order. */
    public Weights readAll() {
        List<Tensor> out = new ArrayList<>(layout.size());
        for (TensorSpec s : layout) out.add(read(s.name()));
        return new Weights(out);
    }

    private SafeTensors.Entry entry(String name, DType dtype) {
        SafeTensors.Entry e = byName.get(name);
        if (e == null) throw new SafeTensorsException(path + ": no tensor named '" + name + "'");
        if (e.dtype() != dtype) throw new SafeTensorsException(path + ": tensor '" + name + "' is " + e.dtype() + ", not " + dtype);
        return e;
    }

    private ByteBuffer read(SafeTensors.Entry e, long from, int len, ByteBuffer scratch) {
        long count = (e.end() - e.begin()) / e.dtype().bytes();
        if (from < 0 || len < 0 || from + len > count) {
            throw new IndexOutOfBoundsException("values [" + from + ", " + (from + len) + ") of tensor '" + e.name() + "' with " + count);
        }
        scratch.clear().limit(len * e.dtype().bytes());
        try {
            return readFully(scratch, dataStart + e.begin() + from * e.dtype().bytes()).flip().order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new UncheckedIOException(path + ": cannot read tensor '" + e.name() + "'", ex);
        }
    }

    private ByteBuffer readFully(ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n;
            if (channel instanceof FileChannel f) {
                n = f.read(b, pos); // positional: safe to share between threads
            } else {
                synchronized (channel) {
                    n = channel.position(pos).read(b);
                }
            }
            if (n < 0) throw new SafeTensorsException(path + ": ends early at byte " + pos);
            pos += n;
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Starts writing a file whose tensors are {@code layout}, in that order: the header now, the
     * values as they are appended. The result is byte for byte what {@link SafeTensors#write} gives
     * for the same tensors. The caller owns durability (fsync, rename).
     */
    public static Writer writer(WritableByteChannel out, List<TensorSpec> layout, Map<String, String> metadata) throws IOException {
        writeFully(out, ByteBuffer.wrap(SafeTensors.header(layout, metadata)));
        return new Writer(out, SafeTensors.dataBytes(layout));
    }

    /** Appends tensor values in layout order; {@link #finish} checks that exactly all were written. */
    public static final class Writer {
        private final WritableByteChannel out;
        private final long expected;
        private long written;
        private ByteBuffer buf = ByteBuffer.allocate(0);

        private Writer(WritableByteChannel out, long expected) {
            this.out = out;
            this.expected = expected;
        }

        public void floats(float[] values, int n) throws IOException {
            buffer(n * 4).asFloatBuffer().put(values, 0, n);
            flush(n * 4);
        }

        public void longs(long[] values, int n) throws IOException {
            buffer(n * 8).asLongBuffer().put(values, 0, n);
            flush(n * 8);
        }

        private ByteBuffer buffer(int len) {
            if (buf.capacity() < len) buf = ByteBuffer.allocate(len);
            buf.clear().limit(len);
            return buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        }

        private void flush(int len) throws IOException {
            if (written + len > expected) throw new IllegalStateException("more tensor data than the header describes");
            writeFully(out, buf);
            written += len;
        }

        public void finish() {
            if (written != expected) throw new IllegalStateException(written + " of " + expected + " data bytes written");
        }
    }

    private static void writeFully(WritableByteChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }
}
