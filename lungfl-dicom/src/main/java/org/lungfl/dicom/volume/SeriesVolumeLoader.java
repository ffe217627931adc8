package org.lungfl.dicom.volume;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.DicomException;
import org.lungfl.dicom.codec.ImageDescriptor;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.DicomSource;
import org.lungfl.dicom.series.SliceHeader;

/**
 * Decodes a series straight to the plan's voxel spacing. Each slice is converted to HU and shrunk
 * in-plane as soon as it is decoded (in parallel), so a 512×512×N series never exists in memory at
 * full resolution; the z pass then blends the small slices by their true positions, which also
 * bridges missing slices.
 */
public final class SeriesVolumeLoader {
    private final Preprocessor preprocessor;
    private final DicomSource source;
    private final ExecutorService pool;

    public SeriesVolumeLoader(Preprocessor preprocessor, DicomSource source, ExecutorService pool) {
        this.preprocessor = preprocessor;
        this.source = source;
        this.pool = pool;
    }

    /** The HU volume at plan spacing, plus the files that could not be decoded (left out). */
    public record Loaded(HuVolume volume, Map<Path, String> unreadable) {}

    public Loaded load(CtSeries series) {
        double[] target = preprocessor.plan().spacingMm();
        LinearAxis ys = LinearAxis.uniform(series.rows(), series.pixelSpacing()[0], target[1]);
        LinearAxis xs = LinearAxis.uniform(series.columns(), series.pixelSpacing()[1], target[2]);
        List<SliceHeader> slices = series.slices();
        List<Future<float[]>> futures = new ArrayList<>(slices.size());
        for (SliceHeader h : slices) {
            Callable<float[]> task = () -> inPlane(h, series, ys, xs);
            futures.add(pool.submit(task));
        }
        Map<Path, String> unreadable = new LinkedHashMap<>();
        List<float[]> kept = new ArrayList<>(slices.size());
        List<Double> positions = new ArrayList<>(slices.size());
        for (int i = 0; i < futures.size(); i++) {
            try {
                kept.add(futures.get(i).get());
                positions.add(series.positions()[i]);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (!(c instanceof UserFacingException)) throw new IllegalStateException("decoding " + slices.get(i).path(), c);
                unreadable.put(slices.get(i).path(), c.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                throw new UserFacingException("interrupted while decoding series " + series.seriesInstanceUid());
            }
        }
        if (kept.isEmpty()) throw new UserFacingException("series " + series.seriesInstanceUid() + ": no slice could be decoded");
        LinearAxis zs = LinearAxis.of(positions.stream().mapToDouble(Double::doubleValue).toArray(), target[0]);
        float[] data = zs.alongSlices(kept.toArray(new float[0][]), ys.size() * xs.size());
        return new Loaded(new HuVolume(zs.size(), ys.size(), xs.size(), data, target.clone()), unreadable);
    }

    private float[] inPlane(SliceHeader h, CtSeries series, LinearAxis ys, LinearAxis xs) throws DicomException {
        DicomFile f = source.read(h.path());
        ImageDescriptor d = f.imageDescriptor();
        if (d == null || d.rows() != series.rows() || d.columns() != series.columns() || d.samplesPerPixel() != 1) {
            throw new DicomException(h.path(), "pixel data is not a " + series.columns() + "x" + series.rows() + " grey image");
        }
        return Preprocessor.inPlane(hu(f), d.rows(), d.columns(), ys, xs);
    }

    /**
     * HU of the single frame; PixelPaddingValue pixels (outside the reconstruction circle) become
     * air, so the trilinear blend at the edge of the field of view does not smear −2000 or −3024
     * into the body.
     */
    static float[] hu(DicomFile f) throws DicomException {
        int[] stored = f.storedFrame(0);
        float slope = (float) f.rescaleSlope();
        float intercept = (float) f.rescaleIntercept();
        OptionalInt padding = f.pixelPaddingValue();
        float[] out = new float[stored.length];
        if (padding.isPresent()) {
            int pad = padding.getAsInt();
            for (int i = 0; i < stored.length; i++) {
                int s = stored[i];
                out[i] = s == pad ? Preprocessor.AIR_HU : s * slope + intercept;
            }
        } else {
            for (int i = 0; i < stored.length; i++) out[i] = stored[i] * slope + intercept;
        }
        return out;
    }
}
