package org.lungfl.model;

import java.nio.file.Path;
import java.util.List;
import org.lungfl.dicom.candidates.Candidate;
import org.lungfl.dicom.dataset.Nodule;
import org.lungfl.dicom.volume.VolumeGeometry;

/**
 * One patient of a lesion-centred cache: the patient label (1 = cancer), the candidates (best
 * first) whose patches are the first rows of {@code patches}, and the annotated nodules (null when
 * the site gave none; their patches follow the candidates'). The key is the cache's pseudonymous
 * key, never a DICOM ID.
 */
public record LesionPatient(String key, int label, Path patches, List<Candidate> candidates, List<Nodule> nodules,
        VolumeGeometry grid) implements Patient {
    public LesionPatient {
        if (label != 0 && label != 1) throw new IllegalArgumentException("label of " + key + " must be 0 or 1, not " + label);
        candidates = List.copyOf(candidates);
        nodules = nodules == null ? null : List.copyOf(nodules);
    }

    public boolean annotated() {
        return nodules != null;
    }

    /** 1 when candidate {@code i} lies on an annotated malignant nodule (see {@link Nodule#covers}), else 0. */
    public int candidateLabel(int i, double matchMm) {
        if (nodules == null) return 0;
        double[] p = candidates.get(i).positionMm();
        for (Nodule n : nodules) if (n.malignant() && n.covers(p, matchMm)) return 1;
        return 0;
    }
}
