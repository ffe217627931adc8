package org.lungfl.core.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.lungfl.core.tensor.Tensor;

class SafeTensorsTest {

    private static Weights sample() {
        return new Weights(List.of(
                Tensor.ofFloats("a.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 6}),
                Tensor.ofLongs("a.num_batches_tracked", new int[] {}, new long[] {42}),
                Tensor.ofFloats("b", new int[] {0}, new float[0])));
    }

    /** A file built by hand the way the reference writer lays it out. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return b.array();
    }

    @Test
    void roundTripKeepsValuesOrderAndMetadata() {
        byte[] bytes = SafeTensors.write(sample(), Map.of("client_id", "site-a", "num_samples", "12"));
        SafeTensors.Contents back = SafeTensors.read(bytes);
        assertThat(back.weights()).isEqualTo(sample());
        assertThat(back.metadata()).containsEntry("client_id", "site-a").containsEntry("num_samples", "12");
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
    }

    @Test
    void readsAFileLaidOutByHand() {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        byte[] f = file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"k\":\"v\"}}  ", data);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertThat(c.weights().get("x").floats()).containsExactly(1.5f, -2f);
        assertThat(c.metadata()).containsEntry("k", "v");
    }

    @Test
    void rejectsEveryLieAboutLengthsAndLayout() {
        byte[] eight = new byte[8];
        String ok = "\"dtype\":\"F32\",\"shape\":[2]";
        assertRejected(new byte[3], "too short");
        assertRejected(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array(), "header length");
        assertRejected(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array(), "exceeds");
        assertRejected(file("{\"x\":{" + ok + ",\"data_offsets\":[0,16]}}", eight), "needs 8 bytes");
        assertRejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight), "only 8 data bytes");
        assertRejected(file("{\"x\":{" + ok + ",\"data_offsets\":[0,8]}}", new byte[12]), "not described");
        assertRejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight), "contiguous");
        assertRejected(file("{\"x\":{" + ok + ",\"data_offsets\":[0,8]},\"y\":{" + ok + ",\"data_offsets\":[0,8]}}", eight),
                "contiguous");
        assertRejected(file("{\"x\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", eight), "F16 is not supported");
        assertRejected(file("{\"x\":{" + ok + ",\"data_offsets\":[0,8]},\"x\":{" + ok + ",\"data_offsets\":[0,8]}}", eight),
                "not valid JSON");
        assertRejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight), "invalid dimension");
        assertRejected(file("{\"x\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}",
                eight), "too large");
        assertRejected(file("{\"__metadata__\":{\"n\":3}}", new byte[0]), "not a string");
        assertRejected(file("[1]", new byte[0]), "does not start with '{'");
        assertRejected(file("{\"x\":{" + ok + ",\"data_offsets\":[0,8],\"extra\":1}}", eight), "unknown field 'extra'");
    }

    @Test
    void refusesContentAfterTheHeaderObjectButNotSpacePadding() {
        byte[] data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).array();
        String x = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertThat(SafeTensors.read(file(x + "      ", data)).weights().get("x").floats()).containsExactly(1.5f, -2f);
        assertRejected(file(x + "{\"__metadata__\":{\"client_id\":\"b\"}}", data), "content after the JSON object");
        assertRejected(file(x + "\u0000", data), "header is not valid JSON");
        assertRejected(file(x + "   \u0000\u0000", data), "header is not valid JSON");
    }

    @Test
    void aJsonErrorDoesNotRepeatTheSendersText() {
        assertThatThrownBy(() -> SafeTensors.read(file("{\"x\": JaneDoe}", new byte[0]))).isInstanceOf(SafeTensorsException.class)
                .hasMessageStartingWith("header is not valid JSON").hasMessageNotContaining("Jane");
    }

    @Test
    void enforcesConfiguredBounds() {
        byte[] bytes = SafeTensors.write(sample(), Map.of());
        assertThatThrownBy(() -> SafeTensors.read(bytes, new SafeTensors.Limits(bytes.length - 1, 1 << 20, 10)))
                .isInstanceOf(SafeTensorsException.class).hasMessageContaining("over the limit");
        assertThatThrownBy(() -> SafeTensors.read(bytes, new SafeTensors.Limits(1 << 20, 1 << 20, 2)))
                .isInstanceOf(SafeTensorsException.class).hasMessageContaining("more than 2 tensors");
        assertThatThrownBy(() -> SafeTensors.read(bytes, new SafeTensors.Limits(1 << 20, 16, 10)))
                .isInstanceOf(SafeTensorsException.class).hasMessageContaining("header length");
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] good = SafeTensors.write(sample(), Map.of("m", "v"));
        Random rnd = new Random(7);
        for (int trial = 0; trial < 2000; trial++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int i = 0; i < flips; i++) bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
            byte[] cut = trial % 3 == 0 ? java.util.Arrays.copyOf(bad, rnd.nextInt(bad.length)) : bad;
            try {
                SafeTensors.read(cut);
            } catch (SafeTensorsException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private static void assertRejected(byte[] bytes, String reason) {
        assertThatThrownBy(() -> SafeTensors.read(bytes)).isInstanceOf(SafeTensorsException.class).hasMessageContaining(reason);
    }
}
