package org.lungfl.dicom.series;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the series a radiologist would read for lung nodules when a study holds several: a CT,
 * axial, covering (nearly) the whole scanned range, with the finest slice spacing, then the most
 * slices. Localizers, reformats, dose reports and partial thin-slab reconstructions lose.
 */
public final class SeriesChooser {
    /** Fewer slices than this cannot make a chest volume (localizers have 1–3). */
    public static final int MIN_SLICES = 3;
    /** A candidate must cover at least this fraction of the longest candidate's extent. */
    private static final double COVERAGE = 0.8;
    /** Spacings within this many mm are equally fine (1.25 vs 1.2500001). */
    private static final double SPACING_TIE_MM = 0.05;

    private SeriesChooser() {}

    /** The chosen series (or none) and why, in words fit for a log and the manifest. */
    public record Choice(CtSeries series, String reason) {
        public boolean found() {
            return series != null;
        }
    }

    public static Choice choose(List<CtSeries> all) {
        List<CtSeries> candidates = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (CtSeries s : all) {
            String why = rejection(s);
            if (why == null) candidates.add(s);
            else rejected.add(why);
        }
        if (candidates.isEmpty()) {
            return new Choice(null, all.isEmpty() ? "no readable DICOM image series"
                    : "no usable axial CT series (" + String.join("; ", rejected) + ")");
        }
        double longest = candidates.stream().mapToDouble(CtSeries::extentMm).max().orElse(0);
        List<CtSeries> covering = candidates.stream().filter(s -> s.extentMm() >= COVERAGE * longest).toList();
        CtSeries best = covering.stream().min(Comparator
                        .comparingDouble((CtSeries s) -> Math.round(s.sliceSpacing() / SPACING_TIE_MM))
                        .thenComparing(Comparator.comparingInt(CtSeries::sliceCount).reversed())
                        .thenComparingInt(s -> s.warnings().size())
                        .thenComparing(CtSeries::seriesInstanceUid))
                .orElseThrow();

        StringBuilder why = new StringBuilder(best.describe());
        int others = all.size() - 1;
        if (others == 0) {
            why.append("; the only series");
        } else {
            why.append(String.format(Locale.ROOT, "; chosen over %d other series", others));
            if (covering.size() > 1) why.append(": finest spacing, then most slices, among full-coverage axial CT");
            if (covering.size() < candidates.size()) {
                why.append(String.format(Locale.ROOT, "; %d axial CT series covered under %.0f%% of the scanned range",
                        candidates.size() - covering.size(), COVERAGE * 100));
            }
            if (!rejected.isEmpty()) why.append("; not candidates: ").append(String.join("; ", rejected));
        }
        return new Choice(best, why.toString());
    }

    /** Why a series cannot be the volume, or null when it can. */
    static String rejection(CtSeries s) {
        String name = "series " + s.seriesInstanceUid();
        if (!s.isCt()) return name + " is " + (s.modality() == null ? "without modality" : s.modality()) + ", not CT";
        if (s.sliceCount() < MIN_SLICES) {
            return name + (s.has(SeriesWarning.Kind.MULTI_FRAME) ? " is multi-frame CT (not supported for volumes)"
                    : " has " + s.sliceCount() + " usable slice(s)");
        }
        if (!s.isAxial()) return name + " is not axial";
        return null;
    }
}
