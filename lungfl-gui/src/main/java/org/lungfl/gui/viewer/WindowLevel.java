package org.lungfl.gui.viewer;

import java.util.Locale;

/**
 * The grey-scale window of a CT display: Hounsfield units from {@code level − width/2} (black) to
 * {@code level + width/2} (white). Presets are the ones radiographers know; dragging changes width
 * with the horizontal and level with the vertical movement, as in most DICOM viewers.
 */
public record WindowLevel(double width, double level) {
    public static final WindowLevel LUNG = new WindowLevel(1500, -600);
    public static final WindowLevel MEDIASTINUM = new WindowLevel(350, 50);
    /** HU per screen pixel of drag. */
    static final double WIDTH_PER_PIXEL = 4, LEVEL_PER_PIXEL = 2;
    static final double MIN_WIDTH = 1, MAX_WIDTH = 4000, MIN_LEVEL = -1200, MAX_LEVEL = 3000;

    public WindowLevel {
        width = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, width));
        level = Math.max(MIN_LEVEL, Math.min(MAX_LEVEL, level));
    }

    /** After a drag by (dx, dy) screen pixels: right widens, down raises the level (darker image). */
    public WindowLevel dragged(int dx, int dy) {
        return new WindowLevel(width + dx * WIDTH_PER_PIXEL, level + dy * LEVEL_PER_PIXEL);
    }

    /** Grey value 0..255 of one HU. */
    public int grey(double hu) {
        double low = level - width / 2;
        double g = (hu - low) / width * 255;
        return g <= 0 ? 0 : g >= 255 ? 255 : (int) Math.round(g);
    }

    /** Grey value of every int16 HU, indexed by {@code hu + 32768}. */
    public byte[] lookupTable() {
        byte[] lut = new byte[65536];
        for (int i = 0; i < lut.length; i++) lut[i] = (byte) grey(i - 32768);
        return lut;
    }

    public String describe() {
        return String.format(Locale.ROOT, "W %.0f  L %.0f", width, level);
    }
}
