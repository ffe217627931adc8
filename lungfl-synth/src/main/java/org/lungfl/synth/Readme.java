package org.lungfl.synth;

import java.util.List;
import java.util.Locale;

/** DIR/README.txt: how a synthetic dataset was made, enough to make it again byte for byte. */
final class Readme {
    private Readme() {}

    static String text(SynthDataset.Options o, List<String> sites, List<List<SynthDataset.PatientPlan>> plans, String version,
            String commandLine) {
        StringBuilder sb = new StringBuilder();
        sb.append("LungFL synthetic lung CT dataset\n");
        sb.append("================================\n\n");
        sb.append("SYNTHETIC DATA: computer-generated chest phantoms. No real patient, no real dates.\n\n");
        sb.append("Made by:  ").append(version).append('\n');
        sb.append("Command:  ").append(commandLine).append('\n');
        sb.append(String.format(Locale.ROOT, "Seed %d, %d site(s) x %d patients, %d test patients, positive rate %.3f, prevalence skew %.2f%s%n",
                o.seed(), o.sites(), o.patientsPerSite(), o.testPatients(), o.positiveRate(), o.prevalenceSkew(), o.small() ? ", --small" : ""));
        PhantomModel m = o.model();
        sb.append(String.format(Locale.ROOT, "Nodules %.1f-%.1f mm (%.0f%% below %.1f mm), granuloma rate %.2f (no cancer) / %.2f (cancer)%n%n",
                m.noduleMinMm(), m.noduleMaxMm(), 100 * m.smallNoduleFraction(), m.smallNoduleMaxMm(), m.granulomaRateNegative(),
                m.granulomaRatePositive()));
        sb.append("Layout (DSB2017 style):\n");
        sb.append("  <site>/dicom/<patient>/CT-NNNN.dcm   one study, one axial series per patient, head to feet\n");
        sb.append("  <site>/labels.csv                    id,cancer\n");
        sb.append("  <site>/nodules.csv                   ground truth: every lesion's centre (patient LPS mm) and diameter\n\n");
        sb.append("Sites:\n");
        for (int s = 0; s < sites.size(); s++) {
            List<SynthDataset.PatientPlan> plan = plans.get(s);
            long positives = plan.stream().filter(SynthDataset.PatientPlan::cancer).count();
            sb.append(String.format(Locale.ROOT, "  %-8s %3d patients, %3d with cancer (%.0f%%)%n", sites.get(s), plan.size(), positives,
                    plan.isEmpty() ? 0.0 : 100.0 * positives / plan.size()));
            plan.stream().map(SynthDataset.PatientPlan::protocol).distinct().forEach(p -> sb.append(String.format(Locale.ROOT,
                    "           %s: %dx%d, pixel %.3f mm, slice %.2f mm every %.2f mm, %s (intercept %d), noise %.1f HU, %s%n",
                    p.scannerModel(), p.matrix(), p.matrix(), p.pixelSpacing(), p.sliceThickness(), p.sliceSpacing(), p.storage(),
                    p.storage().intercept, p.noiseSigma(), p.syntax().uid())));
        }
        sb.append("\nThe generative model and every knob: docs/synthetic-data.md in the LungFL repository.\n");
        return sb.toString();
    }
}
