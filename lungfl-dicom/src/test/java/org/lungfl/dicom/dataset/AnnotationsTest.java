package org.lungfl.dicom.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.UserFacingException;

class AnnotationsTest {
    @TempDir Path dir;

    @Test
    void readsLungflNodulesByPatientWithMalignancy() throws IOException {
        Path f = Files.writeString(dir.resolve("nodules.csv"), """
                id,lesion,malignant,kind,attachment,spiculated,x_mm,y_mm,z_mm,diameter_mm
                site-1-0001,1,1,solid,free,0,69.78,32.54,-164.28,7.63
                site-1-0002,1,0,calcified_granuloma,free,0,30.68,13.75,-182.70,7.49
                site-1-0002,2,1,part_solid,pleura,1,-79.63,15.82,-152.69,15.50
                """);
        Annotations a = Annotations.read(f);
        assertThat(a.keyedBy()).isEqualTo(Annotations.Keyed.PATIENT);
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.of("site-1-0002")).extracting(Nodule::malignant).containsExactly(false, true);
        assertThat(a.of("site-1-0002").get(1).positionMm()).containsExactly(-79.63, 15.82, -152.69);
        assertThat(a.of("site-1-0003")).isEmpty();
    }

    @Test
    void readsLuna16BySeriesEveryNodulePositiveWithoutAMalignantColumn() throws IOException {
        Path f = Files.writeString(dir.resolve("annotations.csv"), """
                seriesuid,coordX,coordY,coordZ,diameter_mm
                1.3.6.1.4.1.14519.5.2.1.6279.6001.100225287222365663678666836860,-128.6994211,-175.3192718,-298.3875064,5.651470635
                1.3.6.1.4.1.14519.5.2.1.6279.6001.100225287222365663678666836860,103.7836509,-211.9251487,-227.12125,4.224708481
                """);
        Annotations a = Annotations.read(f);
        assertThat(a.keyedBy()).isEqualTo(Annotations.Keyed.SERIES);
        var n = a.of("1.3.6.1.4.1.14519.5.2.1.6279.6001.100225287222365663678666836860");
        assertThat(n).hasSize(2).allMatch(Nodule::malignant);
        assertThat(n.get(1).diameterMm()).isEqualTo(4.224708481);
        Path withColumn = Files.writeString(dir.resolve("m.csv"), "seriesuid,coordX,coordY,coordZ,diameter_mm,malignant\n1.2.3,1,2,3,6,0\n");
        assertThat(Annotations.read(withColumn).of("1.2.3").get(0).malignant()).isFalse();
    }

    @Test
    void errorsNameFileLineAndColumn() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,1,2,x,6\n");
        assertThatThrownBy(() -> Annotations.read(bad)).isInstanceOf(UserFacingException.class)
                .hasMessageContaining("bad.csv line 2").hasMessageContaining("coordz 'x'");
        Path missing = Files.writeString(dir.resolve("nodiam.csv"), "seriesuid,coordX,coordY,coordZ\n");
        assertThatThrownBy(() -> Annotations.read(missing)).hasMessageContaining("no 'diameter_mm' column");
        Path header = Files.writeString(dir.resolve("labels.csv"), "id,cancer\na,1\n");
        assertThatThrownBy(() -> Annotations.read(header)).hasMessageContaining("labels.csv line 1");
        Path size = Files.writeString(dir.resolve("size.csv"), "seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2,1,2,3,-4\n");
        assertThatThrownBy(() -> Annotations.read(size)).hasMessageContaining("diameter_mm -4");
        assertThatThrownBy(() -> Annotations.read(dir.resolve("none.csv"))).hasMessageContaining("no such annotations file");
    }

    @Test
    void aNoduleCoversItsRadiusOrTheMatchDistanceIfLarger() {
        Nodule n = new Nodule(new double[] {10, 20, 30}, 12, true);
        assertThat(n.covers(new double[] {15.9, 20, 30}, 3)).isTrue();
        assertThat(n.covers(new double[] {16.1, 20, 30}, 3)).isFalse();
        Nodule small = new Nodule(new double[] {0, 0, 0}, 4, true);
        assertThat(small.covers(new double[] {0, 0, 4.9}, 5)).isTrue();
        assertThat(small.covers(new double[] {0, 0, 5.1}, 5)).isFalse();
    }
}
