package org.lungfl.dicom.candidates;

import java.util.List;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.Preprocessor;

/** Cubes of HU cut out of a volume around given centres, as stored in the cache (int16). */
public final class Patches {
    private Patches() {}

    /**
     * One {@code side}³ cube per centre (fractional voxel indices, rounded to the nearest voxel),
     * back to back; voxels outside the volume are air. With an even side the centre voxel is the
     * first of the upper half, so index {@code side / 2} along each axis is the candidate.
     */
    public static short[] extract(HuVolume v, List<double[]> centres, int side) {
        int n = side * side * side;
        short[] out = new short[Math.multiplyExact(centres.size(), n)];
        int d = v.depth(), h = v.height(), w = v.width();
        float[] hu = v.data();
        short air = (short) Preprocessor.AIR_HU;
        int half = side / 2;
        for (int c = 0; c < centres.size(); c++) {
            double[] p = centres.get(c);
            int z0 = (int) Math.round(p[0]) - half, y0 = (int) Math.round(p[1]) - half, x0 = (int) Math.round(p[2]) - half;
            int o = c * n;
            for (int z = z0; z < z0 + side; z++) {
                boolean zIn = z >= 0 && z < d;
                for (int y = y0; y < y0 + side; y++) {
                    boolean in = zIn && y >= 0 && y < h;
                    int row = (z * h + y) * w;
                    for (int x = x0; x < x0 + side; x++) {
                        out[o++] = in && x >= 0 && x < w ? toShort(hu[row + x]) : air;
                    }
                }
            }
        }
        return out;
    }

    /** HU rounded to int16; CT values fit, anything beyond is clamped. */
    public static short[] toShorts(float[] hu) {
        short[] s = new short[hu.length];
        for (int i = 0; i < hu.length; i++) s[i] = toShort(hu[i]);
        return s;
    }

    static short toShort(float v) {
        int r = Math.round(v);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
    }
}
