package org.lungfl.synth;

import java.util.List;
import java.util.SplittableRandom;
import org.lungfl.dicom.io.TransferSyntax;

/**
 * How one hospital scans and stores a chest CT. Sites differ in exactly the ways that make
 * federated learning hard: resolution, slice thickness and spacing, noise, pixel storage and
 * transfer syntax (and, set elsewhere, label prevalence).
 *
 * @param sliceSpacing distance between slice centres; larger than the thickness means gaps
 *                     between slices (a sequential protocol), which keeps 512² studies small
 * @param noiseSigma   standard deviation of the image noise in HU
 */
public record SiteProtocol(String scannerModel, int matrix, double pixelSpacing, double sliceThickness, double sliceSpacing,
        Storage storage, double noiseSigma, double kvp, TransferSyntax syntax) {

    /** The hospital archetypes; site k uses entry k mod 5, with a little per-site jitter. */
    static final List<SiteProtocol> ARCHETYPES = List.of(
            new SiteProtocol("LungFL Virtual CT A", 512, 0.72, 3.0, 10.0, Storage.SIGNED_1024, 12, 120, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN),
            new SiteProtocol("LungFL Virtual CT B", 256, 0.88, 2.5, 2.5, Storage.UNSIGNED_1000, 28, 100, TransferSyntax.RLE_LOSSLESS),
            new SiteProtocol("LungFL Virtual CT C", 256, 0.86, 1.25, 4.0, Storage.SIGNED_1024, 20, 120, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN),
            new SiteProtocol("LungFL Virtual CT D", 512, 0.62, 2.0, 10.0, Storage.UNSIGNED_1000, 15, 140, TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN),
            new SiteProtocol("LungFL Virtual CT E", 256, 0.90, 1.0, 5.0, Storage.SIGNED_1024, 35, 100, TransferSyntax.EXPLICIT_VR_BIG_ENDIAN));

    /** Tiny studies for tests: 96² at 3.5 mm, 4 mm slices; otherwise the archetype's storage, noise and syntax. */
    static final int SMALL_MATRIX = 96;
    static final double SMALL_PIXEL = 3.5, SMALL_SLICE = 4.0;

    public SiteProtocol {
        if (matrix < 16 || matrix > 1024) throw new IllegalArgumentException("matrix " + matrix);
        if (!(pixelSpacing > 0 && sliceThickness > 0 && sliceSpacing > 0)) throw new IllegalArgumentException("spacings must be positive");
        if (noiseSigma < 0) throw new IllegalArgumentException("noise sigma must be >= 0");
    }

    /** Site k's protocol: its archetype with pixel spacing and noise jittered by the seed. */
    static SiteProtocol forSite(int k, long seed, boolean small) {
        SiteProtocol a = ARCHETYPES.get(k % ARCHETYPES.size());
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + k);
        double pixel = Math.round((a.pixelSpacing + (r.nextDouble() - 0.5) * 0.04) * 1000) / 1000.0;
        pixel = Math.max(0.6, Math.min(0.9, pixel)); // the range hospitals use
        double noise = Math.round(a.noiseSigma * (0.85 + 0.3 * r.nextDouble()) * 10) / 10.0;
        if (small) return new SiteProtocol(a.scannerModel, SMALL_MATRIX, SMALL_PIXEL, SMALL_SLICE, SMALL_SLICE, a.storage, noise, a.kvp, a.syntax);
        return new SiteProtocol(a.scannerModel, a.matrix, pixel, a.sliceThickness, a.sliceSpacing, a.storage, noise, a.kvp, a.syntax);
    }

    public SiteProtocol withSyntax(TransferSyntax ts) {
        return new SiteProtocol(scannerModel, matrix, pixelSpacing, sliceThickness, sliceSpacing, storage, noiseSigma, kvp, ts);
    }

    public SiteProtocol withNoise(double sigma) {
        return new SiteProtocol(scannerModel, matrix, pixelSpacing, sliceThickness, sliceSpacing, storage, sigma, kvp, syntax);
    }
}
