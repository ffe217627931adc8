package org.lungfl.dicom.series;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.lungfl.dicom.series.SeriesWarning.Kind;

/**
 * Groups slice headers into series by SeriesInstanceUID, whatever folder or file name they came
 * from, and orders each series along its slice normal (row cosines × column cosines). File names
 * and InstanceNumber are never trusted for order: both are often wrong in real archives.
 */
public final class SeriesAssembler {
    /** Positions closer than this (mm) are the same position. */
    private static final double SAME_POSITION_MM = 0.01;
    /** A step larger than this many median spacings is a gap (missing slices). */
    private static final double GAP_FACTOR = 1.5;
    private static final double IRREGULAR_FRACTION = 0.10;
    /** Tilt below this many degrees is rounding noise in the positions, not a tilted gantry. */
    private static final double TILT_DEGREES = 0.5;

    private SeriesAssembler() {}

    /** One {@link CtSeries} per SeriesInstanceUID, in UID order (deterministic). */
    public static List<CtSeries> assemble(List<SliceHeader> headers) {
        Map<String, List<SliceHeader>> bySeries = headers.stream()
                .collect(Collectors.groupingBy(h -> Objects.requireNonNullElse(h.seriesInstanceUid(), ""), TreeMap::new,
                        Collectors.toList()));
        List<CtSeries> out = new ArrayList<>(bySeries.size());
        bySeries.forEach((uid, files) -> out.add(assembleOne(uid, files)));
        return out;
    }

    static CtSeries assembleOne(String uid, List<SliceHeader> files) {
        List<SeriesWarning> warnings = new ArrayList<>();
        String modality = majority(files, SliceHeader::modality);

        List<SliceHeader> single = new ArrayList<>();
        int multi = 0;
        for (SliceHeader h : files) {
            if (h.frames() > 1) multi++;
            else single.add(h);
        }
        if (multi > 0) {
            warnings.add(new SeriesWarning(Kind.MULTI_FRAME, multi, 0,
                    multi + " multi-frame file(s): multi-frame CT not supported for volumes (per-frame positions are not read)"));
        }

        List<SliceHeader> located = new ArrayList<>(single.size());
        for (SliceHeader h : single) if (h.hasGeometry()) located.add(h);
        if (located.size() < single.size()) {
            int n = single.size() - located.size();
            warnings.add(new SeriesWarning(Kind.MISSING_GEOMETRY, n, 0,
                    n + " file(s) without pixels, ImagePositionPatient, ImageOrientationPatient or PixelSpacing excluded"));
        }
        if (located.isEmpty()) {
            return new CtSeries(uid, modality, List.of(), new double[0], null, null, null, 0, 0, Double.NaN, files.size(), warnings);
        }

        // Keep the majority orientation, then the majority size: a stray localizer or a reformatted
        // image filed under the same UID must not bend the volume.
        String orientationKey = majority(located, h -> key(h.orientation(), 1e-4));
        List<SliceHeader> sameOrientation = located.stream().filter(h -> key(h.orientation(), 1e-4).equals(orientationKey)).toList();
        if (sameOrientation.size() < located.size()) {
            int n = located.size() - sameOrientation.size();
            warnings.add(new SeriesWarning(Kind.MIXED_ORIENTATION, n, 0, n + " file(s) with a different ImageOrientationPatient excluded"));
        }
        String sizeKey = majority(sameOrientation, SeriesAssembler::sizeKey);
        List<SliceHeader> kept = new ArrayList<>(sameOrientation.stream().filter(h -> sizeKey(h).equals(sizeKey)).toList());
        if (kept.size() < sameOrientation.size()) {
            int n = sameOrientation.size() - kept.size();
            warnings.add(new SeriesWarning(Kind.MIXED_SIZE, n, 0, n + " file(s) with different rows, columns or PixelSpacing excluded"));
        }

        SliceHeader ref = kept.get(0);
        double[] normal = ref.normal();
        kept.sort(Comparator.comparingDouble((SliceHeader h) -> dot(h.position(), normal))
                .thenComparing(h -> h.instanceNumber() == null ? Integer.MAX_VALUE : h.instanceNumber())
                .thenComparing(h -> h.path().toString()));

        List<SliceHeader> slices = new ArrayList<>(kept.size());
        List<Double> pos = new ArrayList<>(kept.size());
        int duplicates = 0;
        for (SliceHeader h : kept) {
            double p = dot(h.position(), normal);
            if (!pos.isEmpty() && p - pos.get(pos.size() - 1) < SAME_POSITION_MM) {
                duplicates++;
                continue;
            }
            slices.add(h);
            pos.add(p);
        }
        if (duplicates > 0) {
            warnings.add(new SeriesWarning(Kind.DUPLICATE_POSITION, duplicates, 0,
                    duplicates + " file(s) at a position already taken; the first by InstanceNumber kept"));
        }
        double[] positions = pos.stream().mapToDouble(Double::doubleValue).toArray();
        double spacing = medianStep(positions);
        checkSpacing(positions, spacing, warnings);
        checkTilt(slices, normal, ref.gantryTilt(), warnings);

        return new CtSeries(uid, modality, List.copyOf(slices), positions, normal, ref.orientation(), ref.pixelSpacing(),
                ref.rows(), ref.columns(), spacing, files.size(), List.copyOf(warnings));
    }

