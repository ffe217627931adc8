package org.lungfl.core.weights;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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
 * does; tensor values are read into caller-owned arrays on demand.
 */
public final class SafeTensorsFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, SafeTensors.Entry> byName = new HashMap<>();
    private final List<TensorSpec> layout = new ArrayList<>();
    private final Map<String, String> metadata;
    private ByteBuffer scratch = ByteBuffer.allocate(0);

    private SafeTensorsFile(Path path, FileChannel channel, SafeTensors.Limits limits) throws IOException {
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
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new SafeTensorsFile(path, ch, limits);
        } catch (RuntimeException | IOException e) {
            ch.close();
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

    /** Reads an F32 tensor into {@code dst[0, n)}; {@code dst} may be longer than the tensor. */
    public void readFloats(String name, float[] dst) {
        SafeTensors.Entry e = entry(name, DType.F32);
        ByteBuffer b = read(e);
        b.asFloatBuffer().get(dst, 0, (int) ((e.end() - e.begin()) / 4));
    }

    /** Reads an I64 tensor into {@code dst[0, n)}. */
    public void readLongs(String name, long[] dst) {
        SafeTensors.Entry e = entry(name, DType.I64);
        ByteBuffer b = read(e);
        b.asLongBuffer().get(dst, 0, (int) ((e.end() - e.begin()) / 8));
    }

    /** Reads one tensor into new arrays. */
    public Tensor read(String name) {
        SafeTensors.Entry e = byName.get(name);
        if (e == null) throw new SafeTensorsException(path + ": no tensor named '" + name + "'");
        int n = Math.toIntExact(Tensor.elementCount(e.shape()));
        if (e.dtype() == DType.F32) {
            float[] v = new float[n];
            readFloats(name, v);
            return Tensor.ofFloats(name, e.shape(), v);
        }
        long[] v = new long[n];
        readLongs(name, v);
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

    /** The tensor's bytes in a buffer reused across calls (one tensor's worth of memory). */
    private ByteBuffer read(SafeTensors.Entry e) {
        int len = Math.toIntExact(e.end() - e.begin());
        if (scratch.capacity() < len) scratch = ByteBuffer.allocateDirect(len);
        scratch.clear().limit(len);
        try {
            return readFully(scratch, dataStart + e.begin()).flip().order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException ex) {
            throw new UncheckedIOException(path + ": cannot read tensor '" + e.name() + "'", ex);
        }
    }

    private ByteBuffer readFully(ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) throw new SafeTensorsException(path + ": ends early at byte " + pos);
            pos += n;
        }
        return b;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Produces one tensor's values while a file is written tensor by tensor. */
    public interface TensorProducer {
        /** Returns {@code float[]} for F32 or {@code long[]} for I64, at least as long as the tensor. */
        Object values(TensorSpec tensor) throws IOException;
    }

    /**
     * Writes a file tensor by tensor in {@code layout} order: byte for byte what
     * {@link SafeTensors#write} would produce for the same tensors, without holding them all.
     * The caller owns durability (fsync, rename).
     */
    public static void write(FileChannel out, List<TensorSpec> layout, Map<String, String> metadata, TensorProducer producer)
            throws IOException {
        writeFully(out, ByteBuffer.wrap(SafeTensors.header(layout, metadata)));
        ByteBuffer buf = ByteBuffer.allocate(0);
        for (TensorSpec t : layout) {
            int n = Math.toIntExact(Tensor.elementCount(t.shape()));
            int len = Math.multiplyExact(n, t.dtype().bytes());
            if (buf.capacity() < len) buf = ByteBuffer.allocateDirect(len);
            buf.clear().limit(len);
            ByteBuffer le = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
            Object values = producer.values(t);
            switch (t.dtype()) {
                case F32 -> le.asFloatBuffer().put((float[]) values, 0, n);
                case I64 -> le.asLongBuffer().put((long[]) values, 0, n);
            }
            writeFully(out, buf);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }
}
