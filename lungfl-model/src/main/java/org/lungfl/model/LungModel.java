package org.lungfl.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.lungfl.core.UserFacingException;
import org.lungfl.core.plan.FederationPlan;
import org.lungfl.core.weights.Weights;

/**
 * A plan's network in DJL (cnn3d-v1 on whole volumes, cnn3d-patch-v1 on candidate patches), loaded
 * with LungFL weights, for one input shape {@code [1, D, H, W]}. Not thread safe: one model per
 * training or inference thread.
 */
public final class LungModel implements AutoCloseable {
    private final Model model;
    private final Cnn3dNetwork network;
    private final WeightsBridge bridge;
    private final int[] inputShape;
    private final int volumeSize;
    /** Reused input buffer: DJL would otherwise allocate (and leave to the GC) a direct buffer per call. */
    private ByteBuffer input;

    private final String architecture;

    private LungModel(String architecture, int[] inputShape) {
        if (inputShape.length != 4 || inputShape[0] != 1) {
            throw new IllegalArgumentException("input shape must be [1, D, H, W], not " + Arrays.toString(inputShape));
        }
        DjlRuntime.engine();
        this.inputShape = inputShape.clone();
        this.volumeSize = inputShape[1] * inputShape[2] * inputShape[3];
        this.architecture = architecture;
        this.network = new Cnn3dNetwork(architecture);
        this.model = Model.newInstance(architecture, DjlRuntime.ENGINE);
        model.setBlock(network.block());
        // One volume is enough to infer every parameter shape; a larger batch only costs time.
        network.block().initialize(model.getNDManager(), DataType.FLOAT32, batchShape(1));
        this.bridge = new WeightsBridge(architecture, network);
    }

    /** A model for the plan's input shape with the given weights. */
    public static LungModel of(FederationPlan plan, Weights weights) {
        return of(plan.architecture(), plan.inputShape(), weights);
    }

    /** cnn3d-v1 for this input shape. */
    public static LungModel of(int[] inputShape, Weights weights) {
        return of(org.lungfl.core.model.ModelSpec.CNN3D_V1, inputShape, weights);
    }

    public static LungModel of(String architecture, int[] inputShape, Weights weights) {
        LungModel m = new LungModel(architecture, inputShape);
        try {
            m.load(weights);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    public void load(Weights weights) {
        bridge.load(weights);
    }

    public Weights weights() {
        return bridge.export();
    }

    public String architecture() {
        return architecture;
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Number of floats in one input volume (D·H·W). */
    public int volumeSize() {
        return volumeSize;
    }

    public Shape batchShape(int n) {
        return new Shape(n, 1, inputShape[1], inputShape[2], inputShape[3]);
    }

    Model djlModel() {
        return model;
    }

    Cnn3dNetwork network() {
        return network;
    }

    WeightsBridge bridge() {
        return bridge;
    }

    /**
     * Logits of {@code n} volumes laid out one after another in {@code volumes}, in inference mode
     * (BatchNorm uses running statistics, no dropout, no autograd graph).
     */
    public float[] logits(float[] volumes, int n) {
        if (n < 1 || (long) n * volumeSize > volumes.length) {
            throw new IllegalArgumentException(n + " volumes need " + (long) n * volumeSize + " floats, got " + volumes.length);
        }
        int bytes = Math.multiplyExact(n * volumeSize, Float.BYTES);
        if (input == null || input.capacity() < bytes) input = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        input.clear().limit(bytes);
        input.asFloatBuffer().put(volumes, 0, n * volumeSize);
        return logits(input, n);
    }

    /** As {@link #logits(float[], int)}, from native-order floats in a direct buffer (no copy). */
    float[] logits(ByteBuffer volumes, int n) {
        // Autograd is per thread in PyTorch and on by default: turn it off for whoever calls.
        JniUtils.setGradMode(false);
        try (NDManager step = model.getNDManager().newSubManager()) {
            NDArray x = step.create(volumes, batchShape(n), DataType.FLOAT32);
            NDList out = network.block().forward(new ParameterStore(step, false), new NDList(x), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    /** Cancer probability of one preprocessed volume. */
    public double probability(float[] volume) {
        if (volume.length != volumeSize) {
            throw new UserFacingException("volume has " + volume.length + " values, the model expects "
                    + Arrays.toString(inputShape) + " = " + volumeSize);
        }
        return sigmoid(logits(volume, 1)[0]);
    }

    public static double sigmoid(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }

    @Override
    public void close() {
        model.close();
    }
}
