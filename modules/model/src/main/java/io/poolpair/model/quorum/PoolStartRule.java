package io.poolpair.model.quorum;

import java.util.Map;

/**
 * Table B of spec §2.3 (the "85 %" rule): Front Ends that must be up for a pool to start, the very
 * first time and, as advised, on every later start. Used as a lookup table; rows the source does not
 * give (13–15) come from {@link QuorumSettings#startOverrides()}.
 */
public final class PoolStartRule {

    private static final Map<Integer, Integer> TABLE_B = Map.ofEntries(
            Map.entry(1, 1), Map.entry(2, 1), Map.entry(3, 3), Map.entry(4, 3), Map.entry(5, 4), Map.entry(6, 5),
            Map.entry(7, 5), Map.entry(8, 6), Map.entry(9, 7), Map.entry(10, 8), Map.entry(11, 9),
            Map.entry(12, 10), Map.entry(16, 12));

    private PoolStartRule() {}

    /** Servers that must be running for a pool of {@code n} Front Ends to start. */
    public static int requiredToStart(int n, QuorumSettings settings) {
        Integer o = settings.startOverrides().get(n);
        if (o != null) return o;
        Integer v = TABLE_B.get(n);
        if (v != null) return v;
        throw new IllegalArgumentException("no Table B value for a pool of " + n + " Front Ends");
    }

    /** Whether the value for {@code n} comes from the source (false: a documented choice). */
    public static boolean isDocumented(int n) {
        return TABLE_B.containsKey(n);
    }
}
