package org.lungfl.dicom.io;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.Optional;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.codec.CodecException;
import org.lungfl.dicom.codec.Codecs;
import org.lungfl.dicom.codec.FrameDecoder;
import org.lungfl.dicom.codec.ImageDescriptor;

/**
 * Compressed Pixel Data: which fragments make up each frame (PS3.5 A.4), decoded by the
 * syntax's {@link FrameDecoder}.
 */
final class EncapsulatedFrames implements PixelFrames {
    private final Path path;
    private final TransferSyntax syntax;
    private final ByteBuffer buf;
    private final Fragments f;
    private final ImageDescriptor d;
    private final Consumer<String> warnings;
    /** Frame i is fragments [firstFragment[i], firstFragment[i + 1]). */
    private final int[] firstFragment;

    EncapsulatedFrames(Path path, TransferSyntax syntax, ByteBuffer buf, Fragments f, ImageDescriptor d, int frames,
            Consumer<String> warnings) throws DicomException {
        this.path = path;
        this.syntax = syntax;
        this.buf = buf;
        this.f = f;
        this.d = d;
        this.warnings = warnings;
        this.firstFragment = splitFrames(frames);
    }

    /**
     * The basic offset table when it is present and consistent; else one fragment per frame when
     * the counts match; else all fragments for a single frame; else a new frame wherever a
     * fragment starts with a codestream start marker.
     */
    private int[] splitFrames(int frames) throws DicomException {
        if (f.count < frames)
            throw new DicomException(path, "NumberOfFrames is " + frames + " but the Pixel Data has only " + f.count + " fragments");
        int[] first = fromOffsetTable(frames);
        if (first != null) return first;
        first = new int[frames + 1];
        first[frames] = f.count;
        if (frames == f.count) {
            for (int i = 0; i < frames; i++) first[i] = i;
            return first;
        }
        if (frames == 1) return first;
        int found = 0;
        for (int i = 0; i < f.count; i++) {
            if (startsCodestream(i)) {
                if (found == frames) {
                    found++;
                    break;
                }
                first[found++] = i;
            }
        }
        if (found != frames || first[0] != 0)
            throw new DicomException(path, "cannot split " + f.count + " Pixel Data fragments into " + frames
                    + " frames (no usable basic offset table; " + found + " codestream starts)");
        return first;
    }

    private int[] fromOffsetTable(int frames) {
        if (f.botLength != 4L * frames) return null;
        int[] first = new int[frames + 1];
        first[frames] = f.count;
        int fragment = 0;
        for (int i = 0; i < frames; i++) {
            long offset = Bytes.u32(buf, f.botOffset + 4 * i, false);
            while (fragment < f.count && f.itemStart[fragment] < offset) fragment++;
            if (fragment == f.count || f.itemStart[fragment] != offset || (i > 0 && fragment <= first[i - 1])) return null;
            first[i] = fragment;
        }
        return first[0] == 0 ? first : null;
    }

    /** JPEG and JPEG-LS SOI (FFD8), a JPEG 2000 codestream (FF4F) or a JP2 signature box. */
    private boolean startsCodestream(int fragment) {
        int p = f.offset[fragment], n = f.length[fragment];
        if (n < 2) return false;
        int m = Bytes.u8(buf, p) << 8 | Bytes.u8(buf, p + 1);
        if (m == 0xFFD8 || m == 0xFF4F) return true;
        return n >= 8 && Bytes.u32(buf, p, true) == 12 && Bytes.u32(buf, p + 4, true) == 0x6A502020;
    }

    /** The concatenated fragments of one frame, as the codec sees it. */
    byte[] frameBytes(int frame) throws DicomException {
        int from = firstFragment[frame], to = firstFragment[frame + 1];
        long total = 0;
        for (int i = from; i < to; i++) total += f.length[i];
        if (total > maxCompressedFrameBytes(d)) {
            throw new DicomException(path, "frame " + (frame + 1) + " has " + total + " compressed bytes, more than any codec needs for "
                    + d.rows() + "x" + d.columns() + "x" + d.samplesPerPixel() + " samples of " + d.bitsAllocated() + " bits");
        }
        byte[] out = new byte[(int) total];
        int p = 0;
        for (int i = from; i < to; i++) {
            buf.get(f.offset[i], out, p, f.length[i]);
            p += f.length[i];
        }
        return out;
    }

    /**
     * No codec LungFL reads expands a frame beyond 4 times its uncompressed size (an 8-bit sample
     * costs at most 24 bits in JPEG lossless), plus room for headers: a frame claiming more is
     * not decoded, so a hostile fragment length cannot make us copy gigabytes.
     */
    static long maxCompressedFrameBytes(ImageDescriptor d) {
        return 4 * NativeFrames.frameBytes(d) + (1 << 20);
    }

    @Override
    public int[] stored(int frame) throws DicomException {
        // A new decoder per frame: cheap, and frames of one file may be decoded on several threads.
        Optional<FrameDecoder> decoder = Codecs.decoderFor(syntax);
        if (decoder.isEmpty()) throw new DicomException(path, "transfer syntax " + syntax.uid() + " (" + syntax + "): no decoder");
        int[] v;
        try {
            v = decoder.get().decode(frameBytes(frame), d, warnings);
        } catch (CodecException e) {
            throw new DicomException(path, "frame " + (frame + 1) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A decoder bug must still reach the user as one line naming the file, not as a stack trace.
            throw new DicomException(path, "frame " + (frame + 1) + ": " + syntax.uid() + " decoder failed ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        if (v == null || v.length != d.samplesPerFrame())
            throw new DicomException(path, "frame " + (frame + 1) + ": decoder returned " + (v == null ? 0 : v.length)
                    + " samples, expected " + d.samplesPerFrame());
        warnAboveBitsStored(v, frame);
        PixelFrames.normalize(v, d.bitsStored(), d.signed());
        return v;
    }

    /**
     * DCMTK codes 12-bit data as 16-bit JPEG, so a sample's bits above BitsStored are not pixel
     * data and the pipeline masks them off. A decoded sample whose high bits are neither zero nor
     * the sign extension of a signed sample therefore came from a damaged stream (a desynchronised
     * predictor drifts out of range) or from a writer that stored overlay bits there: either way
     * worth saying, once per file.
     */
    private void warnAboveBitsStored(int[] v, int frame) {
        int bits = d.bitsStored();
        if (bits >= 32) return;
        int count = 0;
        for (int x : v) {
            int high = x >> (bits - 1); // the sign bit and everything above it
            if ((x >>> bits) != 0 && !(d.signed() && (high == -1 || high == (0xFFFF >> (bits - 1)) || high == (0xFF >> (bits - 1))))) {
                count++;
            }
        }
        if (count > 0) {
            warnings.accept("frame " + (frame + 1) + ": " + count + " decoded samples have bits set above BitsStored " + bits
                    + " (masked off; a damaged stream, or overlay bits in the pixel data)");
        }
    }
}
