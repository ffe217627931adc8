package org.lungfl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.lungfl.dicom.candidates.Candidate;

/**
 * How far two detectors' candidates for the same patients agree: LungFL's and the NumPy/SciPy
 * reference's. Matched one to one, each of LungFL's candidates to an unclaimed reference candidate
 * at the same scale, at most {@link #VOXELS} voxel away along each axis, whose score is within
 * {@link #SCORE_TOLERANCE} (relative) — the same candidate computed in float by one side and with
 * double accumulators by the other.
 */
record Agreement(int patients, int patientsSame, int candidates, int exact, int shifted, int unmatched, double maxScoreDifference) {
    static final int VOXELS = 1;
    static final double SCORE_TOLERANCE = 1e-3;

    static Agreement of(List<List<Candidate>> lungfl, List<List<Candidate>> reference) {
        if (lungfl.size() != reference.size()) throw new IllegalArgumentException(lungfl.size() + " vs " + reference.size() + " patients");
        int same = 0, total = 0, exact = 0, shifted = 0, unmatched = 0;
        double worst = 0;
        for (int p = 0; p < lungfl.size(); p++) {
            List<Candidate> ours = lungfl.get(p);
            List<Candidate> theirs = new ArrayList<>(reference.get(p));
            int before = unmatched;
            for (Candidate a : ours) {
                total++;
                Candidate match = null;
                for (Candidate b : theirs) {
                    if (b.sigmaMm() == a.sigmaMm() && distance(a, b) <= VOXELS && relative(a, b) <= SCORE_TOLERANCE) {
                        match = b;
                        if (distance(a, b) == 0) break;
                    }
                }
                if (match == null) {
                    unmatched++;
                    continue;
                }
                theirs.remove(match);
                worst = Math.max(worst, relative(a, match));
                if (distance(a, match) == 0) exact++;
                else shifted++;
            }
            unmatched += theirs.size();
            if (unmatched == before) same++;
        }
        return new Agreement(lungfl.size(), same, total, exact, shifted, unmatched, worst);
    }

    boolean allSame() {
        return patientsSame == patients;
    }

    /** Chebyshev distance in voxels. */
    private static int distance(Candidate a, Candidate b) {
        int d = 0;
        for (int i = 0; i < 3; i++) d = Math.max(d, Math.abs(a.voxel()[i] - b.voxel()[i]));
        return d;
    }

    private static double relative(Candidate a, Candidate b) {
        return Math.abs(a.score() - b.score()) / Math.max(Math.abs(a.score()), Math.abs(b.score()));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d/%d patients (%d candidates: %d at the same voxel, %d one voxel off, %d unmatched; "
                + "largest score difference %.1e relative)", patientsSame, patients, candidates, exact, shifted, unmatched, maxScoreDifference);
    }
}
