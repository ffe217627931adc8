package org.lungfl.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.tensor.Npy;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.CtSeries;
import org.lungfl.dicom.series.SeriesAssembler;
import org.lungfl.dicom.series.SeriesChooser;
import org.lungfl.dicom.series.SliceHeader;
import org.lungfl.dicom.volume.HuVolume;
import org.lungfl.dicom.volume.Preprocessor;
import org.lungfl.dicom.volume.VolumeGeometry;
import org.lungfl.dicom.volume.SliceDecoder;
import org.lungfl.dicom.volume.VolumeStacker;

/**
 * One study folder turned into the model's input exactly as {@code dataset import} does it: read
 * every file, choose the CT series, stack, preprocess with the plan. Unreadable files are counted
 * and skipped, as in the importer.
 */
public final class StudyVolume {
    /** The preprocessed volume and how it was chosen (no patient data). */
    public record Loaded(Npy.Array volume, String seriesChoice, int slices, int unreadableFiles) {}

    /** The study's HU volume at the plan's spacing, where it lies in the patient, and how it was chosen. */
    public record Study(HuVolume hu, VolumeGeometry grid, String seriesChoice, int slices, int unreadableFiles) {}

    private StudyVolume() {}

    /** The model input of a whole-volume plan. */
    public static Loaded load(Path dir, FederationPlan plan) {
        Study s = read(dir, plan);
        return new Loaded(new Preprocessor(plan.preprocess()).normalizeAndFrame(s.hu()), s.seriesChoice(), s.slices(), s.unreadableFiles());
    }

    public static Study read(Path dir, FederationPlan plan) {
        if (!Files.isDirectory(dir)) throw new UserFacingException(dir + ": not a directory");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !p.getFileName().toString().equals("DICOMDIR")).sorted().toList();
        } catch (IOException e) {
            throw new UserFacingException(dir + ": cannot list: " + e.getMessage(), e);
        }
        SliceDecoder decoder = new SliceDecoder(plan.preprocess().spacingMm());
        List<SliceHeader> headers = new ArrayList<>();
        Map<Path, SliceDecoder.Slice> slices = new HashMap<>();
        int unreadable = 0;
        for (Path f : files) {
            try {
                DicomFile d = DicomReader.read(f);
                SliceHeader h = SliceHeader.of(d);
                headers.add(h);
                SliceDecoder.Slice slice = decoder.decode(d, h);
                if (slice != null) slices.put(h.path(), slice);
            } catch (UserFacingException e) {
                unreadable++;
            }
        }
        if (headers.isEmpty()) throw new UserFacingException(dir + ": no readable DICOM file (" + files.size() + " files)");
        SeriesChooser.Choice choice = SeriesChooser.choose(SeriesAssembler.assemble(headers));
        if (!choice.found()) throw new UserFacingException(dir + ": " + choice.reason());
        CtSeries series = choice.series();
        List<SliceDecoder.Slice> decoded = series.slices().stream().map(h -> slices.get(h.path())).toList();
        double[] spacing = plan.preprocess().spacingMm();
        return new Study(VolumeStacker.stack(decoded, series.positions(), spacing), VolumeGeometry.of(series, spacing), choice.reason(),
                series.sliceCount(), unreadable);
    }
}
