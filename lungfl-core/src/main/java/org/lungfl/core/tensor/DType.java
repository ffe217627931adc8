package org.lungfl.core.tensor;

import java.util.Optional;

/** Element types LungFL stores, named as safetensors names them. */
public enum DType {
    F32(4),
    I64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    public static Optional<DType> of(String safetensorsName) {
        for (DType d : values()) if (d.name().equals(safetensorsName)) return Optional.of(d);
        return Optional.empty();
    }
}
