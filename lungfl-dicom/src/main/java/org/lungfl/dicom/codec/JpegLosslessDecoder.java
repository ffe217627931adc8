package org.lungfl.dicom.codec;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;

/**
 * JPEG lossless (SOF3), any predictor 1–7: transfer syntaxes 1.2.840.10008.1.2.4.57 and 4.70.
 * Decoded by TwelveMonkeys' reader, which was bit-exact on every predictor and precision we
 * probed (see NOTES.md); we check the frame header against the descriptor first so that a lying
 * header cannot make the plugin allocate more than the frame holds. Returns the unsigned bit
 * patterns (DCMTK writes P=16 even for 12-bit data: the pipeline masks to BitsStored).
 * Thread-safe: one reader per call.
 */
public final class JpegLosslessDecoder implements FrameDecoder {
    private static final String CODEC = "JPEG lossless";
    private final JPEGImageReaderSpi provider = ImageIoFrames.provider(JPEGImageReaderSpi.class);

    public JpegLosslessDecoder() {
    }

    @Override
    public int[] decode(byte[] frame, ImageDescriptor descriptor) throws CodecException {
        if (frame == null || frame.length == 0) throw new CodecException(CODEC + ": empty frame");
        JpegFrameHeader header = JpegFrameHeader.find(frame);
        if (header.sof() != 0xC3) {
            throw new CodecException(CODEC + ": frame is SOF" + (header.sof() - 0xC0) + ", not lossless SOF3");
        }
        if (header.precision() < 2 || header.precision() > 16) {
            throw new CodecException(CODEC + ": precision " + header.precision() + " (2 to 16 expected)");
        }
        header.checkAgainst(descriptor);
        ImageIoFrames.checkSize(descriptor, CODEC);
        // every sample costs at least one bit, so a tiny codestream cannot declare a huge frame
        if ((long) descriptor.samplesPerFrame() > 8L * frame.length) {
            throw new CodecException(CODEC + ": frame of " + descriptor.columns() + "x" + descriptor.rows()
                    + " is larger than " + frame.length + " bytes can encode");
        }
        return ImageIoFrames.samples(ImageIoFrames.readRaster(provider, frame, CODEC), descriptor, CODEC);
    }
}
