package org.lungfl.dicom.volume;

import java.util.Arrays;

/**
 * A CT volume in Hounsfield units, {@code data[(z * height + y) * width + x]}, with its voxel
 * spacing (z, y, x) in mm. Slices run along the slice normal in ascending position; rows and columns
 * follow the images' own row and column directions.
 */
public record HuVolume(int depth, int height, int width, float[] data, double[] spacing) {
    public HuVolume {
        if (depth < 1 || height < 1 || width < 1 || (long) depth * height * width != data.length) {
            throw new IllegalArgumentException("volume " + depth + "x" + height + "x" + width + " does not hold " + data.length + " values");
        }
        if (spacing.length != 3) throw new IllegalArgumentException("spacing must be (z, y, x)");
        for (double s : spacing) if (!(s > 0)) throw new IllegalArgumentException("spacing must be positive: " + Arrays.toString(spacing));
    }

    public int[] shape() {
        return new int[] {depth, height, width};
    }

    public float at(int z, int y, int x) {
        return data[(z * height + y) * width + x];
    }

    @Override
    public String toString() {
        return "HuVolume[" + depth + "x" + height + "x" + width + ", spacing " + Arrays.toString(spacing) + "]";
    }
}
