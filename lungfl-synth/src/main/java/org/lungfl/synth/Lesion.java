package org.lungfl.synth;

import java.util.List;

/**
 * One nodule or benign look-alike, as the generator placed it: the ground truth written to
 * nodules.csv. Centre in patient LPS millimetres.
 *
 * @param coreHu      HU of the solid part (the whole nodule when solid)
 * @param haloHu      HU of the ground-glass part of a part-solid nodule (NaN otherwise)
 * @param coreRadius  radius of the solid core in mm (equals diameter/2 unless part-solid)
 * @param lobulation  relative radius modulation amplitude (0 = sphere)
 * @param spicules    thin strands radiating from a spiculated nodule (empty otherwise)
 */
record Lesion(Kind kind, Attachment attachment, double x, double y, double z, double diameter, double coreRadius,
        double coreHu, double haloHu, double lobulation, double lobePhase, List<Capsule> spicules) {

    enum Kind {
        SOLID(true), PART_SOLID(true), CALCIFIED_GRANULOMA(false);

        final boolean malignant;

        Kind(boolean malignant) { this.malignant = malignant; }
    }

    enum Attachment { FREE, VESSEL, PLEURA }

    double radius() { return diameter / 2; }

    boolean spiculated() { return !spicules.isEmpty(); }
}
