package org.lungfl.dicom.series;

import java.nio.file.Path;
import org.lungfl.dicom.io.DicomFile;

/**
 * The few header attributes series assembly and volume building need, copied out of a
 * {@link DicomFile} so a whole archive can be grouped and sorted without keeping parsed files
 * (or their pixel data) in memory. Pixels are read again, slice by slice, when the volume is built.
 *
 * @param position ImagePositionPatient (x, y, z) in mm, or null
 * @param orientation ImageOrientationPatient (row then column cosines), or null
 * @param pixelSpacing PixelSpacing (row spacing, column spacing) in mm, or null
 */
public record SliceHeader(
        Path path,
        String seriesInstanceUid,
        String modality,
        Integer instanceNumber,
        double[] position,
        double[] orientation,
        double[] pixelSpacing,
        double gantryTilt,
        int rows,
        int columns,
        int frames) {

    public static SliceHeader of(DicomFile f) {
        var d = f.imageDescriptor();
        // Only greyscale pixels make a CT volume; anything else counts as "no pixels".
        boolean grey = d != null && d.samplesPerPixel() == 1;
        return new SliceHeader(f.path(), f.seriesInstanceUid(), f.modality(), f.instanceNumber(),
                f.imagePositionPatient(), f.imageOrientationPatient(), f.pixelSpacing(), f.gantryTilt(),
                grey ? d.rows() : 0, grey ? d.columns() : 0, f.numberOfFrames());
    }

    /** The slice normal: row cosines × column cosines, or null without a usable orientation. */
    public double[] normal() {
        if (orientation == null || orientation.length != 6) return null;
        double[] r = {orientation[0], orientation[1], orientation[2]};
        double[] c = {orientation[3], orientation[4], orientation[5]};
        double[] n = {r[1] * c[2] - r[2] * c[1], r[2] * c[0] - r[0] * c[2], r[0] * c[1] - r[1] * c[0]};
        double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (!(len > 0.5)) return null; // not (near-)orthonormal cosines: no trustworthy normal
        for (int i = 0; i < 3; i++) n[i] /= len;
        return n;
    }

    /** True when the file can take part in a volume: one frame of pixels with full geometry. */
    public boolean hasGeometry() {
        return position != null && position.length == 3 && normal() != null
                && pixelSpacing != null && pixelSpacing.length == 2 && pixelSpacing[0] > 0 && pixelSpacing[1] > 0
                && rows > 0 && columns > 0;
    }

}
