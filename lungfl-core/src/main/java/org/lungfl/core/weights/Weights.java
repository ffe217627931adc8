package org.lungfl.core.weights;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lungfl.core.tensor.Tensor;

/** A model's parameters and buffers, in a fixed order, by PyTorch {@code state_dict} name. */
public final class Weights {
    private final Map<String, Tensor> byName;

    public Weights(List<Tensor> tensors) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            if (m.put(t.name(), t) != null) throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
        }
        this.byName = Collections.unmodifiableMap(m);
    }

    public List<Tensor> tensors() {
        return new ArrayList<>(byName.values());
    }

    public Tensor get(String name) {
        Tensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor named '" + name + "'");
        return t;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public int size() {
        return byName.size();
    }

    /** Total number of scalar values across all tensors. */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : byName.values()) n += t.size();
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Weights w && tensors().equals(w.tensors());
    }

    @Override
    public int hashCode() {
        return byName.hashCode();
    }
}
