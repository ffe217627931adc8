package org.lungfl.dicom.codec;

/**
 * The Image Pixel Module attributes a decoder needs (PS3.3 C.7.6.3), for one frame.
 *
 * @param pixelRepresentation 0 unsigned, 1 two's complement
 * @param planarConfiguration 0 interleaved (R1G1B1R2...), 1 planar; only meaningful when samplesPerPixel > 1
 */
public record ImageDescriptor(
        int rows,
        int columns,
        int samplesPerPixel,
        int bitsAllocated,
        int bitsStored,
        int highBit,
        int pixelRepresentation,
        String photometricInterpretation,
        int planarConfiguration) {

    public int pixelsPerFrame() {
        return rows * columns;
    }

    public int samplesPerFrame() {
        return rows * columns * samplesPerPixel;
    }

    public boolean signed() {
        return pixelRepresentation == 1;
    }
}
