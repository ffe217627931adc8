package org.lungfl.dicom.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.lungfl.dicom.io.TransferSyntax;

/**
 * Which {@link FrameDecoder} decodes which encapsulated transfer syntax. A fresh decoder per file,
 * so decoders need not be thread-safe.
 */
public final class Codecs {
    private static final Map<TransferSyntax, Supplier<FrameDecoder>> DECODERS = new EnumMap<>(TransferSyntax.class);

    static {
        DECODERS.put(TransferSyntax.RLE_LOSSLESS, RleDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_BASELINE, JpegDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_EXTENDED_12BIT, JpegDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_LOSSLESS, JpegLosslessDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_LOSSLESS_SV1, JpegLosslessDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_LS_LOSSLESS, JpegLsDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_LS_NEAR_LOSSLESS, JpegLsDecoder::new);
        DECODERS.put(TransferSyntax.JPEG_2000_LOSSLESS, Jpeg2000Decoder::new);
        DECODERS.put(TransferSyntax.JPEG_2000, Jpeg2000Decoder::new);
    }

    private Codecs() {}

    /** A new decoder for this syntax, or empty when LungFL has none. */
    public static Optional<FrameDecoder> decoderFor(TransferSyntax syntax) {
        Supplier<FrameDecoder> s = DECODERS.get(syntax);
        return s == null ? Optional.empty() : Optional.of(s.get());
    }
}
