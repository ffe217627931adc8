package org.lungfl.dicom.volume;

import java.util.List;

/**
 * Stacks in-plane-resampled slices into a volume at the plan's z spacing, blending neighbours by
 * their true positions along the slice normal: the z half of trilinear resampling, which also
 * bridges missing slices instead of squeezing the volume.
 */
public final class VolumeStacker {
    private VolumeStacker() {}

    /** {@code positions}: ascending, in mm, one per slice; all slices the same size. */
    public static HuVolume stack(List<SliceDecoder.Slice> slices, double[] positions, double[] spacingMm) {
        if (slices.isEmpty() || slices.size() != positions.length) {
            throw new IllegalArgumentException(slices.size() + " slices for " + positions.length + " positions");
        }
        SliceDecoder.Slice first = slices.get(0);
        float[][] planes = new float[slices.size()][];
        for (int i = 0; i < planes.length; i++) {
            SliceDecoder.Slice s = slices.get(i);
            if (s.rows() != first.rows() || s.columns() != first.columns()) throw new IllegalArgumentException("slices differ in size");
            planes[i] = s.hu();
        }
        LinearAxis zs = LinearAxis.of(positions, spacingMm[0]);
        return new HuVolume(zs.size(), first.rows(), first.columns(), zs.alongSlices(planes, first.rows() * first.columns()),
                spacingMm.clone());
    }
}
