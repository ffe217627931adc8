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
            SafeTensorsFile.Writer out = SafeTensorsFile.writer(ch, ModelSpec.cnn3dV1().tensors(), meta);
            for (var t : w.tensors()) {
                // In uneven slices, as the aggregation appends them.
                int n = t.size();
                for (int from = 0; from < n; from += 1000) {
                    int len = Math.min(1000, n - from);
                    if (t.dtype() == DType.F32) out.floats(java.util.Arrays.copyOfRange(t.floats(), from, from + len), len);
                    else out.longs(java.util.Arrays.copyOfRange(t.longs(), from, from + len), len);
                }
            }
            out.finish();
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(SafeTensors.write(w, meta));
        try (SafeTensorsFile in = SafeTensorsFile.open(f)) {
            assertThat(in.metadata()).isEqualTo(meta);
            assertThat(in.layout()).isEqualTo(ModelSpec.cnn3dV1().tensors());
            assertThat(in.readAll()).isEqualTo(w);
            float[] slice = new float[10];
            java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocate(80);
            in.readFloats("fc1.weight", 5, slice, 10, scratch);
            assertThat(slice).containsExactly(java.util.Arrays.copyOfRange(w.get("fc1.weight").floats(), 5, 15));
            assertThatThrownBy(() -> in.readFloats("fc2.weight", 60, slice, 10, scratch)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> in.readLongs("fc2.weight", 0, new long[64], 64, scratch)).hasMessageContaining("is F32");
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
