package org.lungfl.synth;

/**
 * How a site stores HU in 16-bit pixels: signed with RescaleIntercept −1024 (BitsStored 16), or
 * unsigned 12-bit with intercept −1000 (HU below −1000 clip to 0, as on scanners that store so).
 */
public enum Storage {
    SIGNED_1024(true, 16, -1024),
    UNSIGNED_1000(false, 12, -1000);

    public final boolean signed;
    public final int bitsStored;
    public final int intercept;
    private final int min, max;

    Storage(boolean signed, int bitsStored, int intercept) {
        this.signed = signed;
        this.bitsStored = bitsStored;
        this.intercept = intercept;
        this.min = signed ? -(1 << (bitsStored - 1)) : 0;
        this.max = signed ? (1 << (bitsStored - 1)) - 1 : (1 << bitsStored) - 1;
    }

    /** The stored value of a HU, rounded and clipped to the representable range. */
    short stored(float hu) {
        int v = Math.round(hu) - intercept;
        return (short) (v < min ? min : (v > max ? max : v));
    }
}
