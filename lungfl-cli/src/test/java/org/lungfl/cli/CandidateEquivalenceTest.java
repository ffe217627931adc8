package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.candidates.Candidate;

/**
 * LungFL's candidate detector and the NumPy/SciPy reference it is benchmarked against
 * (python/lungfl_candidates.py) find the same candidates on the same volumes: synthetic patients
 * written as DICOM by lungfl-synth and imported under the demo plan, as a site would. "The same"
 * is {@link Agreement}: same scale, at most one voxel apart, score within 1e-3 relative (LungFL
 * smooths in float, scipy with double accumulators). Skipped with the reason when Debian's
 * python3-numpy/python3-scipy are not installed.
 */
class CandidateEquivalenceTest {
    @TempDir static Path dir;
    static FederationPlan plan;
    static Path cache;
    static List<BenchCandidatesCommand.Volume> volumes;

    @BeforeAll
    static void importSyntheticPatients() {
        Assumptions.assumeTrue(ReferenceCandidates.unavailableReason().isEmpty(),
                () -> "comparison with the NumPy/SciPy detector skipped: " + ReferenceCandidates.unavailableReason().orElse(""));
        plan = FederationPlan.preset("demo");
        cache = BenchCandidatesCommand.generate(plan, dir, 3);
        volumes = BenchCandidatesCommand.load(cache, 3);
    }

    @Test
    void lungflAndTheReferenceFindTheSameTopKCandidates() throws Exception {
        List<List<Candidate>> ours = volumes.stream().map(v -> BenchCandidatesCommand.detect(v, plan.candidates())).toList();
        ReferenceCandidates.Run reference = ReferenceCandidates.run(plan, cache, volumes.stream().map(BenchCandidatesCommand.Volume::key).toList(), 0);
        List<List<Candidate>> theirs = reference.patients().stream().map(ReferenceCandidates.Patient::candidates).toList();

        assertThat(volumes).hasSize(3);
        // Full lists, so the comparison covers the whole top K and not a few easy blobs.
        for (int i = 0; i < volumes.size(); i++) {
            assertThat(ours.get(i)).hasSize(plan.candidates().topK());
            assertThat(theirs.get(i)).hasSize(plan.candidates().topK());
        }
        Agreement a = Agreement.of(ours, theirs);
        assertThat(a.allSame()).as(a.toString()).isTrue();
        // Positions in mm come from the same grid on both sides.
        assertThat(theirs.get(0).get(0).distanceMm(ours.get(0).get(0).positionMm())).isLessThan(1e-9);
    }

    @Test
    void benchCandidatesPrintsBothSidesTheRatioAndTheEnvironment() {
        CliRun run = CliRun.lungfl("bench", "candidates", "--cache", cache.toString(), "--patients", "1", "--rounds", "1");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("bench candidates: 1 patient(s)")
                .containsPattern("wall-clock seconds +\\d+\\.\\d{3} +\\d+\\.\\d{3} +\\d+\\.\\d\\dx")
                .containsPattern("ratio = Python time / LungFL time: \\d+\\.\\d\\dx wall clock")
                .contains("same candidates: 1/1 patients")
                .contains("threads: LungFL").contains("numpy 1.").contains("cores available; load average");
    }
}
