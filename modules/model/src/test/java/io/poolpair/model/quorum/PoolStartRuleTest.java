package io.poolpair.model.quorum;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table B of spec §2.3 (the "85 %" rule) and the settings that fill its gaps. */
class PoolStartRuleTest {

    /** Table B as documented, written out by hand: {poolSize, mustBeUp}. */
    private static final int[][] TABLE_B = {
            {2, 1}, {3, 3}, {4, 3}, {5, 4}, {6, 5}, {7, 5}, {8, 6}, {9, 7}, {10, 8}, {11, 9}, {12, 10}, {16, 12},
    };

    @Test
    @DisplayName("every documented pool size matches Table B")
    void documentedSizes() {
        for (int[] row : TABLE_B) {
            assertThat(PoolStartRule.requiredToStart(row[0], QuorumSettings.DEFAULT))
                    .as("Front Ends needed to start a pool of %d", row[0]).isEqualTo(row[1]);
            assertThat(PoolStartRule.isDocumented(row[0])).as("documented %d", row[0]).isTrue();
        }
    }

    @Test
    @DisplayName("13–15 Front Ends are not in the source and come from the settings (11, 12, 12 by default)")
    void undocumentedSizesFromSettings() {
        assertThat(PoolStartRule.requiredToStart(13, QuorumSettings.DEFAULT)).isEqualTo(11);
        assertThat(PoolStartRule.requiredToStart(14, QuorumSettings.DEFAULT)).isEqualTo(12);
        assertThat(PoolStartRule.requiredToStart(15, QuorumSettings.DEFAULT)).isEqualTo(12);
        for (int n = 13; n <= 15; n++) assertThat(PoolStartRule.isDocumented(n)).as("documented %d", n).isFalse();
    }

    @Test
    @DisplayName("settings for 13–15 are used as given")
    void undocumentedSizesCustom() {
        QuorumSettings s = new QuorumSettings(true, Map.of(13, 10, 14, 11, 15, 13));
        assertThat(PoolStartRule.requiredToStart(13, s)).isEqualTo(10);
        assertThat(PoolStartRule.requiredToStart(14, s)).isEqualTo(11);
        assertThat(PoolStartRule.requiredToStart(15, s)).isEqualTo(13);
    }

    @Test
    @DisplayName("an override replaces a documented value, and only for its size")
    void overrideDocumented() {
        QuorumSettings s = new QuorumSettings(true, Map.of(12, 9, 6, 4));
        assertThat(PoolStartRule.requiredToStart(12, s)).isEqualTo(9);
        assertThat(PoolStartRule.requiredToStart(6, s)).isEqualTo(4);
        assertThat(PoolStartRule.requiredToStart(11, s)).isEqualTo(9);
        assertThat(PoolStartRule.requiredToStart(16, s)).isEqualTo(12);
    }

    @Test
    @DisplayName("a size with neither a table value nor a setting is an error, not a guess")
    void missingSize() {
        QuorumSettings none = new QuorumSettings(true, Map.of());
        assertThatThrownBy(() -> PoolStartRule.requiredToStart(13, none))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("13");
        assertThatThrownBy(() -> PoolStartRule.requiredToStart(17, QuorumSettings.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("Table B is not a formula: neither ceil nor round of 0.85·N fits every row")
    void notAFormula() {
        boolean ceilFits = true;
        boolean roundFits = true;
        for (int[] row : TABLE_B) {
            int got = PoolStartRule.requiredToStart(row[0], QuorumSettings.DEFAULT);
            ceilFits &= got == (int) Math.ceil(0.85 * row[0]);
            roundFits &= got == (int) Math.round(0.85 * row[0]);
        }
        assertThat(ceilFits).isFalse();
        assertThat(roundFits).isFalse();
    }

    @Test
    @DisplayName("the start rule never asks for fewer servers than pool quorum (Table A)")
    void startAtLeastQuorum() {
        for (int[] row : TABLE_B) {
            for (var v : io.poolpair.model.topology.ProductVersion.values()) {
                if (row[0] > v.maxFrontEndsPerPool()) continue;
                PoolQuorumRule q = PoolQuorumRule.forPool(row[0], v, QuorumSettings.DEFAULT);
                assertThat(row[1]).as("n=%d %s", row[0], v.label()).isGreaterThanOrEqualTo(q.required());
            }
        }
    }
}
