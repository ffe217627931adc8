package org.lungfl.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.lungfl.core.UserFacingException;

/**
 * Reads (and optionally augments) batches of examples on a background thread, one batch ahead, so
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

    private final Examples data;
    private final int volumeSize;
    private final boolean augment;
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

    /** {@code augment == false}: inputs are passed through untouched (evaluation, prediction). */
    BatchLoader(Examples data, int[] inputShape, boolean augment) {
        this.data = data;
        this.volumeSize = inputShape[1] * inputShape[2] * inputShape[3];
        this.augment = augment;
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
        Random rnd = augment ? new Random(seed) : null;
        if (scratch == null) scratch = new float[volumeSize];
        for (int i = 0; i < indices.length; i++) {
            data.load(indices[i], scratch, 0, rnd);
            volumes.put(scratch, 0, volumeSize);
            labels[i] = data.label(indices[i]);
        }
        return new Batch(buffer, labels, indices);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
