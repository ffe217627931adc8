package org.lungfl.dicom.io;

import org.lungfl.dicom.codec.ImageDescriptor;

/** Uncompressed Pixel Data: frames back to back, little or big endian, 8, 16 or 32 bits per sample. */
final class NativeFrames implements PixelFrames {
    private final byte[] buf;
    private final int offset;
    private final ImageDescriptor d;
    private final boolean bigEndian;
    /** 8-bit samples in an OW value of a big endian file are byte-swapped in 16-bit words (PS3.5 8.1.1). */
    private final boolean swap8;

    NativeFrames(byte[] buf, int offset, ImageDescriptor d, boolean bigEndian, boolean swap8) {
        this.buf = buf;
        this.offset = offset;
        this.d = d;
        this.bigEndian = bigEndian;
        this.swap8 = swap8;
    }

    static long frameBytes(ImageDescriptor d) {
        return (long) d.samplesPerFrame() * (d.bitsAllocated() / 8);
    }

    @Override
    public int[] stored(int frame) {
        int n = d.samplesPerFrame();
        int[] v = new int[n];
        int p = offset + (int) (frame * frameBytes(d));
        byte[] b = buf;
        int bits = d.bitsStored();
        boolean signed = d.signed();
        switch (d.bitsAllocated()) {
            case 8 -> {
                for (int i = 0; i < n; i++) v[i] = b[swap8 ? (p + i) ^ 1 : p + i] & 0xFF;
                PixelFrames.normalize(v, bits, signed);
            }
            case 16 -> {
                // The hot path of every import: read, mask and sign-extend in one pass.
                int lo = bigEndian ? 1 : 0, hi = 1 - lo;
                if (signed) {
                    int shift = 32 - bits;
                    for (int i = 0; i < n; i++, p += 2) v[i] = ((b[p + lo] & 0xFF) | (b[p + hi] & 0xFF) << 8) << shift >> shift;
                } else {
                    int mask = (1 << bits) - 1;
                    for (int i = 0; i < n; i++, p += 2) v[i] = ((b[p + lo] & 0xFF) | (b[p + hi] & 0xFF) << 8) & mask;
                }
            }
            default -> {
                for (int i = 0; i < n; i++, p += 4) v[i] = Bytes.i32(b, p, bigEndian);
                PixelFrames.normalize(v, bits, signed);
            }
        }
        return d.samplesPerPixel() > 1 && d.planarConfiguration() == 1 ? interleave(v, d) : v;
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
