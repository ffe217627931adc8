package org.lungfl.core.aggregation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link ServerState} in memory, for tests, benchmarks and tools: lost when the process ends. */
public final class InMemoryServerState implements ServerState {
    /** version → "slot/tensor" → values. */
    private final Map<Long, Map<String, float[]>> byVersion = new HashMap<>();

    @Override
    public synchronized Round open(long fromVersion, long toVersion, List<String> slots) {
        Map<String, float[]> old = byVersion.getOrDefault(fromVersion, Map.of());
        Map<String, float[]> next = new HashMap<>();
        return new Round() {
            @Override
            public void read(String slot, String tensor, long from, float[] dst, int n) {
                float[] v = old.get(slot + "/" + tensor);
                for (int j = 0; j < n; j++) dst[j] = v != null && from + j < v.length ? v[(int) from + j] : 0f;
            }

            @Override
            public void write(String slot, String tensor, long from, float[] src, int n) {
                float[] v = next.getOrDefault(slot + "/" + tensor, new float[0]);
                if (v.length < from + n) v = Arrays.copyOf(v, (int) (from + n));
                System.arraycopy(src, 0, v, (int) from, n);
                next.put(slot + "/" + tensor, v);
            }

            @Override
            public void commit() {
                synchronized (InMemoryServerState.this) {
                    byVersion.put(toVersion, next);
                }
            }
        };
    }

    /** The state kept with a version, for tests: {@code slot/tensor → values}. */
    public synchronized Map<String, float[]> at(long version) {
        return Map.copyOf(byVersion.getOrDefault(version, Map.of()));
    }
}
