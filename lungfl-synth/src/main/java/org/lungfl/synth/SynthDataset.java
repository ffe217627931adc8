package org.lungfl.synth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.io.TransferSyntax;

/**
 * Generates a multi-site synthetic dataset: DIR/&lt;site&gt;/dicom/&lt;patient&gt;/CT-NNNN.dcm,
 * DIR/&lt;site&gt;/labels.csv (id,cancer), DIR/&lt;site&gt;/nodules.csv (ground truth), the same for the
 * held-out DIR/test, and DIR/README.txt. Each patient depends only on (seed, site, index), so
 * the output is byte-identical for a seed whatever the thread count.
 */
public final class SynthDataset {
    public static final String TEST_SITE = "test";
    private static final int TEST_SITE_INDEX = 1000;

    /**
     * @param prevalenceSkew  0 = every site has the positive rate; s spreads site prevalences
     *                        linearly over rate·(1−s) … rate·(1+s) (non-IID labels)
     * @param syntax          null: each site's own transfer syntax
     * @param noiseSigma      null: each site's own noise level
     */
    public record Options(int sites, int patientsPerSite, int testPatients, double positiveRate, double prevalenceSkew, long seed,
            boolean small, PhantomModel model, TransferSyntax syntax, Double noiseSigma, int threads) {
        public Options {
            if (sites < 1) throw new UserFacingException("--sites must be at least 1, got " + sites);
            if (patientsPerSite < 1) throw new UserFacingException("--patients-per-site must be at least 1, got " + patientsPerSite);
            if (testPatients < 0) throw new UserFacingException("--test-patients must be >= 0, got " + testPatients);
            if (!(positiveRate >= 0 && positiveRate <= 1)) throw new UserFacingException("--positive-rate must be in [0, 1], got " + positiveRate);
            if (!(prevalenceSkew >= 0 && prevalenceSkew <= 1)) throw new UserFacingException("--prevalence-skew must be in [0, 1], got " + prevalenceSkew);
            if (noiseSigma != null && !(noiseSigma >= 0)) throw new UserFacingException("--noise must be >= 0 HU, got " + noiseSigma);
            if (syntax != null && !org.lungfl.dicom.write.CtImageWriter.SUPPORTED.contains(syntax)) {
                throw new UserFacingException("--syntax " + syntax + " cannot be written");
            }
            if (threads < 1) throw new UserFacingException("--threads must be at least 1, got " + threads);
        }
    }

    /** Called after each patient; from worker threads. */
    public interface Progress {
        void patientDone(int done, int total, long bytes);
    }

    public record Summary(int patients, int files, long bytes) {}

    /** One patient to generate. */
    record PatientPlan(String site, int siteIndex, int index, String id, boolean cancer, SiteProtocol protocol, long seed) {}

    private SynthDataset() {}

