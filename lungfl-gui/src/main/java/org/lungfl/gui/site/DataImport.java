package org.lungfl.gui.site;

import java.nio.file.Path;
import org.lungfl.client.LocalData;
import org.lungfl.client.StopSignal;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.DatasetImporter;

/**
 * "Import": the archive into the site's cache with the plan's preprocessing, exactly as
 * {@code lungfl client} does it. A cancel stops after the current patient; the next import skips
 * every patient already in the cache, so it goes on where it stopped.
 */
public final class DataImport {
    public interface Progress {
        void patients(int done, int total);
    }

    private DataImport() {}

    /** @param annotationsCsv nodule annotations, or null (such a site can evaluate and predict under a lesion-centred plan, not train) */
    public static DatasetImporter.Summary run(FederationPlan plan, Path dicomDir, Path labelsCsv, Path annotationsCsv, SiteFolder site,
            Progress progress, StopSignal stop) {
        site.create();
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        var source = new LocalData.Source(dicomDir, labelsCsv, annotationsCsv, site.cache());
        return LocalData.importInto(plan, source, threads, (done, total) -> {
            progress.patients(done, total);
            stop.check();
        });
    }
}
