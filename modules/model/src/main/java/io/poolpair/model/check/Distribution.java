package io.poolpair.model.check;

import java.util.Arrays;

/**
 * A set of durations (emulated ms) and their p50 / p99 / max (nearest-rank percentiles).
 */
public final class Distribution {

    private long[] values = new long[8];
    private int n;

    public void add(long v) {
        if (n == values.length) values = Arrays.copyOf(values, n * 2);
        values[n++] = v;
    }

    public int count() { return n; }

    /** Adds every value of this one to {@code other}. */
    public void copyInto(Distribution other) {
        for (int i = 0; i < n; i++) other.add(values[i]);
    }

    /** The nearest-rank percentile {@code p} (0-100), or -1 when empty. */
    public long percentile(double p) {
        if (n == 0) return -1;
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
    }

    public long max() {
        long m = -1;
        for (int i = 0; i < n; i++) m = Math.max(m, values[i]);
        return m;
    }

    /** count, p50, p99, max. */
    public Summary summary() {
        return new Summary(n, percentile(50), percentile(99), max());
    }

    /** Emulated milliseconds; -1 when there is no value. */
    public record Summary(int count, long p50Ms, long p99Ms, long maxMs) {}
}