    public static Summary generate(Options o, Path out, String version, String commandLine, Progress progress) {
        checkEmpty(out);
        List<String> sites = new ArrayList<>();
        List<List<PatientPlan>> plans = new ArrayList<>();
        for (int k = 0; k < o.sites(); k++) {
            sites.add("site-" + (k + 1));
            plans.add(sitePlan(o, k));
        }
        if (o.testPatients() > 0) {
            sites.add(TEST_SITE);
            plans.add(testPlan(o));
        }
        List<PatientPlan> all = plans.stream().flatMap(List::stream).toList();
        List<List<Lesion>> lesions = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) lesions.add(null);
        AtomicInteger done = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AnatomyGenerator generator = new AnatomyGenerator(o.model());
        ExecutorService pool = Executors.newFixedThreadPool(o.threads(), r -> {
            Thread t = new Thread(r, "synth");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    PatientPlan p = all.get(n);
                    Anatomy anatomy = generator.generate(new SplittableRandom(p.seed()), p.cancer());
                    lesions.set(n, anatomy.lesions());
                    Path dir = out.resolve(p.site()).resolve("dicom").resolve(p.id());
                    bytes.addAndGet(StudyWriter.write(dir, p.site(), p.id(), p.protocol(), anatomy, p.seed(), "lungfl-synth/seed=" + o.seed()));
                    progress.patientDone(done.incrementAndGet(), all.size(), bytes.get());
                }));
            }
            for (Future<?> f : futures) f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new UserFacingException("synth failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("synth interrupted");
        } finally {
            pool.shutdownNow();
        }
        int files = 0;
        int offset = 0;
        for (int s = 0; s < sites.size(); s++) {
            List<PatientPlan> plan = plans.get(s);
            writeLabels(out.resolve(sites.get(s)), plan);
            writeNodules(out.resolve(sites.get(s)), plan, lesions.subList(offset, offset + plan.size()));
            offset += plan.size();
        }
        try (var walk = Files.walk(out)) {
            files = (int) walk.filter(f -> f.toString().endsWith(".dcm")).count();
        } catch (IOException e) {
            throw new UserFacingException(out + ": cannot list: " + e.getMessage(), e);
        }
        writeText(out.resolve("README.txt"), Readme.text(o, sites, plans, version, commandLine));
        return new Summary(all.size(), files, bytes.get());
    }

    static List<PatientPlan> sitePlan(Options o, int k) {
        double rate = siteRate(o, k);
        SiteProtocol protocol = protocol(o, k);
        return patients(o, "site-" + (k + 1), k, o.patientsPerSite(), rate, i -> protocol);
    }

    static List<PatientPlan> testPlan(Options o) {
        // The held-out set mixes every site's protocol, patient by patient.
        return patients(o, TEST_SITE, TEST_SITE_INDEX, o.testPatients(), o.positiveRate(), i -> protocol(o, i % o.sites()));
    }

    /** Site k's prevalence: spread linearly around the positive rate by the skew. */
    static double siteRate(Options o, int k) {
        if (o.sites() == 1) return o.positiveRate();
        double f = 2.0 * k / (o.sites() - 1) - 1;
        return Math.max(0, Math.min(1, o.positiveRate() * (1 + o.prevalenceSkew() * f)));
    }

    static SiteProtocol protocol(Options o, int k) {
        SiteProtocol p = SiteProtocol.forSite(k, o.seed(), o.small());
        if (o.syntax() != null) p = p.withSyntax(o.syntax());
        if (o.noiseSigma() != null) p = p.withNoise(o.noiseSigma());
        return p;
    }

    private static List<PatientPlan> patients(Options o, String site, int siteIndex, int n, double rate,
            java.util.function.IntFunction<SiteProtocol> protocol) {
        int positives = (int) Math.round(rate * n);
        boolean[] cancer = new boolean[n];
        for (int i = 0; i < positives; i++) cancer[i] = true;
        SplittableRandom r = new SplittableRandom(mix(o.seed(), siteIndex * 7919L + 17));
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            boolean t = cancer[i];
            cancer[i] = cancer[j];
            cancer[j] = t;
        }
        List<PatientPlan> plan = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = site + String.format(Locale.ROOT, "-%04d", i + 1);
            plan.add(new PatientPlan(site, siteIndex, i, id, cancer[i], protocol.apply(i), mix(mix(o.seed(), siteIndex), i)));
        }
        return plan;
    }

    private static void writeLabels(Path siteDir, List<PatientPlan> plan) {
        StringBuilder sb = new StringBuilder("id,cancer\n");
        for (PatientPlan p : plan) sb.append(p.id()).append(',').append(p.cancer() ? 1 : 0).append('\n');
        writeText(siteDir.resolve("labels.csv"), sb.toString());
    }

    static final String NODULES_HEADER = "id,lesion,malignant,kind,attachment,spiculated,x_mm,y_mm,z_mm,diameter_mm";

    private static void writeNodules(Path siteDir, List<PatientPlan> plan, List<List<Lesion>> lesions) {
        StringBuilder sb = new StringBuilder(NODULES_HEADER).append('\n');
        for (int i = 0; i < plan.size(); i++) {
            int n = 1;
            for (Lesion l : lesions.get(i)) {
                sb.append(String.format(Locale.ROOT, "%s,%d,%d,%s,%s,%d,%.2f,%.2f,%.2f,%.2f%n", plan.get(i).id(), n++,
                        l.kind().malignant ? 1 : 0, l.kind().name().toLowerCase(Locale.ROOT), l.attachment().name().toLowerCase(Locale.ROOT),
                        l.spiculated() ? 1 : 0, l.x(), l.y(), l.z(), l.diameter()));
            }
        }
        writeText(siteDir.resolve("nodules.csv"), sb.toString());
    }

    private static void checkEmpty(Path out) {
        try {
            if (Files.exists(out)) {
                if (!Files.isDirectory(out)) throw new UserFacingException(out + ": exists and is not a directory");
                try (var list = Files.list(out)) {
                    if (list.findAny().isPresent()) throw new UserFacingException(out + ": directory is not empty; choose a new --out");
                }
            }
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UserFacingException(out + ": cannot create: " + e.getMessage(), e);
        }
    }

    static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserFacingException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** SplitMix64 finaliser of a combination: a well-spread seed for (seed, stream). */
    static long mix(long seed, long stream) {
        long z = seed * 0x9E3779B97F4A7C15L + stream + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
