package org.lungfl.gui.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Container;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The viewer's behaviour without a screen: slices, wheel direction, window presets, and findings
 * drawn where they are. Swing components paint into an image headless.
 */
class SliceViewerTest {
    /** 20 slices of 40 x 40, 2 mm apart, 1 mm pixels; air, with a 6 mm ball of +40 HU around (z 12, y 20, x 25). */
    static ViewerVolume phantom() {
        int d = 20, h = 40, w = 40;
        short[] hu = new short[d * h * w];
        java.util.Arrays.fill(hu, (short) -1000);
        for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            double r = Math.sqrt(Math.pow((z - 12) * 2, 2) + Math.pow(y - 20, 2) + Math.pow(x - 25, 2));
            if (r <= 3) hu[(z * h + y) * w + x] = 40;
        }
        return new ViewerVolume(d, h, w, hu, new double[] {2, 1, 1}, new double[] {-20, -20, -100}, new double[] {1, 0, 0},
                new double[] {0, 1, 0}, new double[] {0, 0, 1}, "phantom");
    }

    @Test
    void scrollsFromTheMiddleTowardsTheFeetAndBack() {
        SliceViewer v = new SliceViewer("v");
        v.show(phantom(), List.of());
        assertThat(v.axialIndex()).isEqualTo(10);
        assertThat(v.sliceNumber()).isEqualTo(10); // counted from the head: z 19 is slice 1
        v.scrollAxial(3);
        assertThat(v.axialIndex()).isEqualTo(7);
        v.scrollAxial(-100);
        assertThat(v.axialIndex()).isEqualTo(19);
        assertThat(v.sliceNumber()).isEqualTo(1);
        v.setWindow(WindowLevel.MEDIASTINUM);
        assertThat(v.window()).isEqualTo(WindowLevel.MEDIASTINUM);
    }

    @Test
    void aFindingIsCircledOnTheSlicesThatCutItAndTheViewGoesToIt() {
        ViewerVolume vol = phantom();
        Finding f = Finding.atPatientMm(vol, vol.patientMm(12, 20, 25), 6, 0.87);
        assertThat(f.z()).isEqualTo(12, org.assertj.core.api.Assertions.within(1e-9));
        SliceViewer v = new SliceViewer("v");
        v.setSize(800, 440);
        layout(v);
        v.show(vol, List.of(f));
        assertThat(v.axialIndex()).isEqualTo(12);
        assertThat(v.coronalIndex()).isEqualTo(20);
        Component axial = find(v, "v.axial");
        assertThat(orangePixels(axial)).as("the ring around the finding").isGreaterThan(20);
        v.setAxial(2); // 20 mm away: the 3 mm sphere does not reach this slice
        assertThat(orangePixels(axial)).isZero();
        v.setFindings(List.of());
        v.setAxial(12);
        assertThat(orangePixels(axial)).isZero();
    }

    private static int orangePixels(Component c) {
        BufferedImage img = new BufferedImage(c.getWidth(), c.getHeight(), BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        c.paint(g);
        g.dispose();
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) {
            int rgb = img.getRGB(x, y), r = rgb >> 16 & 0xFF, gr = rgb >> 8 & 0xFF, b = rgb & 0xFF;
            if (r > 200 && gr > 120 && gr < 200 && b < 80) n++;
        }
        return n;
    }

    private static void layout(Container c) {
        c.doLayout();
        for (Component child : c.getComponents()) if (child instanceof Container k) layout(k);
    }

    private static Component find(Container c, String name) {
        for (Component child : c.getComponents()) {
            if (name.equals(child.getName())) return child;
            if (child instanceof Container k) {
                Component f = find(k, name);
                if (f != null) return f;
            }
        }
        return null;
    }
}
