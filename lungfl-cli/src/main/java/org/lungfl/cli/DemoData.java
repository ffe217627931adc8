package org.lungfl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lungfl.client.LocalData;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.model.Cohort;
import org.lungfl.synth.SynthDataset;

/**
 * The demo's patients, imported into one cache per site (and one for the test set) before the
 * federation starts, with all cores: each client then finds its site's cache complete. Also the
 * pooled views the demo needs to judge the federation: every site's training and validation
 * patients (by the plan's split, the same one each client makes) and the test patients.
 */
record DemoData(Cohort train, Cohort validation, Cohort test) {

    static LocalData.Source source(Path data, Path cache, String site) {
        Path dir = data.resolve(site);
        return new LocalData.Source(dir.resolve("dicom"), dir.resolve("labels.csv"), dir.resolve("nodules.csv"), cache.resolve(site));
    }

    static DemoData importAll(FederationPlan plan, Path data, Path cache, List<String> sites, PrintWriter w) {
        List<String> all = new ArrayList<>(sites);
        all.add(SynthDataset.TEST_SITE);
        int threads = Runtime.getRuntime().availableProcessors();
        Cohort train = null, validation = null, test = null;
        long start = System.nanoTime();
        for (String site : all) {
            ProgressBar bar = new ProgressBar(System.err, "import " + site, ProgressBar.stderrIsTerminal());
            Cohort c = LocalData.importAll(plan, source(data, cache, site), threads, (done, total) -> bar.update(done, total, done, "patients"));
            if (site.equals(SynthDataset.TEST_SITE)) {
                test = c;
                continue;
            }
            Cohort.Split split = c.split();
            train = train == null ? split.train() : train.plus(split.train());
            validation = validation == null ? split.validation() : validation.plus(split.validation());
        }
        w.printf(java.util.Locale.ROOT, "imported %d sites and the test set in %.0f s: %d training, %d validation, %d test patients%n",
                sites.size(), (System.nanoTime() - start) / 1e9, train.size(), validation.size(), test.size());
        w.flush();
        return new DemoData(train, validation, test);
    }
}
