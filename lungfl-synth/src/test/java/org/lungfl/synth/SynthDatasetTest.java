package org.lungfl.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

class SynthDatasetTest {
    @TempDir Path tmp;

    @Test
    void sameSeedGivesSameBytesWhateverTheThreadCount() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b"), c = tmp.resolve("c");
        SynthTesting.generate(SynthTesting.small(2, 3, 2, 0.5, 11, 2), a);
        SynthTesting.generate(SynthTesting.small(2, 3, 2, 0.5, 11, 1), b);
        List<Path> files = SynthTesting.files(a);
        assertThat(files).isEqualTo(SynthTesting.files(b)).hasSizeGreaterThan(100);
        for (Path f : files) assertThat(Files.readAllBytes(b.resolve(f))).as(f.toString()).isEqualTo(Files.readAllBytes(a.resolve(f)));

        SynthTesting.generate(SynthTesting.small(2, 3, 2, 0.5, 12, 2), c);
        Path slice = Path.of("site-1", "dicom", "site-1-0001", "CT-0010.dcm");
        assertThat(Files.readAllBytes(c.resolve(slice))).isNotEqualTo(Files.readAllBytes(a.resolve(slice)));
    }

    @Test
    void writesTheDsb2017LayoutWithLabelsGroundTruthAndReadme() {
        Path out = tmp.resolve("ds");
        SynthDataset.Summary s = SynthTesting.generate(SynthTesting.small(3, 4, 3, 0.5, 5, 2), out);
        assertThat(s.patients()).isEqualTo(15);
        for (String site : List.of("site-1", "site-2", "site-3", "test")) {
            List<String> labels = SynthTesting.lines(out.resolve(site).resolve("labels.csv"));
            assertThat(labels.get(0)).isEqualTo("id,cancer");
            Map<String, Integer> byId = new HashMap<>();
            for (String l : labels.subList(1, labels.size())) byId.put(l.split(",")[0], Integer.parseInt(l.split(",")[1]));
            List<String> folders = SynthTesting.files(out.resolve(site).resolve("dicom")).stream().map(p -> p.getName(0).toString())
                    .distinct().sorted().toList();
            assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(folders);
            // Every cancer patient has a malignant nodule; nobody else has one.
            List<String> nodules = SynthTesting.lines(out.resolve(site).resolve("nodules.csv"));
            assertThat(nodules.get(0)).isEqualTo(SynthDataset.NODULES_HEADER);
            Map<String, Long> malignant = nodules.stream().skip(1).map(l -> l.split(",")).filter(f -> f[2].equals("1"))
                    .collect(Collectors.groupingBy(f -> f[0], Collectors.counting()));
            for (var e : byId.entrySet()) {
                long n = malignant.getOrDefault(e.getKey(), 0L);
                if (e.getValue() == 1) assertThat(n).as(e.getKey()).isBetween(1L, 3L);
                else assertThat(n).as(e.getKey()).isZero();
            }
        }
        String readme = String.join("\n", SynthTesting.lines(out.resolve("README.txt")));
        assertThat(readme).contains("SYNTHETIC").contains("Seed 5").contains("lungfl test").contains("site-3").contains("1.2.840.10008.1.2.5");
    }

    @Test
    void oneStudyAndSeriesPerPatientAndEverySopInstanceUnique() {
        Path out = tmp.resolve("uids");
        SynthTesting.generate(SynthTesting.small(2, 2, 2, 0.5, 9, 2), out);
        java.util.Set<String> sops = new java.util.HashSet<>();
        Map<String, java.util.Set<String>> studies = new HashMap<>(), series = new HashMap<>();
        List<Path> files = SynthTesting.files(out).stream().filter(p -> p.toString().endsWith(".dcm")).toList();
        for (Path f : files) {
            org.lungfl.dicom.io.DicomFile d = org.lungfl.dicom.io.DicomReader.read(out.resolve(f));
            String patient = f.getParent().getFileName().toString();
            sops.add(d.sopInstanceUid());
            studies.computeIfAbsent(patient, k -> new java.util.HashSet<>()).add(d.studyInstanceUid());
            series.computeIfAbsent(patient, k -> new java.util.HashSet<>()).add(d.seriesInstanceUid());
            assertThat(d.sopInstanceUid()).startsWith("2.25.").hasSizeLessThanOrEqualTo(64);
        }
        assertThat(sops).hasSize(files.size());
        assertThat(studies).hasSize(6).allSatisfy((p, uids) -> assertThat(uids).hasSize(1));
        assertThat(series).allSatisfy((p, uids) -> assertThat(uids).hasSize(1));
        assertThat(studies.values().stream().flatMap(java.util.Set::stream).distinct().count()).isEqualTo(6);
    }

    @Test
    void sitePrevalenceIsSkewedAroundThePositiveRate() {
        SynthDataset.Options o = new SynthDataset.Options(3, 40, 40, 0.3, 0.5, 1, true, PhantomModel.DEFAULT, null, null, 1);
        assertThat(SynthDataset.siteRate(o, 0)).isCloseTo(0.15, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SynthDataset.siteRate(o, 1)).isCloseTo(0.30, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SynthDataset.siteRate(o, 2)).isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-9));
        long[] positives = new long[3];
        for (int k = 0; k < 3; k++) positives[k] = SynthDataset.sitePlan(o, k).stream().filter(SynthDataset.PatientPlan::cancer).count();
        assertThat(positives).containsExactly(6, 12, 18);
        assertThat(SynthDataset.testPlan(o).stream().filter(SynthDataset.PatientPlan::cancer).count()).isEqualTo(12);
    }

    @Test
    void sitesDifferLikeHospitals() {
        List<SiteProtocol> sites = java.util.stream.IntStream.range(0, 5).mapToObj(k -> SiteProtocol.forSite(k, 7, false)).toList();
        assertThat(sites).extracting(SiteProtocol::matrix).contains(256, 512);
        assertThat(sites).extracting(SiteProtocol::syntax).doesNotHaveDuplicates();
        assertThat(sites).extracting(SiteProtocol::storage).contains(Storage.SIGNED_1024, Storage.UNSIGNED_1000);
        for (SiteProtocol p : sites) {
            assertThat(p.pixelSpacing()).isBetween(0.6, 0.9);
            assertThat(p.sliceThickness()).isBetween(1.0, 3.0);
            assertThat(p.noiseSigma()).isBetween(8.0, 45.0);
        }
        assertThat(Arrays.stream(new double[] {sites.get(0).noiseSigma(), sites.get(1).noiseSigma()}).distinct().count()).isEqualTo(2);
    }

    @Test
    void refusesANonEmptyOutputDirectory() throws IOException {
        Path out = tmp.resolve("full");
        Files.createDirectories(out);
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> SynthTesting.generate(SynthTesting.small(1, 1, 0, 0.5, 1, 1), out))
                .isInstanceOf(UserFacingException.class).hasMessageContaining("not empty");
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void rejectsBadOptionsWithAMessageNamingTheOption() {
        assertThatThrownBy(() -> SynthTesting.small(0, 1, 0, 0.5, 1, 1)).hasMessageContaining("--sites");
        assertThatThrownBy(() -> SynthTesting.small(1, 1, 0, 1.5, 1, 1)).hasMessageContaining("--positive-rate");
    }
}
