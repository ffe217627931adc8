package org.lungfl.gui.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowLevelTest {
    @Test
    void theLungWindowShowsAirBlackAndBoneWhite() {
        WindowLevel lung = WindowLevel.LUNG;
        assertThat(lung.grey(-1350)).isZero();
        assertThat(lung.grey(-1000)).isEqualTo(60);
        assertThat(lung.grey(-600)).isBetween(127, 128);
        assertThat(lung.grey(150)).isEqualTo(255);
        assertThat(WindowLevel.MEDIASTINUM.grey(-130)).isZero();
        assertThat(WindowLevel.MEDIASTINUM.grey(-100)).isEqualTo(18);
        assertThat(WindowLevel.MEDIASTINUM.grey(50)).isBetween(127, 128);
        byte[] lut = lung.lookupTable();
        assertThat(lut[-600 + 32768] & 0xFF).isEqualTo(lung.grey(-600));
        assertThat(lung.describe()).isEqualTo("W 1500  L -600");
    }

    @Test
    void draggingRightWidensAndDownRaisesTheLevelWithinBounds() {
        WindowLevel w = WindowLevel.MEDIASTINUM.dragged(10, 5);
        assertThat(w.width()).isEqualTo(390);
        assertThat(w.level()).isEqualTo(60);
        assertThat(WindowLevel.MEDIASTINUM.dragged(-1000, -1000).width()).isEqualTo(1);
        assertThat(WindowLevel.MEDIASTINUM.dragged(-1000, -1000).level()).isEqualTo(-1200);
    }
}
