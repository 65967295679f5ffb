package io.poolpair.model.quorum;

import io.poolpair.model.topology.ProductVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Table A of spec §2.3, row by row, plus the seed scenarios of §8 items 2–4. */
class PoolQuorumRuleTest {

    private static final QuorumSettings DEFAULT = QuorumSettings.DEFAULT;
    private static final QuorumSettings TWELVE_AS_2015 = new QuorumSettings(false, Map.of(13, 11, 14, 12, 15, 12));

    /**
     * Table A written out by hand, independently of the code under test: {poolSize, required, seeds}.
     * "any k" means the seeds are the whole pool.
     */
    private static final int[][] TABLE_A_2015 = {
            {2, 1, 2},
            {3, 2, 3}, {4, 2, 4},
            {5, 3, 5}, {6, 3, 6},
            {7, 4, 7},
            {8, 4, 7}, {9, 4, 7},
            {10, 5, 9}, {11, 5, 9}, {12, 5, 9},
    };

    /** SfB 2019: as 2015 up to 11; 12–16 use "any 7 of the first 12" (12 by default, see QuorumSettings). */
    private static final int[][] TABLE_A_2019 = {
            {2, 1, 2},
            {3, 2, 3}, {4, 2, 4},
            {5, 3, 5}, {6, 3, 6},
            {7, 4, 7},
            {8, 4, 7}, {9, 4, 7},
            {10, 5, 9}, {11, 5, 9},
            {12, 7, 12}, {13, 7, 12}, {14, 7, 12}, {15, 7, 12}, {16, 7, 12},
    };

    private static List<Integer> range(int fromInclusive, int toExclusive) {
        return IntStream.range(fromInclusive, toExclusive).boxed().toList();
    }

    /** Indices 0..n-1 except the given ones. */
    private static List<Integer> allBut(int n, Integer... down) {
        List<Integer> r = new ArrayList<>(range(0, n));
        r.removeAll(List.of(down));
        return r;
    }

