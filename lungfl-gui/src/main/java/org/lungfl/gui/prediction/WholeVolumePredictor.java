package org.lungfl.gui.prediction;

import java.nio.file.Path;
import java.util.List;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.gui.viewer.ViewerVolume;
import org.lungfl.model.LungModel;
import org.lungfl.model.StudyVolume;

/**
 * cnn3d-v1 on the whole preprocessed chest, as {@code lungfl predict} does it: one probability per
 * patient and no findings, since the model does not say where it looked.
 */
final class WholeVolumePredictor implements Predictor {
    @Override
    public Prediction predict(FederationPlan plan, Weights weights, Path studyDir, ViewerVolume shown, StopSignal stop) {
        StudyVolume.Loaded study = StudyVolume.load(studyDir, plan);
        stop.check();
        var cpu = FederatedTrainingCycle.computeLock();
        cpu.lock();
        try (LungModel model = LungModel.of(plan, weights)) {
            return new Prediction(model.probability(study.volume().data()), List.of(),
                    "whole-volume model (" + plan.architecture() + "): it gives no findings to mark");
        } finally {
            cpu.unlock();
        }
    }
}
