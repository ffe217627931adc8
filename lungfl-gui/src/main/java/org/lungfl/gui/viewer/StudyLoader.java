package org.lungfl.gui.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.lungfl.client.StopSignal;
import org.lungfl.core.UserFacingException;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.SeriesAssembler;
import org.lungfl.dicom.series.SeriesChooser;
import org.lungfl.dicom.series.SliceHeader;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.SliceDecoder;
import org.lungfl.dicom.volume.VolumeStacker;

/**
 * A study folder made into a {@link ViewerVolume} with the importer's own parts: every file's header,
 * the series a radiologist would read ({@link SeriesChooser}), its slices decoded to HU and stacked
 * at their true positions. In-plane the images keep their resolution up to {@value #MAX_IN_PLANE}
 * pixels across (a 512-pixel CT is shown at about 1.3 times its pixel spacing: plenty for a screen,
 * a third of the memory); along z the series' own slice spacing is kept.
 */
public final class StudyLoader {
    static final int MAX_IN_PLANE = 384;

    /** Progress of a load: files read, out of how many. */
    public interface Progress {
        void files(int done, int total);
    }

    private StudyLoader() {}

    public static ViewerVolume load(Path dir, StopSignal stop, Progress progress) {
        List<Path> files = files(dir);
        List<SliceHeader> headers = new ArrayList<>(files.size());
        int total = files.size() * 2;
        int done = 0;
        for (Path f : files) {
            stop.check();
            try {
                headers.add(SliceHeader.of(DicomReader.read(f)));
            } catch (UserFacingException unreadable) {
                // not an image of this study (the importer reports such files); the others still make the volume
            }
            progress.files(++done, total);
        }
        if (headers.isEmpty()) throw new UserFacingException(dir + ": no readable DICOM file (" + files.size() + " files)");
        SeriesChooser.Choice choice = SeriesChooser.choose(SeriesAssembler.assemble(headers));
        if (!choice.found()) throw new UserFacingException(dir + ": " + choice.reason());
        CtSeries series = choice.series();

        double[] spacing = viewSpacing(series);
        SliceDecoder decoder = new SliceDecoder(spacing);
        List<SliceDecoder.Slice> slices = new ArrayList<>(series.sliceCount());
        done = total - series.sliceCount();
        for (SliceHeader h : series.slices()) {
            stop.check();
            DicomFile d = DicomReader.read(h.path());
            SliceDecoder.Slice s = decoder.decode(d, h);
            if (s == null) throw new UserFacingException(h.path() + ": the slice has no decodable image");
            slices.add(s);
            progress.files(++done, total);
        }
        HuVolume hu = VolumeStacker.stack(slices, series.positions(), spacing);
        double[] o = series.orientation();
        return new ViewerVolume(hu.depth(), hu.height(), hu.width(), toShorts(hu.data()), hu.spacing(), series.slices().get(0).position().clone(),
                new double[] {o[0], o[1], o[2]}, new double[] {o[3], o[4], o[5]}, series.normal().clone(), series.describe());
    }

    /** (z, y, x) mm: the series' slice spacing, and in-plane its pixel spacing unless that makes more than MAX_IN_PLANE pixels. */
    static double[] viewSpacing(CtSeries s) {
        double[] ps = s.pixelSpacing();
        double fov = Math.max(s.rows() * ps[0], s.columns() * ps[1]);
        double inPlane = Math.max(Math.max(ps[0], ps[1]), fov / MAX_IN_PLANE);
        double z = Double.isFinite(s.sliceSpacing()) && s.sliceSpacing() > 0 ? Math.max(0.5, s.sliceSpacing()) : inPlane;
        return new double[] {z, inPlane, inPlane};
    }

    private static short[] toShorts(float[] hu) {
        short[] out = new short[hu.length];
        for (int i = 0; i < hu.length; i++) {
            float v = hu[i];
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(v)));
        }
        return out;
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) throw new UserFacingException(dir + ": not a folder");
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().equals("DICOMDIR")).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UserFacingException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }
}