    private static List<Integer> subset(int n, int mask) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) if ((mask & (1 << i)) != 0) r.add(i);
        return r;
    }

    // ------------------------------------------------------------------ the table, row by row

    @Test
    @DisplayName("every pool size 2–12 in SfB 2015 matches its Table A row")
    void table2015() {
        for (int[] row : TABLE_A_2015) {
            PoolQuorumRule r = PoolQuorumRule.forPool(row[0], ProductVersion.SFB_2015, DEFAULT);
            assertThat(r.poolSize()).as("pool size for n=%d", row[0]).isEqualTo(row[0]);
            assertThat(r.required()).as("required for n=%d (2015)", row[0]).isEqualTo(row[1]);
            assertThat(r.seeds()).as("seeds for n=%d (2015)", row[0]).isEqualTo(row[2]);
        }
    }

    @Test
    @DisplayName("every pool size 2–16 in SfB 2019 matches its Table A row")
    void table2019() {
        for (int[] row : TABLE_A_2019) {
            PoolQuorumRule r = PoolQuorumRule.forPool(row[0], ProductVersion.SFB_2019, DEFAULT);
            assertThat(r.poolSize()).as("pool size for n=%d", row[0]).isEqualTo(row[0]);
            assertThat(r.required()).as("required for n=%d (2019)", row[0]).isEqualTo(row[1]);
            assertThat(r.seeds()).as("seeds for n=%d (2019)", row[0]).isEqualTo(row[2]);
        }
    }

    @Test
    @DisplayName("the rule reads as people say it")
    void describe() {
        assertThat(PoolQuorumRule.forPool(6, ProductVersion.SFB_2015, DEFAULT).describe()).isEqualTo("any 3 of 6");
        assertThat(PoolQuorumRule.forPool(9, ProductVersion.SFB_2015, DEFAULT).describe()).isEqualTo("any 4 of the first 7");
        assertThat(PoolQuorumRule.forPool(12, ProductVersion.SFB_2015, DEFAULT).describe()).isEqualTo("any 5 of the first 9");
        assertThat(PoolQuorumRule.forPool(16, ProductVersion.SFB_2019, DEFAULT).describe()).isEqualTo("any 7 of the first 12");
    }

    // ------------------------------------------------------------------ §8 scenarios

    @Test
    @DisplayName("2-FE pool: one Front End alone keeps it running, none does not")
    void twoFrontEnds() {
        for (ProductVersion v : ProductVersion.values()) {
            PoolQuorumRule r = PoolQuorumRule.forPool(2, v, DEFAULT);
            assertThat(r.holds(List.of(0))).isTrue();
            assertThat(r.holds(List.of(1))).isTrue();
            assertThat(r.holds(List.of())).isFalse();
        }
    }

    @Test
    @DisplayName("6-FE pool (§8 item 1): 3 running keep quorum, 2 running lose it")
    void sixFrontEnds() {
        for (ProductVersion v : ProductVersion.values()) {
            PoolQuorumRule r = PoolQuorumRule.forPool(6, v, DEFAULT);
            assertThat(r.holds(allBut(6, 0, 1, 2))).isTrue();
            assertThat(r.holds(allBut(6, 3, 4, 5))).isTrue();
            assertThat(r.holds(allBut(6, 0, 1, 2, 3))).isFalse();
        }
    }

    @Test
    @DisplayName("9-FE pool (§8 item 2): servers 1–4 down loses quorum although 5 run")
    void nineFrontEndsSeedsDown() {
        for (ProductVersion v : ProductVersion.values()) {
            PoolQuorumRule r = PoolQuorumRule.forPool(9, v, DEFAULT);
            List<Integer> running = allBut(9, 0, 1, 2, 3);
            assertThat(running).hasSize(5);
            assertThat(r.runningSeeds(running)).isEqualTo(3);
            assertThat(r.holds(running)).isFalse();
        }
    }

    @Test
    @DisplayName("9-FE pool (§8 item 2): servers 8, 9 and 1 down keeps quorum (6 of 7 seeds)")
    void nineFrontEndsNonSeedsDown() {
        for (ProductVersion v : ProductVersion.values()) {
            PoolQuorumRule r = PoolQuorumRule.forPool(9, v, DEFAULT);
            List<Integer> running = allBut(9, 7, 8, 0);
            assertThat(r.runningSeeds(running)).isEqualTo(6);
            assertThat(r.holds(running)).isTrue();
        }
    }

    @Test
    @DisplayName("9-FE pool: the two non-seeds alone do not count at all")
    void nineFrontEndsNonSeedsDoNotCount() {
        PoolQuorumRule r = PoolQuorumRule.forPool(9, ProductVersion.SFB_2015, DEFAULT);
        assertThat(r.holds(List.of(0, 1, 2, 7, 8))).isFalse();
        assertThat(r.holds(List.of(0, 1, 2, 3))).isTrue();
    }

    @Test
    @DisplayName("12-FE pool, SfB 2015 (§8 item 3): needs 5 of the first 9")
    void twelveFrontEnds2015() {
        PoolQuorumRule r = PoolQuorumRule.forPool(12, ProductVersion.SFB_2015, DEFAULT);
        // 7 running, but only 4 among the first 9
        assertThat(r.holds(List.of(0, 1, 2, 3, 9, 10, 11))).isFalse();
        assertThat(r.holds(List.of(0, 1, 2, 3, 4))).isTrue();
        assertThat(r.holds(List.of(4, 5, 6, 7, 8))).isTrue();
        assertThat(r.holds(List.of(4, 5, 6, 7, 9, 10, 11))).isFalse();
    }

    @Test
    @DisplayName("12-FE pool, SfB 2019: the 2019 row (7 of the first 12) applies by default")
    void twelveFrontEnds2019Default() {
        PoolQuorumRule r = PoolQuorumRule.forPool(12, ProductVersion.SFB_2019, DEFAULT);
        assertThat(r.required()).isEqualTo(7);
        assertThat(r.seeds()).isEqualTo(12);
        assertThat(r.holds(range(0, 5))).isFalse();
        assertThat(r.holds(range(0, 6))).isFalse();
        assertThat(r.holds(range(0, 7))).isTrue();
        assertThat(r.holds(range(5, 12))).isTrue();
    }

    @Test
    @DisplayName("12-FE pool, SfB 2019: the 2015 row (5 of the first 9) when twelveFrontEnds2019FirstTwelve is false")
    void twelveFrontEnds2019AsIn2015() {
        PoolQuorumRule r = PoolQuorumRule.forPool(12, ProductVersion.SFB_2019, TWELVE_AS_2015);
        assertThat(r.required()).isEqualTo(5);
        assertThat(r.seeds()).isEqualTo(9);
        assertThat(r.holds(range(0, 5))).isTrue();
        assertThat(r.holds(List.of(0, 1, 2, 3, 9, 10, 11))).isFalse();
        // the setting only concerns 12 Front Ends: 13–16 keep the 2019 row
        assertThat(PoolQuorumRule.forPool(13, ProductVersion.SFB_2019, TWELVE_AS_2015).required()).isEqualTo(7);
        // and 2015 is unaffected either way
        assertThat(PoolQuorumRule.forPool(12, ProductVersion.SFB_2015, TWELVE_AS_2015).required()).isEqualTo(5);
    }

    @Test
    @DisplayName("16-FE pool, SfB 2019 (§8 item 4): needs 7 of the first 12")
    void sixteenFrontEnds2019() {
        PoolQuorumRule r = PoolQuorumRule.forPool(16, ProductVersion.SFB_2019, DEFAULT);
        List<Integer> sixSeedsAndAllOthers = new ArrayList<>(range(0, 6));
        sixSeedsAndAllOthers.addAll(range(12, 16));
        assertThat(sixSeedsAndAllOthers).hasSize(10);
        assertThat(r.holds(sixSeedsAndAllOthers)).isFalse();
        assertThat(r.holds(range(0, 7))).isTrue();
        assertThat(r.holds(range(5, 12))).isTrue();
        assertThat(r.holds(range(6, 16))).isFalse();
    }

    @Test
    @DisplayName("indices outside the pool never count")
    void outOfRangeIgnored() {
        PoolQuorumRule r = PoolQuorumRule.forPool(3, ProductVersion.SFB_2015, DEFAULT);
        assertThat(r.holds(List.of(0, -1, 3, 7))).isFalse();
        assertThat(r.runningSeeds(List.of(0, -1, 3, 7))).isEqualTo(1);
    }

    // ------------------------------------------------------------------ exhaustive, n ≤ 12

    private static void exhaustive(int[][] table, ProductVersion v, QuorumSettings s) {
        for (int[] row : table) {
            int n = row[0];
            if (n > 12) continue;
            int required = row[1];
            int seeds = row[2];
            PoolQuorumRule r = PoolQuorumRule.forPool(n, v, s);
            for (int mask = 0; mask < (1 << n); mask++) {
                List<Integer> running = subset(n, mask);
                long seedsUp = running.stream().filter(i -> i < seeds).count();
                assertThat(r.holds(running))
                        .as("n=%d %s running=%s", n, v.label(), running)
                        .isEqualTo(seedsUp >= required);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProductVersion.class)
    @DisplayName("for every subset of running servers (n ≤ 12), holds() equals the table")
    void exhaustiveSubsets(ProductVersion v) {
        exhaustive(v == ProductVersion.SFB_2015 ? TABLE_A_2015 : TABLE_A_2019, v, DEFAULT);
    }

    @Test
    @DisplayName("for every subset, a 12-FE 2019 pool follows the 2015 row when configured so")
    void exhaustiveTwelve2019As2015() {
        exhaustive(new int[][] {{12, 5, 9}}, ProductVersion.SFB_2019, TWELVE_AS_2015);
    }
}
