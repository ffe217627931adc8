package org.lungfl.dicom.candidates;

import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.VolumeGeometry;

/**
 * The lesion-centred half of preprocessing for one study, the same for import, evaluation and
 * prediction: the HU volume cropped to the lungs, its candidates (best first), and a stored-size
 * patch (int16) around each candidate and then around each extra centre (annotated nodules).
 */
public record LesionStudy(HuVolume lungs, VolumeGeometry grid, List<Candidate> candidates, short[] patches, int patchCount) {

    /** @param extraCentres further patch centres in patient coordinates (LPS, mm), after the candidates' */
    public static LesionStudy of(HuVolume hu, VolumeGeometry grid, FederationPlan plan, List<double[]> extraCentres) {
        LungMask lungMask = LungMask.of(hu, plan.candidates());
        HuVolume lungs = lungMask.crop(hu);
        VolumeGeometry lungGrid = grid.cropped(lungMask.box()[0], lungMask.box()[1], lungMask.box()[2]);
        List<Candidate> candidates = new CandidateDetector(plan.candidates()).detect(lungs, lungMask.croppedMask(), lungGrid);
        List<double[]> centres = new ArrayList<>();
        for (Candidate c : candidates) centres.add(new double[] {c.voxel()[0], c.voxel()[1], c.voxel()[2]});
        for (double[] lps : extraCentres) centres.add(lungGrid.toVoxel(lps));
        short[] patches = Patches.extract(lungs, centres, plan.patch().storedSize());
        return new LesionStudy(lungs, lungGrid, candidates, patches, centres.size());
    }
}
