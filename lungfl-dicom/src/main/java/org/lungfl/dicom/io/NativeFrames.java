package org.lungfl.dicom.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.lungfl.dicom.codec.ImageDescriptor;

/** Uncompressed Pixel Data: frames back to back, little or big endian, 8, 16 or 32 bits per sample. */
final class NativeFrames implements PixelFrames {
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer buf;
    private final int offset;
    private final ImageDescriptor d;
    private final boolean bigEndian;
    /** 8-bit samples in an OW value of a big endian file are byte-swapped in 16-bit words (PS3.5 8.1.1). */
    private final boolean swap8;

    NativeFrames(ByteBuffer buf, int offset, ImageDescriptor d, boolean bigEndian, boolean swap8) {
        this.buf = buf;
        this.offset = offset;
        this.d = d;
        this.bigEndian = bigEndian;
        this.swap8 = swap8;
    }

    static long frameBytes(ImageDescriptor d) {
        return (long) d.samplesPerFrame() * (d.bitsAllocated() / 8);
    }

    /** Where one frame's bytes are: the file's own array when it is in memory, else a copy of just that frame. */
    private record Source(byte[] bytes, int start) {}

    private Source source(int frame) {
        int start = offset + (int) (frame * frameBytes(d));
        if (buf.hasArray()) return new Source(buf.array(), buf.arrayOffset() + start);
        return new Source(Bytes.copy(buf, start, (int) frameBytes(d)), 0); // a memory-mapped file
    }

    @Override
    public int[] stored(int frame) {
        int n = d.samplesPerFrame();
        int[] v = new int[n];
        Source src = source(frame);
        int p = src.start();
        byte[] b = src.bytes();
        int bits = d.bitsStored();
        boolean signed = d.signed();
        switch (d.bitsAllocated()) {
            case 8 -> {
                for (int i = 0; i < n; i++) v[i] = b[swap8 ? (p + i) ^ 1 : p + i] & 0xFF;
                PixelFrames.normalize(v, bits, signed);
            }
            case 16 -> {
                if (bigEndian) {
                    for (int i = 0; i < n; i++, p += 2) v[i] = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
                    PixelFrames.normalize(v, bits, signed);
                } else if (signed) {
                    // The hot path of every import: one 16-bit load and the sign extension in one pass.
                    // (SHORT_LE must stay a constant here: through a variable the JIT cannot inline it.)
                    int shift = 32 - bits;
                    for (int i = 0; i < n; i++, p += 2) v[i] = (short) SHORT_LE.get(b, p) << shift >> shift;
                } else {
                    int mask = (1 << bits) - 1;
                    for (int i = 0; i < n; i++, p += 2) v[i] = (short) SHORT_LE.get(b, p) & mask;
                }
            }
            default -> {
                for (int i = 0; i < n; i++, p += 4) {
                    v[i] = bigEndian
                            ? (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF)
                            : (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
                }
                PixelFrames.normalize(v, bits, signed);
            }
        }
        return d.samplesPerPixel() > 1 && d.planarConfiguration() == 1 ? interleave(v, d) : v;
    }

    /** Native 16-bit little endian grayscale, the common CT case: HU straight from the bytes, without the int[] step. */
    @Override
    public float[] hu(int frame, double slope, double intercept) {
        if (d.bitsAllocated() != 16 || bigEndian || d.samplesPerPixel() != 1) return PixelFrames.toHu(stored(frame), slope, intercept);
        int n = d.samplesPerFrame();
        float[] hu = new float[n];
        Source src = source(frame);
        int p = src.start();
        byte[] b = src.bytes();
        boolean signed = d.signed(), integral = PixelFrames.integerShift(slope, intercept);
        int shift = 32 - d.bitsStored(), mask = (1 << d.bitsStored()) - 1, add = (int) intercept;
        for (int i = 0; i < n; i++, p += 2) {
            int raw = (short) SHORT_LE.get(b, p);
            int s = signed ? raw << shift >> shift : raw & mask;
            hu[i] = integral ? s + add : (float) (s * slope + intercept);
        }
        return hu;
    }

    /** Planar (RRR..GGG..BBB..) to interleaved (RGBRGB..), the order the DicomFile contract promises. */
    static int[] interleave(int[] planar, ImageDescriptor d) {
        int pixels = d.pixelsPerFrame(), spp = d.samplesPerPixel();
        int[] out = new int[planar.length];
        for (int s = 0; s < spp; s++)
            for (int i = 0; i < pixels; i++) out[i * spp + s] = planar[s * pixels + i];
        return out;
    }
}
