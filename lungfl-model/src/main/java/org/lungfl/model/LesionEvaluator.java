package org.lungfl.model;

import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;

/**
 * Scores the candidates of lesion-centred patients and combines them per patient (DESIGN.md, "The
 * model"): the patient's probability is the max of its candidates' probabilities, or their leaky
 * noisy-OR, as the plan says. Reports patient-level metrics against the patient labels and, where
 * nodules are annotated, candidate-level metrics against the annotations.
 */
public final class LesionEvaluator {
    /** One patient: its probability and that of each candidate, in the detector's order. */
    public record PatientScore(String key, int label, double probability, double[] candidateProbabilities) {}

    /**
     * @param candidates candidate-level metrics over the annotated patients, null when none is
     *                   annotated or the annotations hold only one class
     */
    public record Result(BinaryMetrics patients, BinaryMetrics candidates, List<PatientScore> scores) {}

    private LesionEvaluator() {}

    public static Result evaluate(LungModel model, List<LesionPatient> patients, FederationPlan plan) {
        PatchExamples examples = PatchExamples.candidates(patients, plan);
        double[] p = Evaluator.probabilities(model, examples, Math.max(plan.train().batchSize(), 32));
        List<PatientScore> scores = new ArrayList<>(patients.size());
        List<Double> candP = new ArrayList<>();
        List<Integer> candY = new ArrayList<>();
        int at = 0;
        for (LesionPatient pt : patients) {
            int n = pt.candidates().size();
            double[] own = java.util.Arrays.copyOfRange(p, at, at + n);
            if (pt.annotated()) {
                for (int c = 0; c < n; c++) {
                    candP.add(own[c]);
                    candY.add(examples.label(at + c));
                }
            }
            at += n;
            scores.add(new PatientScore(pt.key(), pt.label(), combine(own, plan.patch()), own));
        }
        double[] pp = scores.stream().mapToDouble(PatientScore::probability).toArray();
        int[] py = scores.stream().mapToInt(PatientScore::label).toArray();
        BinaryMetrics candidates = null;
        if (candY.contains(0) && candY.contains(1)) {
            candidates = BinaryMetrics.of(candP.stream().mapToDouble(Double::doubleValue).toArray(),
                    candY.stream().mapToInt(Integer::intValue).toArray());
        }
        return new Result(BinaryMetrics.of(pp, py), candidates, scores);
    }

    /**
     * The patient's probability from its candidates': the max, or the leaky noisy-OR
     * 1 − (1 − leak)·Π(1 − p_i) (Liao et al., DSB2017's winner). No candidate at all means the
     * detector found nothing nodule-like: probability 0 (plus the leak for noisy-OR).
     */
    public static double combine(double[] p, FederationPlan.Patch patch) {
        if (patch.combine() == FederationPlan.Combine.MAX) {
            double m = 0;
            for (double v : p) m = Math.max(m, v);
            return m;
        }
        double none = 1 - patch.noisyOrLeak();
        for (double v : p) none *= 1 - v;
        return 1 - none;
    }
}
