package org.lungfl.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.Manifest;

/** The labelled patients of a dataset cache written by {@code lungfl dataset import}. */
public final class CachedDataset {
    private CachedDataset() {}

    /**
     * Every patient of the cache, in key order. A volume preprocessed under another plan would
     * silently mean something else to the model, so a fingerprint mismatch is an error.
     */
    public static List<LabelledVolume> read(Path cacheDir, FederationPlan plan) {
        if (plan.lesionCentred()) {
            throw new UserFacingException("plan '" + plan.name() + "' is lesion-centred: its patients are read as candidates, not volumes");
        }
        List<LabelledVolume> out = new ArrayList<>();
        for (Manifest.Entry e : entries(cacheDir, plan)) out.add(new LabelledVolume(e.key(), e.label(), inCache(cacheDir, e.file(), e)));
        return out;
    }

    /** Every patient of a lesion-centred cache, in key order, with its candidates and annotations. */
    public static List<LesionPatient> readLesions(Path cacheDir, FederationPlan plan) {
        if (!plan.lesionCentred()) {
            throw new UserFacingException("plan '" + plan.name() + "' classifies whole volumes, not candidates");
        }
        List<LesionPatient> out = new ArrayList<>();
        for (Manifest.Entry e : entries(cacheDir, plan)) {
            Manifest.Lesion l = e.lesion();
            if (l == null || l.candidates() == null || l.grid() == null) {
                throw new UserFacingException(cacheDir + ": patient " + e.key() + " has no candidates (re-import with --plan " + plan.name() + ")");
            }
            out.add(new LesionPatient(e.key(), e.label(), inCache(cacheDir, l.patches(), e), l.candidates(), l.nodules(), l.grid()));
        }
        return out;
    }

    /**
     * The manifest's entries, checked: made with this plan's preprocessing (a volume preprocessed
     * under another plan would silently mean something else to the model) and labelled 0 or 1.
     */
    private static List<Manifest.Entry> entries(Path cacheDir, FederationPlan plan) {
        if (!Files.isRegularFile(cacheDir.resolve(Manifest.FILE))) {
            throw new UserFacingException(cacheDir + ": no " + Manifest.FILE + " (make the cache with 'lungfl dataset import')");
        }
        Manifest manifest = Manifest.read(cacheDir);
        String fingerprint = plan.preprocessFingerprint();
        List<Manifest.Entry> out = new ArrayList<>();
        for (Manifest.Entry e : manifest.patients().values()) {
            if (!fingerprint.equals(e.preprocessFingerprint())) {
                throw new UserFacingException(cacheDir + ": patient " + e.key() + " was preprocessed for another plan than '"
                        + plan.name() + "' (re-import with --plan " + plan.name() + ")");
            }
            if (e.label() != 0 && e.label() != 1) {
                throw new UserFacingException(cacheDir + ": patient " + e.key() + " has label " + e.label() + " (expected 0 or 1)");
            }
            out.add(e);
        }
        if (out.isEmpty()) throw new UserFacingException(cacheDir + ": the cache holds no patients");
        return out;
    }

    /** A file the manifest names, which must be directly in the cache and present. */
    private static Path inCache(Path cacheDir, String name, Manifest.Entry e) {
        Path file = name == null ? null : cacheDir.resolve(name).normalize();
        if (file == null || !cacheDir.normalize().equals(file.getParent()) || !Files.isRegularFile(file)) {
            throw new UserFacingException(cacheDir + ": file '" + name + "' of patient " + e.key() + " is missing");
        }
        return file;
    }
}
