package org.lungfl.dicom.codec;

import java.util.function.Consumer;

/**
 * Decodes one compressed frame (the concatenated fragments of one frame of encapsulated Pixel
 * Data) to its samples.
 *
 * <p>Contract shared by every codec, so that sign extension and masking happen in exactly one
 * place (the pixel pipeline): the result holds {@code rows × columns × samplesPerPixel} values in
 * row-major order, samples of a pixel interleaved, each value being the sample's <em>bit
 * pattern</em> as the codec stored it (0 … 2^precision − 1). A codec that natively yields signed
 * values may return them signed; the pipeline masks to BitsStored before sign extension either way.
 *
 * <p>A codec decodes exactly what the codestream says or refuses it: data that does not fit the
 * syntax (a marker out of place, a segment length that disagrees with its content, entropy-coded
 * data that ends before the last sample or goes on after it) is a {@link CodecException}, never a
 * plausible image. The few deviations real archives need (and that other decoders accept too) are
 * decoded and reported through {@code warnings}, one sentence each.
 */
public interface FrameDecoder {
    /**
     * @param warnings receives one sentence per tolerated deviation from the standard
     * @throws CodecException when the codestream is malformed, truncated, or does not match the
     *     descriptor (size, precision, components); the message says which.
     */
    int[] decode(byte[] frame, ImageDescriptor descriptor, Consumer<String> warnings) throws CodecException;

    /** Decodes without collecting warnings. */
    default int[] decode(byte[] frame, ImageDescriptor descriptor) throws CodecException {
        return decode(frame, descriptor, w -> { });
    }
}
