package org.lungfl.client;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.dataset.DatasetImporter;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.model.Cohort;

/**
 * A site's data as the federation's plan wants it: the DICOM archive imported into the dataset
 * cache with the plan's preprocessing (patients already in the cache are not decoded again), then
 * split into training and validation patients by the plan's seeded, stratified rule.
 */
public record LocalData(Cohort train, Cohort validation, DatasetImporter.Summary imported) {

    /** Progress of the import, one call per patient. */
    public interface Listener {
        void patientDone(int done, int total);
    }

    /** Where a site's data is: DICOM folder, labels, nodule annotations (null: none) and the cache. */
    public record Source(Path dicomDir, Path labelsCsv, Path annotationsCsv, Path cacheDir) {}

    public static LocalData prepare(FederationPlan plan, Source source, int threads, Listener listener) {
        DatasetImporter.Summary summary = importInto(plan, source, threads, listener);
        Cohort.Split split = Cohort.read(source.cacheDir(), plan).split();
        if (split.train().isEmpty()) {
            throw new UserFacingException(source.cacheDir() + ": no training patients left after the validation split");
        }
        return new LocalData(split.train(), split.validation(), summary);
    }

    /** Every labelled patient of the archive, imported (or found already imported) in the cache. */
    public static Cohort importAll(FederationPlan plan, Source source, int threads, Listener listener) {
        importInto(plan, source, threads, listener);
        return Cohort.read(source.cacheDir(), plan);
    }

    /** Imports the archive into the cache (patients already there are not decoded again) and says what it did. */
    public static DatasetImporter.Summary importInto(FederationPlan plan, Source source, int threads, Listener listener) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "lungfl-import");
            t.setDaemon(true);
            return t;
        });
        try {
            return new DatasetImporter(plan, DicomReader::read, pool).run(source.dicomDir(), source.labelsCsv(), source.annotationsCsv(),
                    source.cacheDir(), new DatasetImporter.Listener() {
                        @Override public void started(int patients) {}

                        @Override public void patientDone(int done, int total, long slices) {
                            listener.patientDone(done, total);
                        }
                    });
        } finally {
            pool.shutdownNow();
        }
    }
}
