package io.poolpair.model.quorum;

import io.poolpair.model.topology.ProductVersion;

import java.util.Collection;

/**
 * Table A of spec §2.3: how many Front Ends must be running, among the first {@code seeds} servers
 * (in first-start order), for a pool to keep functioning.
 *
 * @param poolSize  Front Ends in the pool
 * @param required  servers that must be running
 * @param seeds     how many of the first servers count (equal to poolSize for "any k")
 */
public record PoolQuorumRule(int poolSize, int required, int seeds) {

    /** The Table A row for a pool of {@code n} Front Ends. */
    public static PoolQuorumRule forPool(int n, ProductVersion version, QuorumSettings settings) {
        if (n < 1) throw new IllegalArgumentException("pool size must be >= 1: " + n);
        if (n == 1) return new PoolQuorumRule(1, 1, 1);
        if (n == 2) return new PoolQuorumRule(2, 1, 2);
        if (n <= 4) return new PoolQuorumRule(n, 2, n);
        if (n <= 6) return new PoolQuorumRule(n, 3, n);
        if (n == 7) return new PoolQuorumRule(7, 4, 7);
        if (n <= 9) return new PoolQuorumRule(n, 4, 7);
        boolean row2019 = version == ProductVersion.SFB_2019
                && (n > 12 || (n == 12 && settings.twelveFrontEnds2019FirstTwelve()));
        if (row2019) return new PoolQuorumRule(n, 7, 12);
        if (n <= 12) return new PoolQuorumRule(n, 5, 9);
        // 13-16 exist only in 2019; a 2015 topology never gets here after validation, but stay total.
        return new PoolQuorumRule(n, 7, 12);
    }

    /** Whether the pool keeps quorum with these servers running (0-based indices in first-start order). */
    public boolean holds(Collection<Integer> running) {
        return runningSeeds(running) >= required;
    }

    /** Running servers that count toward this rule (those among the first {@code seeds}). */
    public int runningSeeds(Collection<Integer> running) {
        int c = 0;
        for (int i : running) if (i >= 0 && i < seeds) c++;
        return c;
    }

    /** The rule as people say it: "any 3", "any 4 of the first 7". */
    public String describe() {
        return seeds == poolSize ? "any " + required + " of " + poolSize : "any " + required + " of the first " + seeds;
    }
}
