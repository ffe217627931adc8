package org.lungfl.core.aggregation;

/** What a strategy knows about one queued update before reading any tensor. */
public record Contribution(long numSamples, long baseVersion) {
    public Contribution {
        if (numSamples < 1) throw new IllegalArgumentException("num_samples must be >= 1, got " + numSamples);
        if (baseVersion < 0) throw new IllegalArgumentException("base_version must be >= 0, got " + baseVersion);
    }
}
