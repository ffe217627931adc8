package org.lungfl.dicom.volume;

import java.util.OptionalInt;
import org.lungfl.dicom.codec.ImageDescriptor;

/**
 * Hounsfield units of every stored value in {@code [min, min + hu.length)}: stored × slope +
 * intercept in float, as {@link SliceDecoder} computed it pixel by pixel, with PixelPaddingValue
 * and anything below −1000 HU as air. 16-bit data needs 256 KB, which stays in L2 while a slice
 * is decoded; 12-bit data 16 KB.
 */
record HuTable(int min, float[] hu, float slope, float intercept, OptionalInt padding) {
    /** The widest range tabulated (4 MB); beyond it, {@link #perPixel}. */
    static final int MAX_SIZE = 1 << 20;

    /** Every value BitsStored (at most 16) allows, so the series' next slices find the table ready. */
    static HuTable of(ImageDescriptor d, float slope, float intercept, OptionalInt padding) {
        int bits = d.bitsStored();
        return d.signed() ? of(-(1 << (bits - 1)), (1 << (bits - 1)) - 1, slope, intercept, padding)
                : of(0, (1 << bits) - 1, slope, intercept, padding);
    }

    static HuTable of(int min, int max, float slope, float intercept, OptionalInt padding) {
        if (max < min) return new HuTable(0, new float[0], slope, intercept, padding);
        long size = (long) max - min + 1;
        if (size > MAX_SIZE) throw new IllegalArgumentException("stored values span " + size + ": too wide for a table");
        float[] hu = new float[(int) size];
        for (int i = 0; i < hu.length; i++) hu[i] = hu(min + i, slope, intercept, padding);
        return new HuTable(min, hu, slope, intercept, padding);
    }

    /** The HU of each pixel, for stored values too wide to tabulate: index it by pixel position. */
    static HuTable perPixel(int[] stored, int pixels, float slope, float intercept, OptionalInt padding) {
        float[] hu = new float[pixels];
        for (int i = 0; i < pixels; i++) hu[i] = hu(stored[i], slope, intercept, padding);
        return new HuTable(0, hu, slope, intercept, padding);
    }

    /**
     * Nothing in a patient is below air: values under −1000 HU are padding whose tag is missing
     * (Kaggle DSB2017's stored −2000, Zuidhof's tutorial sets them to air too) and become air.
     */
    private static float hu(int stored, float slope, float intercept, OptionalInt padding) {
        if (padding.isPresent() && stored == padding.getAsInt()) return Preprocessor.AIR_HU;
        float v = stored * slope + intercept;
        return v < Preprocessor.AIR_HU ? Preprocessor.AIR_HU : v;
    }

    /** Whether this table serves a slice with this descriptor and rescale. */
    boolean covers(ImageDescriptor d, float slope, float intercept, OptionalInt padding) {
        int bits = d.bitsStored();
        int lo = d.signed() ? -(1 << (bits - 1)) : 0, hi = d.signed() ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        return lo >= min && hi < min + (long) hu.length && Float.compare(slope, this.slope) == 0
                && Float.compare(intercept, this.intercept) == 0 && padding.equals(this.padding);
    }
}
