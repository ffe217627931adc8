package org.lungfl.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.model.ModelSpec;

/**
 * cnn3d-v1 and cnn3d-patch-v1 (see {@link ModelSpec}) as DJL blocks, with each learnable tensor
 * reachable by its PyTorch {@code state_dict} name. Both share the four convolution blocks and differ
 * in the head. DJL names parameters by position ({@code
 * 01SequentialBlock_01Conv3d_weight}), so the mapping is made here from the layer objects
 * themselves, not by parsing those names.
 */
public final class Cnn3dNetwork {
    /** PyTorch's BatchNorm3d defaults: running stats move 10 % per batch (DJL counts the other way). */
    static final float TORCH_BN_MOMENTUM = 0.1f;
    static final float TORCH_BN_EPS = 1e-5f;
    static final float DROPOUT = 0.3f;

    private final SequentialBlock block = new SequentialBlock();
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final List<String> batchNorms = new ArrayList<>();

    public Cnn3dNetwork(String architecture) {
        int[] channels = ModelSpec.channels(architecture);
        for (int b = 0; b < channels.length; b++) {
            Conv3d conv = Conv3d.builder().setKernelShape(new Shape(3, 3, 3)).optPadding(new Shape(1, 1, 1))
                    .setFilters(channels[b]).optBias(false).build();
            BatchNorm bn = BatchNorm.builder().optAxis(1).optMomentum(1 - TORCH_BN_MOMENTUM)
                    .optEpsilon(TORCH_BN_EPS).build();
            block.add(new SequentialBlock().add(conv).add(bn).add(Activation::relu)
                    .add(Pool.maxPool3dBlock(new Shape(2, 2, 2), new Shape(2, 2, 2))));
            String p = "blocks." + b + ".";
            parameters.put(p + "conv.weight", conv.getParameters().get("weight"));
            parameters.put(p + "bn.weight", bn.getParameters().get("gamma"));
            parameters.put(p + "bn.bias", bn.getParameters().get("beta"));
            parameters.put(p + "bn.running_mean", bn.getParameters().get("runningMean"));
            parameters.put(p + "bn.running_var", bn.getParameters().get("runningVar"));
            batchNorms.add(p + "bn");
        }
        if (ModelSpec.CNN3D_PATCH_V1.equals(architecture)) {
            Linear fc = Linear.builder().setUnits(1).build();
            block.add(Pool.globalAvgPool3dBlock()).add(Blocks.batchFlattenBlock()).add(fc);
            parameters.put("fc.weight", fc.getParameters().get("weight"));
            parameters.put("fc.bias", fc.getParameters().get("bias"));
            return;
        }
        if (!ModelSpec.CNN3D_V1.equals(architecture)) throw new IllegalArgumentException("no DJL network for " + architecture);
        Linear fc1 = Linear.builder().setUnits(ModelSpec.CNN3D_V1_HIDDEN).build();
        Linear fc2 = Linear.builder().setUnits(1).build();
        block.add(Pool.globalAvgPool3dBlock()).add(Blocks.batchFlattenBlock())
                .add(fc1).add(Activation::relu).add(Dropout.builder().optRate(DROPOUT).build())
                .add(fc2);
        parameters.put("fc1.weight", fc1.getParameters().get("weight"));
        parameters.put("fc1.bias", fc1.getParameters().get("bias"));
        parameters.put("fc2.weight", fc2.getParameters().get("weight"));
        parameters.put("fc2.bias", fc2.getParameters().get("bias"));
    }

    public Block block() {
        return block;
    }

    /** Every DJL parameter by state_dict name (BatchNorm running statistics included). */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** State_dict prefixes of the BatchNorm layers ({@code blocks.0.bn}, …), in order. */
    public List<String> batchNorms() {
        return batchNorms;
    }
}
