package org.lungfl.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.write.CtImage;
import org.lungfl.dicom.write.CtImageWriter;
import org.lungfl.dicom.write.Uids;

/**
 * Writes one patient's phantom as a DICOM series: one study, one series, one file per axial
 * slice from head to feet, slice by slice so memory stays at one slice.
 */
final class StudyWriter {
    static final String STUDY_DATE = "20000101", STUDY_TIME = "090000";
    private static final double LUNG_WINDOW_CENTER = -600, LUNG_WINDOW_WIDTH = 1500;

    private StudyWriter() {}

    /** Returns the number of bytes written. */
    static long write(Path dir, String site, String patientId, SiteProtocol p, Anatomy anatomy, long patientSeed, String uidPrefix) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DicomException(dir, "cannot create directory: " + e.getMessage(), e);
        }
        SliceGrid grid = SliceGrid.centred(p.matrix(), p.matrix(), p.pixelSpacing(), Math.round(anatomy.body().cx()),
                Math.round(anatomy.body().cy()));
        String uid = uidPrefix + "/" + patientId;
        CtImage.Series series = new CtImage.Series("SYNTH^" + patientId.toUpperCase(java.util.Locale.ROOT), "SYNTH-" + patientId, "O",
                Uids.fromName(uid + "/study"), Uids.fromName(uid + "/series"), Uids.fromName(uid + "/frame-of-reference"), "1", "",
                STUDY_DATE, STUDY_TIME, 2, "Synthetic chest CT", "Axial " + p.sliceThickness() + " mm", "LungFL", p.scannerModel(),
                "Synthetic " + site, p.kvp(), p.matrix(), p.matrix(), new double[] {p.pixelSpacing(), p.pixelSpacing()},
                p.sliceThickness(), p.sliceSpacing(), new double[] {1, 0, 0, 0, 1, 0}, p.storage().signed, p.storage().bitsStored,
                p.storage().intercept, 1, LUNG_WINDOW_CENTER, LUNG_WINDOW_WIDTH);
        CtImageWriter writer = new CtImageWriter(p.syntax());
        SliceRenderer renderer = new SliceRenderer(anatomy);
        int slices = (int) Math.floor((anatomy.scanTopZ() - anatomy.scanBottomZ()) / p.sliceSpacing()) + 1;
        double top = Math.round(anatomy.scanTopZ() * 100) / 100.0;
        long bytes = 0;
        short[] stored = new short[grid.rows() * grid.cols()];
        for (int k = 0; k < slices; k++) {
            double z = Math.round((top - k * p.sliceSpacing()) * 1000) / 1000.0;
            float[] hu = renderer.render(grid, z, p.sliceThickness());
            ScannerModel.acquire(hu, grid.rows(), grid.cols(), p.noiseSigma(), SynthDataset.mix(patientSeed, k), p.storage(), stored);
            CtImage image = new CtImage(series, Uids.fromName(uid + "/slice/" + k), k + 1, new double[] {grid.x0(), grid.y0(), z}, z,
                    stored);
            byte[] file = writer.encode(image);
            Path f = dir.resolve(String.format("CT-%04d.dcm", k + 1));
            try {
                Files.write(f, file);
            } catch (IOException e) {
                throw new DicomException(f, "cannot write: " + e.getMessage(), e);
            }
            bytes += file.length;
        }
        return bytes;
    }
}