    private static void checkSpacing(double[] positions, double spacing, List<SeriesWarning> warnings) {
        if (positions.length < 3) return;
        int missing = 0;
        double widest = 0;
        int irregular = 0;
        for (int i = 1; i < positions.length; i++) {
            double step = positions[i] - positions[i - 1];
            if (step > GAP_FACTOR * spacing) {
                missing += (int) Math.round(step / spacing) - 1;
                widest = Math.max(widest, step);
            } else if (Math.abs(step - spacing) > IRREGULAR_FRACTION * spacing) {
                irregular++;
            }
        }
        if (missing > 0) {
            warnings.add(new SeriesWarning(Kind.MISSING_SLICES, missing, widest, String.format(Locale.ROOT,
                    "about %d slice(s) missing (widest gap %.2f mm, spacing %.2f mm); interpolated across", missing, widest, spacing)));
        }
        if (irregular > 0) {
            warnings.add(new SeriesWarning(Kind.IRREGULAR_SPACING, irregular, spacing, String.format(Locale.ROOT,
                    "%d step(s) differ from the %.2f mm median spacing by more than 10%%; resampled by true position", irregular, spacing)));
        }
    }

    /**
     * A tilted gantry shows as GantryDetectorTilt, or as slice positions that advance at an angle to
     * the slice normal (the images are sheared). Either way the volume is built without shear
     * correction, so it is reported.
     */
    private static void checkTilt(List<SliceHeader> slices, double[] normal, double attribute, List<SeriesWarning> warnings) {
        double degrees = Double.isNaN(attribute) ? 0 : Math.abs(attribute);
        if (slices.size() >= 2) {
            double[] a = slices.get(0).position();
            double[] b = slices.get(slices.size() - 1).position();
            double[] d = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
            double len = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            if (len > 0) {
                double cos = Math.min(1, Math.abs(dot(d, normal)) / len);
                degrees = Math.max(degrees, Math.toDegrees(Math.acos(cos)));
            }
        }
        if (degrees >= TILT_DEGREES) {
            warnings.add(new SeriesWarning(Kind.GANTRY_TILT, 0, degrees, String.format(Locale.ROOT,
                    "gantry tilt of %.1f degrees; slices are stacked along their normal without shear correction", degrees)));
        }
    }

    private static double medianStep(double[] positions) {
        if (positions.length < 2) return Double.NaN;
        double[] steps = new double[positions.length - 1];
        for (int i = 1; i < positions.length; i++) steps[i - 1] = positions[i] - positions[i - 1];
        Arrays.sort(steps);
        return steps[steps.length / 2];
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static String sizeKey(SliceHeader h) {
        return h.rows() + "x" + h.columns() + "@" + key(h.pixelSpacing(), 1e-3);
    }

    private static String key(double[] v, double quantum) {
        StringBuilder b = new StringBuilder();
        for (double x : v) b.append(Math.round(x / quantum)).append(',');
        return b.toString();
    }

    /** The most frequent value (first seen wins a tie), null when every value is null. */
    private static <T> T majority(List<SliceHeader> items, Function<SliceHeader, T> f) {
        Map<T, Integer> counts = new LinkedHashMap<>();
        for (SliceHeader h : items) {
            T v = f.apply(h);
            if (v != null) counts.merge(v, 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }
}
