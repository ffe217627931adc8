package org.lungfl.dicom.series;

/**
 * Something about a series a radiologist would want to know before trusting its volume. The kind
 * and the numbers are data (for the manifest and for code); the message says it in words.
 *
 * @param slices how many slices are concerned (missing, duplicated, excluded), 0 when not a count
 * @param value the measured quantity: gap in mm, tilt in degrees, 0 when none
 */
public record SeriesWarning(Kind kind, int slices, double value, String message) {
    public enum Kind {
        /** Positions jump by more than 1.5 slice spacings: slices are missing (interpolated across). */
        MISSING_SLICES,
        /** Several files at the same position; one is kept. */
        DUPLICATE_POSITION,
        /** Slice spacing varies by more than 10 % without a clear gap. */
        IRREGULAR_SPACING,
        /** Files whose rows, columns or pixel spacing differ from the series' majority; excluded. */
        MIXED_SIZE,
        /** Files whose orientation differs from the series' majority; excluded. */
        MIXED_ORIENTATION,
        /** Slices are not stacked along their normal (GantryDetectorTilt or sheared positions); not corrected. */
        GANTRY_TILT,
        /** Files without position, orientation, pixel spacing or pixels; excluded. */
        MISSING_GEOMETRY,
        /** Enhanced (multi-frame) CT: per-frame positions are not read, so no volume is built from it. */
        MULTI_FRAME
    }

    @Override
    public String toString() {
        return kind + ": " + message;
    }
}
