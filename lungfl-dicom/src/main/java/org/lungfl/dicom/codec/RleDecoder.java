package org.lungfl.dicom.codec;

import java.util.function.Consumer;

/**
 * DICOM RLE Lossless (PS3.5 Annex G), transfer syntax 1.2.840.10008.1.2.5.
 *
 * <p>A frame is a 64-byte header (segment count, then 15 little-endian offsets) followed by one
 * PackBits segment per byte plane: for each sample of a pixel, its most significant byte first.
 * Each segment must decode to exactly rows × columns bytes. Bytes after a complete segment are
 * ignored, because DCMTK and GDCM pad segments to even length.
 */
public final class RleDecoder implements FrameDecoder {
    private static final int HEADER_LENGTH = 64;
    private static final int MAX_SEGMENTS = 15;
    /** PackBits can expand one literal byte pair (header + value) to at most 128 bytes. */
    private static final int MAX_EXPANSION = 64;

    public RleDecoder() {}

    @Override
    public int[] decode(byte[] frame, ImageDescriptor d, Consumer<String> warnings) throws CodecException {
        int spp = d.samplesPerPixel();
        int bitsAllocated = d.bitsAllocated();
        if (spp != 1 && spp != 3) {
            throw new CodecException("RLE: unsupported samples per pixel " + spp + " (expected 1 or 3)");
        }
        if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
            throw new CodecException("RLE: unsupported bits allocated " + bitsAllocated + " (expected 8, 16 or 32)");
        }
        if (d.rows() <= 0 || d.columns() <= 0) {
            throw new CodecException("RLE: invalid image size " + d.rows() + "x" + d.columns());
        }
        if (frame.length < HEADER_LENGTH) {
            throw new CodecException("RLE: frame of " + frame.length + " bytes is shorter than the 64-byte RLE header");
        }
        int bytesPerSample = bitsAllocated / 8;
        int segments = readInt(frame, 0);
        int expected = spp * bytesPerSample;
        if (segments != expected) {
            throw new CodecException("RLE: header declares " + Integer.toUnsignedString(segments) + " segments, but "
                    + spp + " sample(s) of " + bitsAllocated + " bits need " + expected);
        }
        long pixels = (long) d.rows() * d.columns();
        int[] offsets = new int[segments + 1];
        for (int s = 0; s < segments; s++) {
            long offset = Integer.toUnsignedLong(readInt(frame, 4 + 4 * s));
            long previous = s == 0 ? HEADER_LENGTH : offsets[s - 1];
            if (offset < previous || offset > frame.length) {
                throw new CodecException("RLE: segment " + (s + 1) + " offset " + offset + " is outside "
                        + previous + ".." + frame.length);
            }
            offsets[s] = (int) offset;
        }
        offsets[segments] = frame.length;
        // Check that every segment can possibly hold its bytes before allocating the output.
        for (int s = 0; s < segments; s++) {
            long capacity = (long) (offsets[s + 1] - offsets[s] + 1) * MAX_EXPANSION;
            if (capacity < pixels) {
                throw new CodecException("RLE: segment " + (s + 1) + " has " + (offsets[s + 1] - offsets[s])
                        + " bytes, too few for " + pixels + " pixels");
            }
        }
        if (pixels * spp > Integer.MAX_VALUE - 1024) {
            throw new CodecException("RLE: image of " + pixels + " pixels is too large");
        }
        int[] out = new int[(int) pixels * spp];
        for (int s = 0; s < segments; s++) {
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
            decodeSegment(frame, offsets[s], offsets[s + 1], out, sample, spp, shift, s + 1);
        }
        return out;
    }

    /** Ors each decoded byte, shifted into its place, into every {@code stride}-th output value. */
    private static void decodeSegment(byte[] in, int pos, int end, int[] out, int first, int stride, int shift,
            int segment) throws CodecException {
        int o = first;
        int limit = out.length;
        while (o < limit) {
            if (pos >= end) {
                throw new CodecException("RLE: segment " + segment + " ends after " + (o - first) / stride
                        + " of " + limit / stride + " bytes");
            }
            int n = in[pos++];
            if (n >= 0) {
                int count = n + 1;
                if (pos + count > end) {
                    throw new CodecException("RLE: segment " + segment + " literal run of " + count
                            + " bytes passes the end of the segment");
                }
                if (o + (count - 1) * stride >= limit) {
                    throw new CodecException("RLE: segment " + segment + " decodes to more than "
                            + limit / stride + " bytes");
                }
                for (int i = 0; i < count; i++, o += stride) {
                    out[o] |= (in[pos++] & 0xFF) << shift;
                }
            } else if (n != -128) {
                int count = 1 - n;
                if (pos >= end) {
                    throw new CodecException("RLE: segment " + segment + " replicate run has no byte to repeat");
                }
                if (o + (count - 1) * stride >= limit) {
                    throw new CodecException("RLE: segment " + segment + " decodes to more than "
                            + limit / stride + " bytes");
                }
                int value = (in[pos++] & 0xFF) << shift;
                for (int i = 0; i < count; i++, o += stride) {
                    out[o] |= value;
                }
            }
        }
    }

    private static int readInt(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
