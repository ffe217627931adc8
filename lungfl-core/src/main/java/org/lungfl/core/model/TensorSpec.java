package org.lungfl.core.model;

import java.util.Arrays;
import java.util.Objects;
import org.lungfl.core.tensor.DType;
import org.lungfl.core.tensor.Tensor;

/** Name, element type and shape one tensor of a model must have. */
public record TensorSpec(String name, DType dtype, int[] shape) {
    public TensorSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(dtype);
        shape = shape.clone();
    }

    public boolean matches(Tensor t) {
        return t.name().equals(name) && t.dtype() == dtype && Arrays.equals(t.shape(), shape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec s && name.equals(s.name) && dtype == s.dtype && Arrays.equals(shape, s.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
