package org.lungfl.synth;

import java.util.List;

/**
 * The analytic 3D description of one synthetic chest, from which any slice at any resolution is
 * rendered. Lengths in mm, patient LPS coordinates (x to the patient's left, y to posterior,
 * z to head); densities in HU.
 */
record Anatomy(
        Body body, List<Lung> lungs, List<Capsule> vessels, List<Capsule> airways, double airwayWall,
        List<Capsule> centralAirways, Ribs ribs, Spine spine, Table table, Texture texture, List<Lesion> lesions,
        double parenchymaHu, double dependentGradientHu, double vesselHu, double scanTopZ, double scanBottomZ) {

    /**
     * Elliptic body outline with skin, a subcutaneous fat layer, and muscle/mediastinum inside.
     */
    record Body(double cx, double cy, double a, double b, double skin, double fat, double skinHu, double fatHu, double muscleHu) {}

    /**
     * Ribs on an elliptic ring just outside the lungs; rib k leaves the spine at z = topZ - k·spacing
     * and drops by {@code drop} towards the front. Cross-section: radial half-thickness × z half-height.
     */
    record Ribs(double cx, double cy, double ringA, double ringB, double topZ, double spacing, int count, double drop,
            double halfThickness, double halfHeight, double cortexHu, double marrowHu) {}

    /** Vertebral bodies stacked along z with discs between, the canal and the spinous process behind. */
    record Spine(double x, double y, double radius, double period, double phase, double cortexHu, double marrowHu) {}

    /** The scanner table under the patient: a curved carbon-fibre shell around a foam core. */
    record Table(double topY, double curvature, double halfWidth) {}

    boolean inLung(double x, double y, double z) {
        for (Lung l : lungs) if (l.contains(x, y, z)) return true;
        return false;
    }
}
