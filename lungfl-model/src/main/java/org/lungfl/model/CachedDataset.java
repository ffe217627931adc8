package org.lungfl.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.Manifest;

/** The labelled volumes of a dataset cache written by {@code lungfl dataset import}. */
public final class CachedDataset {
    private CachedDataset() {}

    /**
     * Every patient of the cache, in key order. A volume preprocessed under another plan would
     * silently mean something else to the model, so a fingerprint mismatch is an error.
     */
    public static List<LabelledVolume> read(Path cacheDir, FederationPlan plan) {
        if (!Files.isRegularFile(cacheDir.resolve(Manifest.FILE))) {
            throw new UserFacingException(cacheDir + ": no " + Manifest.FILE + " (make the cache with 'lungfl dataset import')");
        }
        Manifest manifest = Manifest.read(cacheDir);
        String fingerprint = plan.preprocessFingerprint();
        List<LabelledVolume> out = new ArrayList<>();
        for (Manifest.Entry e : manifest.patients().values()) {
            if (!fingerprint.equals(e.preprocessFingerprint())) {
                throw new UserFacingException(cacheDir + ": patient " + e.key() + " was preprocessed for another plan than '"
                        + plan.name() + "' (re-import with --plan " + plan.name() + ")");
            }
            Path file = cacheDir.resolve(e.file()).normalize();
            if (e.file() == null || !file.getParent().equals(cacheDir.normalize()) || !Files.isRegularFile(file)) {
                throw new UserFacingException(cacheDir + ": volume file '" + e.file() + "' of patient " + e.key() + " is missing");
            }
            if (e.label() != 0 && e.label() != 1) {
                throw new UserFacingException(cacheDir + ": patient " + e.key() + " has label " + e.label() + " (expected 0 or 1)");
            }
            out.add(new LabelledVolume(e.key(), e.label(), file));
        }
        if (out.isEmpty()) throw new UserFacingException(cacheDir + ": the cache holds no patients");
        return out;
    }
}
