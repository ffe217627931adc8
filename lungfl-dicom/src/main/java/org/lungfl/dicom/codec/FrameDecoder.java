package org.lungfl.dicom.codec;

/**
 * Decodes one compressed frame (the concatenated fragments of one frame of encapsulated Pixel
 * Data) to its samples.
 *
 * <p>Contract shared by every codec, so that sign extension and masking happen in exactly one
 * place (the pixel pipeline): the result holds {@code rows × columns × samplesPerPixel} values in
 * row-major order, samples of a pixel interleaved, each value being the sample's <em>bit
 * pattern</em> as the codec stored it (0 … 2^precision − 1). A codec that natively yields signed
 * values may return them signed; the pipeline masks to BitsStored before sign extension either way.
 */
public interface FrameDecoder {
    /**
     * @throws CodecException when the codestream is malformed, truncated, or does not match the
     *     descriptor (size, precision, components); the message says which.
     */
    int[] decode(byte[] frame, ImageDescriptor descriptor) throws CodecException;
}
