package org.lungfl.gui.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.lungfl.client.FederatedTrainingCycle;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.SafeTensors;
import org.lungfl.dicom.dataset.Manifest;
import org.lungfl.dicom.series.SeriesWarning;

/**
 * The folder where this site's work lives, laid out as {@code lungfl client --out} lays it out, so
 * the window and the command line can take turns: {@code cache/}, {@code local-model.safetensors},
 * {@code global-model.safetensors}, {@code pending-update.safetensors}, {@code rounds.csv}, and
 * {@code plan.json}, the plan of the last connection (so data can be viewed offline).
 */
public record SiteFolder(Path dir) {
    public Path cache() {
        return dir.resolve("cache");
    }

    public Path localModel() {
        return dir.resolve(FederatedTrainingCycle.LOCAL_MODEL);
    }

    public Path globalModel() {
        return dir.resolve(FederatedTrainingCycle.GLOBAL_MODEL);
    }

    public Path pending() {
        return dir.resolve(FederatedTrainingCycle.PENDING);
    }

    public Path plan() {
        return dir.resolve("plan.json");
    }

    public void create() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserFacingException(dir + ": cannot create the site folder: " + e.getMessage(), e);
        }
    }

    public void savePlan(FederationPlan p) {
        create();
        FederatedTrainingCycle.save(plan(), p.toJson());
    }

    public Optional<FederationPlan> savedPlan() {
        if (!Files.isRegularFile(plan())) return Optional.empty();
        try {
            return Optional.of(FederationPlan.parse(Files.readAllBytes(plan()), plan().toString()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void saveGlobal(GlobalModel g) {
        create();
        FederatedTrainingCycle.save(globalModel(), g.safetensors());
    }

    /** The global model downloaded last (its version is in the server's metadata), if any. */
    public Optional<GlobalModel> savedGlobal() {
        Path f = globalModel();
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            byte[] b = Files.readAllBytes(f);
            String v = SafeTensors.read(b).metadata().get("version");
            return v == null ? Optional.empty() : Optional.of(GlobalModel.of(Long.parseLong(v), b, Files.getLastModifiedTime(f).toInstant()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public void saveLocal(LocalUpdate u) {
        create();
        FederatedTrainingCycle.save(localModel(), u.safetensors());
    }

    public Optional<LocalUpdate> savedLocal() {
        Path f = localModel();
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            return Optional.of(LocalUpdate.of(Files.readAllBytes(f), f.toString()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public boolean hasCache() {
        return Files.isRegularFile(cache().resolve(Manifest.FILE));
    }

    /** The cache's patients in key order; empty when nothing was imported yet. */
    public List<PatientRow> patients() {
        if (!hasCache()) return List.of();
        List<PatientRow> rows = new ArrayList<>();
        for (Manifest.Entry e : Manifest.read(cache()).patients().values()) {
            List<String> w = new ArrayList<>();
            if (e.warnings() != null) for (SeriesWarning sw : e.warnings()) w.add(sw.message());
            if (e.unreadableFiles() > 0) w.add(e.unreadableFiles() + " unreadable file(s) skipped");
            rows.add(new PatientRow(e.key(), e.label(), e.originalShape() == null ? 0 : e.originalShape()[0],
                    e.seriesChoice() == null ? "" : e.seriesChoice(), w.stream().collect(Collectors.joining("; "))));
        }
        return rows;
    }

    /** The preprocessing fingerprint of the cache's patients, or null (no cache, or mixed). */
    public String cacheFingerprint() {
        if (!hasCache()) return null;
        var fps = Manifest.read(cache()).patients().values().stream().map(Manifest.Entry::preprocessFingerprint).distinct().toList();
        return fps.size() == 1 ? fps.get(0) : null;
    }

    /** When a file was last changed, for the pages' "made at" lines. */
    public static Instant modified(Path f) {
        try {
            return Files.getLastModifiedTime(f).toInstant();
        } catch (IOException e) {
            return null;
        }
    }
}
