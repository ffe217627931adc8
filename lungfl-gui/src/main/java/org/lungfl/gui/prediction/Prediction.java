package org.lungfl.gui.prediction;

import java.util.List;
import org.lungfl.gui.viewer.Finding;

/**
 * What the model says about one study: the patient's cancer probability and the findings it
 * points at (highest score first; empty when the model reports none), plus a note on how it was
 * made ("whole-volume model: no findings to show").
 */
public record Prediction(double probability, List<Finding> findings, String note) {
    public Prediction {
        if (!(probability >= 0 && probability <= 1)) throw new IllegalArgumentException("probability must be in [0, 1], not " + probability);
        findings = findings.stream().sorted((a, b) -> Double.compare(b.score(), a.score())).toList();
    }
}
