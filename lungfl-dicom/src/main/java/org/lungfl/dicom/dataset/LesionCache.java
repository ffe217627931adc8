package org.lungfl.dicom.dataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.candidates.LesionStudy;
import org.lungfl.dicom.candidates.Patches;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.VolumeGeometry;

/**
 * One patient of a lesion-centred plan into the cache: the HU volume at the plan's spacing, cropped
 * to the lungs (int16, {@code <key>.npy}), its candidates, and the patches around the candidates and
 * any annotated nodules ({@code <key>.patches.npy}), so training never decodes DICOM or searches
 * volumes again.
 */
final class LesionCache {
    /** What was written for one patient: the volume's file and shape, and the manifest's lesion part. */
    record Written(String file, int[] shape, Manifest.Lesion lesion) {}

    private final FederationPlan plan;

    LesionCache(FederationPlan plan) {
        this.plan = plan;
    }

    Written write(Path cacheDir, String key, HuVolume hu, VolumeGeometry grid, List<Nodule> nodules) throws IOException {
        List<double[]> extra = nodules == null ? List.of() : nodules.stream().map(Nodule::positionMm).toList();
        LesionStudy study = LesionStudy.of(hu, grid, plan, extra);
        int side = plan.patch().storedSize();
        String volumeFile = key + ".npy";
        String patchFile = key + ".patches.npy";
        short[] values = Patches.toShorts(study.lungs().data());
        // A cache is derived data: an atomic rename keeps it whole across a crash, without fsync's cost.
        AtomicFiles.write(cacheDir.resolve(volumeFile), out -> Npy.write(out, study.lungs().shape(), values), false);
        AtomicFiles.write(cacheDir.resolve(patchFile), out -> Npy.write(out, new int[] {study.patchCount(), side, side, side},
                study.patches()), false);
        return new Written(volumeFile, study.lungs().shape(), new Manifest.Lesion(study.grid(), study.candidates(), nodules, patchFile));
    }
}
