package org.lungfl.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lungfl.core.model.ModelSpec;
import org.lungfl.core.tensor.DType;

class SafeTensorsFileTest {
    @TempDir Path dir;

    @Test
    void streamingWriteIsByteForByteTheInMemoryWriteAndReadsBackPerTensor() throws Exception {
        Weights w = ModelSpec.cnn3dV1().initialWeights(42);
        Map<String, String> meta = Map.of("version", "3");
        Path f = dir.resolve("m.safetensors");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SafeTensorsFile.write(ch, ModelSpec.cnn3dV1().tensors(), meta,
                    t -> t.dtype() == DType.F32 ? w.get(t.name()).floats() : w.get(t.name()).longs());
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(SafeTensors.write(w, meta));
        try (SafeTensorsFile in = SafeTensorsFile.open(f)) {
            assertThat(in.metadata()).isEqualTo(meta);
            assertThat(in.layout()).isEqualTo(ModelSpec.cnn3dV1().tensors());
            assertThat(in.readAll()).isEqualTo(w);
            float[] big = new float[300_000];
            in.readFloats("fc2.weight", big);
            assertThat(big[63]).isEqualTo(w.get("fc2.weight").floats()[63]);
            assertThatThrownBy(() -> in.readLongs("fc2.weight", new long[64])).hasMessageContaining("is F32");
            assertThatThrownBy(() -> in.read("nope")).hasMessageContaining("no tensor named 'nope'");
        }
    }

    @Test
    void aTruncatedFileIsRejectedWhenOpened() throws Exception {
        byte[] bytes = SafeTensors.write(ModelSpec.cnn3dV1().initialWeights(1), Map.of());
        Path f = dir.resolve("t.safetensors");
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> SafeTensorsFile.open(f)).isInstanceOf(SafeTensorsException.class).hasMessageContaining("data bytes");
    }
}
