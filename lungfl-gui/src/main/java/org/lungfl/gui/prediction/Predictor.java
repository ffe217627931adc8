package org.lungfl.gui.prediction;

import java.nio.file.Path;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;
import org.lungfl.gui.viewer.ViewerVolume;

/**
 * The desktop client's one door to the model's prediction. An implementation runs the plan's model
 * with the given weights on the study in {@code studyDir} and places its findings on
 * {@code shown}, the volume the viewer displays (use {@link org.lungfl.gui.viewer.Finding#atPatientMm}
 * for findings in patient millimetres). Called on a background thread, never the event thread;
 * it should give up at {@code stop.check()} points when asked.
 */
public interface Predictor {
    Prediction predict(FederationPlan plan, Weights weights, Path studyDir, ViewerVolume shown, StopSignal stop);

    /** The predictor for a plan: candidates and their findings, or one probability for the whole volume. */
    static Predictor forPlan(FederationPlan plan) {
        return plan.lesionCentred() ? new LesionPredictor() : new WholeVolumePredictor();
    }
}
