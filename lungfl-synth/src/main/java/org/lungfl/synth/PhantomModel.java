package org.lungfl.synth;

/**
 * The knobs of the generative model that are not a site's protocol: what lesions look like and how
 * often they occur. Documented one by one in docs/synthetic-data.md.
 *
 * @param smallNoduleFraction  share of cancer nodules drawn uniformly from [noduleMinMm, smallNoduleMaxMm]
 *                             (sub-voxel at the demo plan's 5 mm: the hard cases); the rest are
 *                             log-uniform in [smallNoduleMaxMm, noduleMaxMm]
 * @param granulomaRateNegative probability that a patient without cancer has 1–3 calcified granulomas
 * @param granulomaRatePositive the same for patients with cancer
 */
public record PhantomModel(
        double noduleMinMm, double smallNoduleMaxMm, double noduleMaxMm, double smallNoduleFraction,
        double partSolidFraction, double spiculatedFraction, double vesselAttachedFraction, double pleuraAttachedFraction,
        double granulomaRateNegative, double granulomaRatePositive, double granulomaMinMm, double granulomaMaxMm,
        double parenchymaHu, double textureHu, double vesselHu) {

    public static final PhantomModel DEFAULT = new PhantomModel(
            4, 8, 30, 0.25,
            0.3, 0.4, 0.25, 0.25,
            0.5, 0.2, 3, 8,
            -850, 30, 40);

    public PhantomModel {
        if (!(noduleMinMm > 0 && noduleMinMm <= smallNoduleMaxMm && smallNoduleMaxMm <= noduleMaxMm)) {
            throw new IllegalArgumentException("nodule sizes must satisfy 0 < min <= small-max <= max");
        }
        if (!(granulomaMinMm > 0 && granulomaMinMm <= granulomaMaxMm)) throw new IllegalArgumentException("granuloma sizes: 0 < min <= max");
    }

    public PhantomModel withNoduleRange(double minMm, double maxMm) {
        double smallMax = Math.max(minMm, Math.min(smallNoduleMaxMm, maxMm));
        return new PhantomModel(minMm, smallMax, maxMm, smallNoduleFraction, partSolidFraction, spiculatedFraction,
                vesselAttachedFraction, pleuraAttachedFraction, granulomaRateNegative, granulomaRatePositive, granulomaMinMm,
                granulomaMaxMm, parenchymaHu, textureHu, vesselHu);
    }

    public PhantomModel withGranulomaRates(double negative, double positive) {
        return new PhantomModel(noduleMinMm, smallNoduleMaxMm, noduleMaxMm, smallNoduleFraction, partSolidFraction,
                spiculatedFraction, vesselAttachedFraction, pleuraAttachedFraction, negative, positive, granulomaMinMm,
                granulomaMaxMm, parenchymaHu, textureHu, vesselHu);
    }
}
