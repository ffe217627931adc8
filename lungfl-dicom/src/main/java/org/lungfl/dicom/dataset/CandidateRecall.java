package org.lungfl.dicom.dataset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.lungfl.dicom.candidates.Candidate;

/**
 * How many annotated nodules the candidate detector found: a malignant nodule counts as found when
 * one of the patient's first {@code k} candidates lies on it ({@link Nodule#covers}). Reported by
 * size band and by acquisition protocol (slice spacing, which decides what a small nodule looks
 * like), with the share of cancer patients found and the oracle AUC: the patient-level AUC a
 * perfect classifier of these candidates would reach, the ceiling of the whole pipeline.
 */
public record CandidateRecall(
        @JsonProperty("k") int k,
        @JsonProperty("bands") List<Band> bands,
        @JsonProperty("by_protocol") List<Band> byProtocol,
        @JsonProperty("cancers") int cancers,
        @JsonProperty("cancers_found") int cancersFound,
        @JsonProperty("oracle_auc") double oracleAuc) {
    /** Found / annotated malignant nodules in one group. */
    public record Band(@JsonProperty("name") String name, @JsonProperty("found") int found, @JsonProperty("nodules") int nodules) {
        @JsonIgnore
        public double recall() {
            return nodules == 0 ? Double.NaN : (double) found / nodules;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: %d/%d (%s)", name, found, nodules,
                    nodules == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * recall()));
        }
    }

    public static final String[] SIZE_BANDS = {"< 8 mm", "8-15 mm", "> 15 mm"};

    static int band(double diameterMm) {
        return diameterMm < 8 ? 0 : diameterMm <= 15 ? 1 : 2;
    }

    /** Recall over the annotated patients of a cache (entries without annotations are left out). */
    public static CandidateRecall of(Iterable<Manifest.Entry> entries, int k, double matchMm) {
        int[] found = new int[3], total = new int[3];
        Map<String, int[]> protocol = new LinkedHashMap<>();
        int cancers = 0, cancersFound = 0, negatives = 0;
        for (Manifest.Entry e : entries) {
            Manifest.Lesion l = e.lesion();
            if (l == null || !l.annotated()) continue;
            List<Candidate> top = l.candidates().subList(0, Math.min(k, l.candidates().size()));
            boolean any = false;
            String proto = String.format(Locale.ROOT, "%.1f mm slices", e.originalSpacingMm()[0]);
            for (Nodule n : l.nodules()) {
                if (!n.malignant()) continue;
                boolean hit = top.stream().anyMatch(c -> n.covers(c.positionMm(), matchMm));
                int b = band(n.diameterMm());
                total[b]++;
                int[] pr = protocol.computeIfAbsent(proto, x -> new int[2]);
                pr[1]++;
                if (hit) {
                    found[b]++;
                    pr[0]++;
                    any = true;
                }
            }
            if (e.label() == 1) {
                cancers++;
                if (any) cancersFound++;
            } else {
                negatives++;
            }
        }
        List<Band> bands = new ArrayList<>();
        for (int b = 0; b < 3; b++) bands.add(new Band(SIZE_BANDS[b], found[b], total[b]));
        List<Band> byProtocol = new ArrayList<>();
        protocol.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(p -> byProtocol.add(new Band(p.getKey(), p.getValue()[0], p.getValue()[1])));
        // A perfect classifier scores 1 exactly the cancers with a found malignant nodule, 0 everyone else.
        double oracle = cancers == 0 || negatives == 0 ? Double.NaN : (cancersFound + 0.5 * (cancers - cancersFound)) / cancers;
        return new CandidateRecall(k, bands, byProtocol, cancers, cancersFound, oracle);
    }

    /** Malignant nodules of at least 8 mm found, the detector's main target. */
    @JsonProperty("at_least_8mm")
    public Band atLeast8mm() {
        return new Band(">= 8 mm", bands.get(1).found() + bands.get(2).found(), bands.get(1).nodules() + bands.get(2).nodules());
    }
}
