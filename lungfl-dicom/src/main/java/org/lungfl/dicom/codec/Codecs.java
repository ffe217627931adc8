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
        // Filled as the codecs land: RLE and JPEG-LS (branch jpegls), the JPEG family and JPEG 2000 (branch jpeg).
    }

    private Codecs() {}

    /** A new decoder for this syntax, or empty when LungFL has none. */
    public static Optional<FrameDecoder> decoderFor(TransferSyntax syntax) {
        Supplier<FrameDecoder> s = DECODERS.get(syntax);
        return s == null ? Optional.empty() : Optional.of(s.get());
    }
}
