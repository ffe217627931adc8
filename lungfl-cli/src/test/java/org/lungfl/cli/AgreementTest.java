package org.lungfl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.lungfl.dicom.candidates.Candidate;

/** What counts as the same candidates in the LungFL/reference comparison, and what does not. */
class AgreementTest {
    static Candidate at(int z, int y, int x, double sigma, double score) {
        return new Candidate(new int[] {z, y, x}, new double[] {x * 1.5, y * 1.5, z * 1.5}, sigma, score);
    }

    static final List<Candidate> OURS = List.of(at(10, 20, 30, 4.0, 500), at(40, 50, 60, 1.5, 300), at(5, 5, 5, 2.5, 299.9));

    static Agreement against(List<Candidate> theirs) {
        return Agreement.of(List.of(OURS), List.of(theirs));
    }

    @Test
    void theSameListInAnotherOrderOfNearlyEqualScoresAgrees() {
        Agreement a = against(List.of(OURS.get(0), OURS.get(2), at(40, 50, 60, 1.5, 300.1)));
        assertThat(a.allSame()).isTrue();
        assertThat(a.exact()).isEqualTo(3);
        assertThat(a.maxScoreDifference()).isCloseTo(0.1 / 300.1, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void oneVoxelOffAlongEachAxisAgreesTwoDoNot() {
        List<Candidate> oneOff = new ArrayList<>(OURS);
        oneOff.set(0, at(11, 19, 31, 4.0, 500));
        assertThat(against(oneOff).allSame()).isTrue();
        assertThat(against(oneOff).shifted()).isEqualTo(1);
        List<Candidate> twoOff = new ArrayList<>(OURS);
        twoOff.set(0, at(10, 20, 32, 4.0, 500));
        assertThat(against(twoOff).allSame()).isFalse();
        assertThat(against(twoOff).unmatched()).isEqualTo(2); // ours unmatched, theirs left over
    }

    @Test
    void anotherScaleOrAScoreOffByMoreThanTheToleranceDoesNotAgree() {
        List<Candidate> scale = new ArrayList<>(OURS);
        scale.set(0, at(10, 20, 30, 6.0, 500));
        assertThat(against(scale).allSame()).isFalse();
        List<Candidate> score = new ArrayList<>(OURS);
        score.set(0, at(10, 20, 30, 4.0, 500 * (1 + 2 * Agreement.SCORE_TOLERANCE)));
        assertThat(against(score).allSame()).isFalse();
    }

    @Test
    void aMissingOrAnExtraCandidateDoesNotAgree() {
        assertThat(against(OURS.subList(0, 2)).allSame()).isFalse();
        List<Candidate> extra = new ArrayList<>(OURS);
        extra.add(at(70, 70, 70, 1.5, 100));
        assertThat(against(extra).unmatched()).isEqualTo(1);
    }
}
