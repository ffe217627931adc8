package org.lungfl.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.metrics.BinaryMetrics;
import org.lungfl.core.plan.FederationPlan;

/**
 * Patients of one or more dataset caches, read the way the plan's model uses them: whole volumes
 * (cnn3d-v1) or candidates and their patches (lesion-centred). Training, validation, evaluation and
 * the federated client all go through it, so the two pipelines differ in one place.
 */
public final class Cohort {
    /** Patient-level metrics, candidate-level metrics (lesion-centred and annotated only, else null) and each patient's score. */
    public record Evaluation(BinaryMetrics patients, BinaryMetrics candidates, List<LesionEvaluator.PatientScore> scores) {}

    public record Split(Cohort train, Cohort validation) {}

    private final FederationPlan plan;
    private final List<LabelledVolume> volumes;
    private final List<LesionPatient> lesions;

    private Cohort(FederationPlan plan, List<LabelledVolume> volumes, List<LesionPatient> lesions) {
        this.plan = plan;
        this.volumes = volumes == null ? null : List.copyOf(volumes);
        this.lesions = lesions == null ? null : List.copyOf(lesions);
    }

    public static Cohort read(Path cacheDir, FederationPlan plan) {
        return plan.lesionCentred() ? new Cohort(plan, null, CachedDataset.readLesions(cacheDir, plan))
                : new Cohort(plan, CachedDataset.read(cacheDir, plan), null);
    }

    public FederationPlan plan() {
        return plan;
    }

    public List<? extends Patient> patients() {
        return volumes != null ? volumes : lesions;
    }

    /** The lesion-centred patients (null for a whole-volume plan). */
    public List<LesionPatient> lesionPatients() {
        return lesions;
    }

    public int size() {
        return patients().size();
    }

    public boolean isEmpty() {
        return patients().isEmpty();
    }

    public int cancers() {
        return (int) patients().stream().filter(p -> p.label() == 1).count();
    }

    /** The plan's seeded, stratified split into training and validation patients. */
    public Split split() {
        if (volumes != null) {
            ValidationSplit<LabelledVolume> s = ValidationSplit.of(volumes, plan.train().validationFraction(), plan.seed());
            return new Split(new Cohort(plan, s.train(), null), new Cohort(plan, s.validation(), null));
        }
        ValidationSplit<LesionPatient> s = ValidationSplit.ofLesions(lesions, plan.train().validationFraction(), plan.seed());
        return new Split(new Cohort(plan, null, s.train()), new Cohort(plan, null, s.validation()));
    }

    /** This cohort and the other one together (centralised training pools the sites). */
    public Cohort plus(Cohort other) {
        if (volumes != null) {
            List<LabelledVolume> all = new ArrayList<>(volumes);
            all.addAll(other.volumes);
            return new Cohort(plan, all, null);
        }
        List<LesionPatient> all = new ArrayList<>(lesions);
        all.addAll(other.lesions);
        return new Cohort(plan, null, all);
    }

    /**
     * Null when the cohort can be trained on under the plan, otherwise why not (a lesion-centred
     * plan trains on annotated nodules; a site without annotations can still evaluate and predict).
     */
    public String whyNotTrainable() {
        if (isEmpty()) return "no patients";
        if (lesions == null) return null;
        long missing = lesions.stream().filter(p -> !p.annotated()).count();
        if (missing > 0) {
            return missing + " of " + lesions.size() + " patients have no nodule annotations, and plan '" + plan.name()
                    + "' learns from annotated nodules (import with --annotations CSV); this site can evaluate and predict only";
        }
        return null;
    }

    /** What the trainer sees: whole volumes, or candidate and nodule patches with balanced sampling. */
    public Examples trainingExamples() {
        String why = whyNotTrainable();
        if (why != null) throw new UserFacingException("cannot train: " + why);
        return volumes != null ? new VolumeExamples(volumes, plan.inputShape()) : PatchExamples.forTraining(lesions, plan);
    }

    public Evaluation evaluate(LungModel model) {
        if (volumes != null) {
            Evaluator.Result r = Evaluator.evaluate(model, volumes, plan.train().batchSize());
            List<LesionEvaluator.PatientScore> scores = r.predictions().stream()
                    .map(p -> new LesionEvaluator.PatientScore(p.key(), p.label(), p.probability(), null)).toList();
            return new Evaluation(r.metrics(), null, scores);
        }
        LesionEvaluator.Result r = LesionEvaluator.evaluate(model, lesions, plan);
        return new Evaluation(r.patients(), r.candidates(), r.scores());
    }
}
