package org.lungfl.gui.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.client.StopSignal;
import org.lungfl.client.TinyFederation;
import org.lungfl.dicom.dataset.DatasetImporter;

/** "Import", cancelled part way and pressed again: it goes on where it stopped. */
class DataImportTest {
    @TempDir Path dir;

    @Test
    void aCancelledImportResumes() {
        Path data = TinyFederation.sites(dir.resolve("data"), 1, 6).resolve("site-1");
        SiteFolder site = new SiteFolder(dir.resolve("site"));
        StopSignal stop = new StopSignal();
        assertThatThrownBy(() -> DataImport.run(TinyFederation.plan(), data.resolve("dicom"), data.resolve("labels.csv"), null, site, (done, total) -> {
            if (done == 2) stop.raise();
        }, stop)).isInstanceOf(StopSignal.Stopped.class);
        assertThat(site.patients()).extracting(PatientRow::key).containsExactly("site-1-0001", "site-1-0002");

        DatasetImporter.Summary again = DataImport.run(TinyFederation.plan(), data.resolve("dicom"), data.resolve("labels.csv"), null, site,
                (done, total) -> {}, new StopSignal());
        assertThat(again.alreadyDone()).containsExactly("site-1-0001", "site-1-0002");
        assertThat(again.imported()).hasSize(4);
        assertThat(site.patients()).hasSize(6);
        assertThat(site.cacheFingerprint()).isEqualTo(TinyFederation.plan().preprocessFingerprint());
    }
}
