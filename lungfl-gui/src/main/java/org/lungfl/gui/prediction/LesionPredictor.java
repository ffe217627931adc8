package org.lungfl.gui.prediction;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.gui.viewer.Finding;
import org.lungfl.gui.viewer.ViewerVolume;
import org.lungfl.model.LungModel;
import org.lungfl.model.StudyVolume;

/**
 * A lesion-centred plan's prediction, as {@code lungfl predict} makes it: candidates, a probability
 * for each, the patient's probability by the plan's rule, and the most probable findings marked on
 * the viewer's volume by their position in patient millimetres.
 */
final class LesionPredictor implements Predictor {
    /** Findings listed and marked: enough to show what the model weighed, few enough to read. */
    static final int SHOWN = 10;

    @Override
    public Prediction predict(FederationPlan plan, Weights weights, Path studyDir, ViewerVolume shown, StopSignal stop) {
        StudyVolume.Study study = StudyVolume.read(studyDir, plan);
        stop.check();
        var cpu = FederatedTrainingCycle.computeLock();
        cpu.lock();
        try (LungModel model = LungModel.of(plan, weights)) {
            var r = org.lungfl.model.LesionPredictor.predict(model, plan, study, SHOWN);
            List<Finding> findings = r.findings().stream()
                    .map(f -> Finding.atPatientMm(shown, f.positionMm(), f.sizeMm(), f.probability())).toList();
            return new Prediction(r.probability(), findings, String.format(Locale.ROOT,
                    "lesion-centred model (%s): %d candidates scored, the patient's probability is their %s", plan.architecture(),
                    r.candidates(), plan.patch().combine() == FederationPlan.Combine.MAX ? "maximum" : "leaky noisy-OR"));
        } finally {
            cpu.unlock();
        }
    }
}
