package org.lungfl.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.candidates.LesionStudy;

/**
 * A lesion-centred plan's prediction for one study: candidates, a probability for each, the
 * patient's probability by the plan's rule, and the findings a radiologist would look at first.
 */
public final class LesionPredictor {
    /**
     * One scored candidate: where it is (patient coordinates, LPS mm; and the voxel (z, y, x) of the
     * study's volume at the plan's spacing), its approximate diameter (from the blob's scale: a ball
     * of diameter d responds most at σ = d / (2√3)), the detector's score and the model's probability.
     */
    public record Finding(int rank, double[] positionMm, double[] voxel, double sizeMm, double detectorScore, double probability) {}

    public record Result(double probability, List<Finding> findings, int candidates) {}

    private LesionPredictor() {}

    /** Scores every candidate of the study; {@code top} findings are returned, most probable first. */
    public static Result predict(LungModel model, FederationPlan plan, StudyVolume.Study study, int top) {
        LesionStudy lesions = LesionStudy.of(study.hu(), study.grid(), plan, List.of());
        PatchExamples examples = PatchExamples.ofPatches(lesions.patches(), lesions.patchCount(), plan);
        double[] p = Evaluator.probabilities(model, examples, Math.max(plan.train().batchSize(), 32));
        List<Finding> all = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            Candidate c = lesions.candidates().get(i);
            all.add(new Finding(0, c.positionMm(), study.grid().toVoxel(c.positionMm()), 2 * Math.sqrt(3) * c.sigmaMm(), c.score(), p[i]));
        }
        all.sort(Comparator.comparingDouble(Finding::probability).reversed());
        List<Finding> findings = new ArrayList<>();
        for (int i = 0; i < Math.min(top, all.size()); i++) {
            Finding f = all.get(i);
            findings.add(new Finding(i + 1, f.positionMm(), f.voxel(), f.sizeMm(), f.detectorScore(), f.probability()));
        }
        return new Result(LesionEvaluator.combine(p, plan.patch()), findings, p.length);
    }
}
