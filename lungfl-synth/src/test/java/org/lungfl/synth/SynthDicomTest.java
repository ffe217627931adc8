package org.lungfl.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;

/**
 * The files of a small five-site dataset (one site per archetype, so every transfer syntax and both
 * pixel storages): valid for DCMTK and dciodvfy, read identically by pydicom and our reader, and
 * holding the HU the phantom intended at known anatomical places.
 */
class SynthDicomTest {
    @TempDir static Path tmp;
    static Path out;
    static SynthDataset.Options options;

    @BeforeAll
    static void generate() {
        out = tmp.resolve("five");
        options = SynthTesting.small(5, 1, 0, 1.0, 3, 2);
        SynthTesting.generate(options, out);
    }

    static Path patientDir(int site) {
        return out.resolve("site-" + (site + 1)).resolve("dicom").resolve("site-" + (site + 1) + "-0001");
    }

    static List<Path> slices(int site) throws IOException {
        try (var s = Files.list(patientDir(site))) {
            return s.sorted().toList();
        }
    }

    /** The slice whose position is nearest to z. */
    static DicomFile sliceAt(int site, double z) throws IOException {
        DicomFile best = null;
        for (Path p : slices(site)) {
            DicomFile f = DicomReader.read(p);
            if (best == null || Math.abs(f.imagePositionPatient()[2] - z) < Math.abs(best.imagePositionPatient()[2] - z)) best = f;
        }
        return best;
    }

    @Test
    void dcmtkAndDciodvfyAcceptEverySite() throws IOException {
        assumeTrue(SynthTesting.onPath("dcmftest") && SynthTesting.onPath("dciodvfy") && SynthTesting.onPath("dcmconv"),
                "DCMTK (dcmftest, dcmconv) or dicom3tools (dciodvfy) not installed");
        for (int site = 0; site < 5; site++) {
            List<Path> files = slices(site);
            Path f = files.get(files.size() / 2);
            assertThat(SynthTesting.run(List.of("dcmftest", f.toString())).output()).startsWith("yes:");
            SynthTesting.Result dump = SynthTesting.run(List.of("dcmdump", "-E", f.toString()));
            assertThat(dump.exitCode()).as(dump.output()).isZero();
            assertThat(dump.output()).doesNotContain("E: ").doesNotContain("W: ");
            Path checked = f;
            if (SiteProtocol.forSite(site, options.seed(), true).syntax().deflated()) {
                checked = tmp.resolve("inflated-" + site + ".dcm"); // dciodvfy cannot inflate
                assertThat(SynthTesting.run(List.of("dcmconv", "+te", f.toString(), checked.toString())).exitCode()).isZero();
            }
            SynthTesting.Result v = SynthTesting.run(List.of("dciodvfy", "-new", checked.toString()));
            assertThat(v.output().lines().filter(l -> l.startsWith("Error"))).as(v.output()).isEmpty();
        }
    }

    @Test
    void pydicomReadsTheSameHounsfieldUnitsAsOurReader() throws IOException {
        assumeTrue(SynthTesting.pythonHas("pydicom, numpy"), "/usr/bin/python3 with pydicom and numpy not installed");
        for (int site = 0; site < 5; site++) {
            List<Path> files = slices(site);
            Path f = files.get(files.size() / 2);
            Path raw = tmp.resolve("hu-" + site + ".raw");
            String script = "import sys, numpy as np, pydicom\n"
                    + "ds = pydicom.dcmread(sys.argv[1])\n"
                    + "hu = ds.pixel_array.astype(np.float64) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)\n"
                    + "hu.astype('<f4').tofile(sys.argv[2])";
            SynthTesting.Result r = SynthTesting.run(List.of(SynthTesting.PYTHON, "-c", script, f.toString(), raw.toString()));
            assertThat(r.exitCode()).as(r.output()).isZero();
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
            float[] theirs = new float[b.remaining() / 4];
            b.asFloatBuffer().get(theirs);
            assertThat(DicomReader.read(f).huFrame(0)).as("site %d", site + 1).containsExactly(theirs);
        }
    }

    @Test
    void tissuesHaveTheirIntendedHounsfieldUnits() throws IOException {
        SynthDataset.PatientPlan plan = SynthDataset.sitePlan(options, 0).get(0);
        Anatomy an = new AnatomyGenerator(options.model()).generate(new SplittableRandom(plan.seed()), plan.cancer());
        Lung lung = an.lungs().get(0);
        DicomFile f = sliceAt(0, lung.zApex() - 0.5 * lung.height());
        float[] hu = f.huFrame(0);
        double[] ipp = f.imagePositionPatient();
        double px = f.pixelSpacing()[0];
        int cols = f.imageDescriptor().columns();
        java.util.function.BiFunction<Double, Double, Double> median = (x, y) -> {
            int j = (int) Math.round((x - ipp[0]) / px), i = (int) Math.round((y - ipp[1]) / px);
            float[] patch = new float[25];
            for (int k = 0; k < 25; k++) patch[k] = hu[(i + k / 5 - 2) * cols + j + k % 5 - 2];
            Arrays.sort(patch);
            return (double) patch[12];
        };
        // Lung parenchyma: -850 plus texture and the dependent gradient; the median skips the vessels.
        double z = f.imagePositionPatient()[2];
        List<Float> inLung = new java.util.ArrayList<>();
        for (int i = 0; i < f.imageDescriptor().rows(); i++) {
            for (int j = 0; j < cols; j++) {
                if (lung.contains(ipp[0] + j * px, ipp[1] + i * px, z)) inLung.add(hu[i * cols + j]);
            }
        }
        assertThat(inLung).hasSizeGreaterThan(100);
        java.util.Collections.sort(inLung);
        assertThat((double) inLung.get(inLung.size() / 2)).isBetween(-890.0, -810.0);
        // Mediastinum / muscle just behind the sternum.
        Anatomy.Body body = an.body();
        assertThat(median.apply(body.cx(), body.cy() - (body.b() - body.skin() - body.fat() - 12))).isBetween(0.0, 90.0);
        // Air outside the body, above the chest.
        assertThat(median.apply(body.cx(), ipp[1] + 3 * px)).isBetween(-1050.0, -950.0);
        // Bone: the vertebral body's cancellous centre or the cortex around it is far denser than soft tissue.
        Anatomy.Spine spine = an.spine();
        double densest = -2000;
        for (double dx = -spine.radius(); dx <= spine.radius(); dx += px) densest = Math.max(densest, median.apply(spine.x() + dx, spine.y()));
        assertThat(densest).isGreaterThan(150.0);
    }

    @Test
    void imageNoiseHasTheSitesSigma() throws IOException {
        SynthDataset.PatientPlan plan = SynthDataset.sitePlan(options, 0).get(0);
        SiteProtocol p = plan.protocol();
        DicomFile f = DicomReader.read(slices(0).get(0));
        float[] hu = f.huFrame(0);
        int cols = f.imageDescriptor().columns();
        // Signed storage (site 1) does not clip air, so the top rows (outside the body) show the noise itself.
        double sum = 0, sq = 0;
        int n = 0;
        for (int i = 1; i < 6; i++) {
            for (int j = 1; j < cols - 1; j++) {
                double v = hu[i * cols + j];
                sum += v;
                sq += v * v;
                n++;
            }
        }
        double mean = sum / n, sd = Math.sqrt(sq / n - mean * mean);
        assertThat(p.storage()).isEqualTo(Storage.SIGNED_1024);
        assertThat(mean).isBetween(-1005.0, -995.0);
        assertThat(sd).isBetween(p.noiseSigma() * 0.75, p.noiseSigma() * 1.25);
    }
}
