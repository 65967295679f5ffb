package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord.Type;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SanityCheckerTest {

    @Test
    void aPromotionWithAHigherEpochIsFine() {
        CheckResult r = new H()
                .op(Type.OK, "a/u1", "a", "fe1", 3, 1, false, 1_000)
                .op(Type.OK, "a/u2", "a", "fe2", 3, 2, false, 2_000)
                .op(Type.OK, "a/u1", "a", "fe2", 3, 2, false, 3_000)
                .check(new SanityChecker());
        assertThat(r.valid()).isTrue();
    }

    @Test
    void twoServersAtOneEpochOrAStalePrimaryAreViolations() {
        CheckResult r = new H()
                .op(Type.OK, "a/u1", "a", "fe1", 3, 2, false, 1_000)
                .op(Type.OK, "a/u2", "a", "fe2", 3, 2, false, 2_000)
                .op(Type.OK, "a/u3", "a", "fe3", 3, 3, false, 3_000)
                .op(Type.OK, "a/u4", "a", "fe1", 3, 2, false, 4_000)
                .check(new SanityChecker());
        assertThat(r.valid()).isFalse();
        assertThat(r.findings()).extracting(Finding::kind).containsExactly("two-primaries", "stale-primary");
    }

    @Test
    void aUserServedByTwoPoolsWithoutAMoveIsAViolation() {
        CheckResult ok = new H()
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 1_000)
                .fact("users-moved", "b", "a", 2_000)
                .op(Type.OK, "a/u1", "b", "b-fe1", 1, 1, false, 3_000)
                .check(new SanityChecker());
        assertThat(ok.valid()).isTrue();
        CheckResult bad = new H()
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 1_000)
                .op(Type.OK, "a/u1", "b", "b-fe1", 1, 1, false, 3_000)
                .check(new SanityChecker());
        assertThat(bad.findings()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("two-homes"));
    }

    @Test
    void servingARoutingGroupWhileThePoolLacksQuorumIsAViolation() {
        CheckResult r = new H()
                .fact("pool-quorum-lost", "a", null, 1_000)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 2_000)
                .fact("pool-quorum-regained", "a", null, 5_000)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 6_000)
                .check(new SanityChecker());
        assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("served-without-quorum"));
    }

    @Test
    void anAnswerServedBeforeTheQuorumLossButHeardAfterItIsFine() {
        H h = new H().fact("pool-quorum-lost", "a", null, 1_000);
        h.records.add(new io.poolpair.model.history.HistoryRecord.ClientOp(Type.OK, "a/u1", "a", "im", -1, null, "a", "a-fe1",
                1, 1, null, false, 990, 1_020, 1_020));
        assertThat(h.check(new SanityChecker()).valid()).isTrue();
    }

    @Test
    void onlyAVerbRunWithForceTrueExcusesADoubleHomeAndOnlyForAWhile() {
        CheckResult notForced = new H().admin("failover-cms", "{force=false}", 500)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 1_000)
                .op(Type.OK, "a/u1", "b", "b-fe1", 1, 1, false, 3_000)
                .check(new SanityChecker());
        assertThat(notForced.valid()).isFalse();
        CheckResult forced = new H().admin("drain-server", "{force=true, server=a-fe1}", 500)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 1_000)
                .op(Type.OK, "a/u1", "b", "b-fe1", 1, 1, false, 3_000)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 1, false, 900_000)
                .check(new SanityChecker());
        assertThat(forced.findings()).extracting(Finding::kind).containsExactly("forced-double-home", "two-homes");
    }
}
