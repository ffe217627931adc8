package org.lungfl.dicom.codec;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one frame with a specific ImageIO plugin, chosen by its provider class rather than
 * by whatever reader ImageIO lists first. A fresh reader per call keeps decoding thread-safe;
 * streams are memory-cached (never a temporary file).
 */
final class ImageIoFrames {
    static {
        ImageIO.setUseCache(false);
    }

    private ImageIoFrames() {
    }

    /** The registered instance of a provider (registration wires plugin delegates), scanning once if absent. */
    static <T extends ImageReaderSpi> T provider(Class<T> type) {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        T spi = registry.getServiceProviderByClass(type);
        if (spi == null) {
            ImageIO.scanForPlugins();
            spi = registry.getServiceProviderByClass(type);
        }
        if (spi == null) throw new IllegalStateException("ImageIO plugin " + type.getName() + " is not on the classpath");
        return spi;
    }

    /**
     * Reads image 0 as a raster, without colour conversion.
     *
     * @param codec names the codec in error messages
     */
    static Raster readRaster(ImageReaderSpi spi, byte[] data, String codec) throws CodecException {
        ImageReader reader = null;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            reader = spi.createReaderInstance();
            reader.setInput(in, true, true);
            return reader.canReadRaster() ? reader.readRaster(0, null) : reader.read(0).getRaster();
        } catch (IOException e) {
            throw new CodecException(codec + ": " + describe(e), e);
        } catch (RuntimeException e) {
            // the plugins signal corrupt data with assorted runtime exceptions
            throw new CodecException(codec + ": corrupt codestream (" + describe(e) + ")", e);
        } catch (ThreadDeath e) {
            // jj2000's JJ2KExceptionHandler throws a fresh ThreadDeath on read errors: not a real stop
            throw new CodecException(codec + ": corrupt codestream (read past its end)", e);
        } finally {
            if (reader != null) reader.dispose();
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s+", " ");
    }

    /** Checks the decoded raster against the descriptor and returns its samples, pixel-interleaved. */
    static int[] samples(Raster r, ImageDescriptor d, String codec) throws CodecException {
        if (r.getWidth() != d.columns() || r.getHeight() != d.rows() || r.getNumBands() != d.samplesPerPixel()) {
            throw new CodecException(codec + ": decoded " + r.getWidth() + "x" + r.getHeight() + "x" + r.getNumBands()
                    + ", DICOM says " + d.columns() + "x" + d.rows() + "x" + d.samplesPerPixel() + " (columns x rows x samples)");
        }
        return r.getPixels(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), (int[]) null);
    }

    /** Refuses frames so large that decoding them could exhaust memory; the descriptor is checked first. */
    static void checkSize(ImageDescriptor d, String codec) throws CodecException {
        if ((long) d.rows() * d.columns() * d.samplesPerPixel() > 1L << 26) {
            throw new CodecException(codec + ": frame of " + d.columns() + "x" + d.rows() + " is too large");
        }
    }
}
