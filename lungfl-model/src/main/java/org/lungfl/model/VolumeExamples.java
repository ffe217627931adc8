package org.lungfl.model;

import java.util.List;
import java.util.Random;

/** Whole preprocessed volumes of a dataset cache (plan {@code whole-volume}), one per patient. */
public final class VolumeExamples implements Examples {
    private final List<LabelledVolume> volumes;
    private final int[] inputShape;
    private final Augmentation augmentation;
    private final int volumeSize;

    public VolumeExamples(List<LabelledVolume> volumes, int[] inputShape) {
        this.volumes = List.copyOf(volumes);
        this.inputShape = inputShape.clone();
        this.augmentation = new Augmentation(inputShape);
        this.volumeSize = inputShape[1] * inputShape[2] * inputShape[3];
    }

    public List<LabelledVolume> volumes() {
        return volumes;
    }

    @Override
    public int size() {
        return volumes.size();
    }

    @Override
    public int label(int i) {
        return volumes.get(i).label();
    }

    @Override
    public void load(int i, float[] dst, int offset, Random augment) {
        float[] values = volumes.get(i).load(inputShape);
        if (augment == null) System.arraycopy(values, 0, dst, offset, volumeSize);
        else augmentation.apply(values, dst, offset, augment);
    }
}
