package org.lungfl.dicom.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.dicom.io.DicomFile;
import org.lungfl.dicom.io.DicomReader;
import org.lungfl.dicom.series.PydicomCt;
import org.lungfl.dicom.series.SliceHeader;

class VolumeStackerTest {
    @TempDir Path dir;

    private static SliceDecoder.Slice constant(float hu) {
        return new SliceDecoder.Slice(1, 2, new float[] {hu, hu});
    }

    @Test
    void aMissingSliceIsBridgedByItsTruePositionNotSqueezedOut() {
        // HU = 10 × z (mm), slices every 2 mm with the one at z = 6 missing.
        double[] z = {0, 2, 4, 8, 10};
        List<SliceDecoder.Slice> slices = new ArrayList<>();
        for (double p : z) slices.add(constant((float) (10 * p)));
        HuVolume v = VolumeStacker.stack(slices, z, new double[] {1, 1, 1});
        assertThat(v.depth()).isEqualTo(11);
        for (int k = 0; k < 11; k++) assertThat((double) v.at(k, 0, 1)).as("z = %d mm", k).isCloseTo(10.0 * k, within(1e-4));
    }

    @Test
    void paddingDeclaredOrNotIsAirBeforeInterpolation() {
        // One row, 3 pixels 1 mm apart, resampled at 0.5 mm: the sample between pixel 0 and 1 blends them.
        LinearAxis xs = LinearAxis.uniform(3, 1, 0.5);
        LinearAxis ys = LinearAxis.uniform(1, 1, 1);
        int[] stored = {-976, 1064, -5}; // -2000 HU (undeclared DSB-style padding), 40 HU, declared padding -5
        float[] hu = SliceDecoder.bilinearHu(stored, 3, ys, xs, 1, -1024, java.util.OptionalInt.of(-5));
        assertThat(hu).containsExactly(-1000f, -480f, 40f, -480f, -1000f);
    }

    @Test
    void decodingStraightFromStoredValuesEqualsResamplingTheWholeHuImage() throws Exception {
        PydicomCt.assumeAvailable();
        PydicomCt ct = new PydicomCt();
        var m = ct.slice(dir.resolve("s"), "1.2.3", 0);
        m.put("rows", 48);
        m.put("cols", 40);
        m.put("hu", 20);
        m.put("blob", List.of(20, 15, 9, 700));
        m.put("pixel_spacing", List.of(0.7, 0.9));
        ct.write();
        DicomFile f = DicomReader.read(dir.resolve("s"));
        double[] spacing = {2.0, 1.3, 2.1};
        SliceDecoder.Slice fast = new SliceDecoder(spacing).decode(f, SliceHeader.of(f));

        HuVolume full = new HuVolume(1, 48, 40, f.huFrame(0), new double[] {1, 0.7, 0.9});
        var plan = new FederationPlan.Preprocess(spacing, new int[] {8, 8, 8}, new double[] {-1000, 400}, 0.25);
        HuVolume reference = new Preprocessor(plan).resample(full);
        assertThat(fast.rows()).isEqualTo(reference.height());
        assertThat(fast.columns()).isEqualTo(reference.width());
        for (int i = 0; i < fast.hu().length; i++) {
            assertThat(fast.hu()[i]).as("pixel %d", i).isCloseTo(reference.data()[i], within(1e-3f));
        }
        // The blob (700 HU) is where it was drawn: (20, 15) px = (14.0, 13.5) mm.
        int y = (int) Math.round(20 * 0.7 / spacing[1]), x = (int) Math.round(15 * 0.9 / spacing[2]);
        assertThat(fast.hu()[y * fast.columns() + x]).isGreaterThan(600f);
        assertThat(fast.hu()[0]).isEqualTo(20f);
    }
}
