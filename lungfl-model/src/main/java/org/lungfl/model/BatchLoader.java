package org.lungfl.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.lungfl.core.UserFacingException;

/**
 * Reads (and optionally augments) batches of volumes on a background thread, one batch ahead, so
 * disk reads and augmentation overlap with the training step running on the caller's thread.
 */
final class BatchLoader implements AutoCloseable {
    /**
     * {@code size} volumes back to back in {@code volumes} (native-order floats in a direct buffer,
     * which PyTorch wraps without another copy), their labels, and their positions in the dataset.
     * The buffer is reused two batches later: use it before taking the batch after next.
     */
    record Batch(ByteBuffer volumes, float[] labels, int[] indices) {
        int size() {
            return indices.length;
        }
    }

    private final List<LabelledVolume> data;
    private final int[] inputShape;
    private final int volumeSize;
    private final Augmentation augmentation;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "lungfl-batch-loader");
        t.setDaemon(true);
        return t;
    });
    private Future<Batch> pending;
    /** Double buffering: one buffer is being trained on while the other is filled. */
    private final ByteBuffer[] buffers = new ByteBuffer[2];
    private int nextBuffer;
    private float[] scratch;

    /** {@code augment == false}: volumes are passed through untouched (evaluation, prediction). */
    BatchLoader(List<LabelledVolume> data, int[] inputShape, boolean augment) {
        this.data = data;
        this.inputShape = inputShape.clone();
        this.volumeSize = inputShape[1] * inputShape[2] * inputShape[3];
        this.augmentation = augment ? new Augmentation(inputShape) : null;
    }

    /** Starts loading the batch of these dataset indices; {@code seed} drives its augmentation. */
    void prefetch(int[] indices, long seed) {
        if (pending != null) throw new IllegalStateException("a batch is already being loaded");
        int slot = nextBuffer;
        nextBuffer ^= 1;
        pending = thread.submit(() -> load(indices, seed, slot));
    }

    /** The batch started by the last {@link #prefetch}, waiting for it if necessary. */
    Batch take() {
        Future<Batch> f = pending;
        pending = null;
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new UserFacingException("loading a batch failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserFacingException("interrupted while loading a batch", e);
        }
    }

    private Batch load(int[] indices, long seed, int slot) {
        long bytes = (long) indices.length * volumeSize * Float.BYTES;
        if (buffers[slot] == null || buffers[slot].capacity() < bytes) {
            buffers[slot] = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        }
        ByteBuffer buffer = buffers[slot].clear().limit((int) bytes);
        FloatBuffer volumes = buffer.asFloatBuffer();
        float[] labels = new float[indices.length];
        Random rnd = new Random(seed);
        for (int i = 0; i < indices.length; i++) {
            LabelledVolume v = data.get(indices[i]);
            float[] values = v.load(inputShape);
            if (augmentation != null) {
                if (scratch == null) scratch = new float[volumeSize];
                augmentation.apply(values, scratch, 0, rnd);
                values = scratch;
            }
            volumes.put(values, 0, volumeSize);
            labels[i] = v.label();
        }
        return new Batch(buffer, labels, indices);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
