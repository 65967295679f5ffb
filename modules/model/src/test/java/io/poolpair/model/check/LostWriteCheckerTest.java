package io.poolpair.model.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LostWriteCheckerTest {

    @Test
    void everyAcknowledgedWriteReadBackIsValid() {
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 1_000).write("a/u1", 2, "a", 3, 2_000).write("b/u9", 3, "b", 0, 2_500)
                .read("a/u1", 10_000, 1, 2).read("b/u9", 10_000, 3)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.figures()).containsEntry("acknowledged-writes", 2.0 + 1).containsEntry("lost-writes", 0.0);
    }

    @Test
    void aMissingWriteOutsideAnyWindowFailsTheRun() {
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 1_000).write("a/u1", 2, "a", 3, 2_000)
                .read("a/u1", 10_000, 1)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isFalse();
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("unexplained-lost-write");
            assertThat(f.message()).contains("a/u1").contains("write 2");
        });
        assertThat(r.figures()).containsEntry("unexplained-lost-writes", 1.0);
    }

    @Test
    void writesAfterTheLastSyncMayBeLostInADisasterFailoverWithTheMeasuredRpo() {
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 100_000)      // shipped by the sync at 120 s
                .write("a/u1", 2, "a", 3, 150_000)      // after it: at risk
                .write("a/u2", 3, "a", 4, 230_000)
                .window("disaster-failover", "a", null, -1, 120_000, 400_000)
                .read("a/u1", 500_000, 1).read("a/u2", 500_000)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.figures()).containsEntry("lost-writes", 2.0).containsEntry("rpo", 80_000.0);
    }

    @Test
    void aPoolThatWasDownBeforeTheDisasterDoesNotStretchTheMeasuredRpo() {
        // last sync at 100 s, the pool down from 110 s to 400 s (no writes), back, then lost at 480 s
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 420_000).write("a/u1", 2, "a", 3, 470_000)
                .window("disaster-failover", "a", null, -1, 100_000, 600_000)
                .read("a/u1", 700_000)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.figures()).containsEntry("rpo", 50_000.0);
    }

    @Test
    void aWindowOnlyCoversItsPoolGroupAndTime() {
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 150_000)      // group 3: covered by the QuorumLossRecovery window
                .write("a/u1", 2, "a", 4, 150_000)      // group 4: not
                .write("a/u1", 3, "a", 3, 50_000)       // before the group's last flush: not
                .window("quorum-loss-recovery", "a", null, 3, 100_000, 200_000)
                .read("a/u1", 300_000)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isFalse();
        assertThat(r.violations()).isEqualTo(2);
        assertThat(r.findings()).extracting(Finding::message).anyMatch(m -> m.contains("write 2")).anyMatch(m -> m.contains("write 3"));
    }

    @Test
    void aLossWindowThatOutgrowsTheSyncIntervalPlusSlackFailsTheRun() {
        // the link was down: no sync for 10 minutes before the disaster
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "a", 3, 100_000).write("a/u1", 2, "a", 3, 700_000)
                .window("disaster-failover", "a", null, -1, 90_000, 800_000)
                .read("a/u1", 900_000)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isFalse();
        assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("rpo-exceeded"));
        assertThat(r.figures().get("rpo")).isEqualTo(600_000.0);
    }

    @Test
    void aFailedWriteThatShowsUpAnywayAndAWriteNobodyMadeAreViolations() {
        CheckResult r = new H().header(120_000, 30_000)
                .failedWrite("a/u1", 5, 1_000).write("a/u1", 6, "a", 1, 2_000)
                .read("a/u1", 10_000, 5, 6, 99)
                .check(new LostWriteChecker());
        assertThat(r.valid()).isFalse();
        assertThat(r.findings()).extracting(Finding::kind).containsExactlyInAnyOrder("failed-write-present", "phantom-write");
    }

    @Test
    void aWriteWhoseAnswerWasNeverRecordedMayBeReadOrNotButAWriteNeverInvokedIsAPhantom() {
        CheckResult present = new H().header(120_000, 30_000)
                .unanswered("a/u1", 7, 1_000).read("a/u1", 10_000, 7).check(new LostWriteChecker());
        assertThat(present.valid()).isTrue();
        CheckResult absent = new H().header(120_000, 30_000)
                .unanswered("a/u1", 7, 1_000).read("a/u1", 10_000).check(new LostWriteChecker());
        assertThat(absent.valid()).isTrue();
        CheckResult phantom = new H().header(120_000, 30_000)
                .unanswered("a/u1", 7, 1_000).read("a/u1", 10_000, 7, 8).check(new LostWriteChecker());
        assertThat(phantom.findings()).extracting(Finding::kind).containsExactly("phantom-write");
    }

    @Test
    void writesNeverReadBackAreANoticeNotALoss() {
        CheckResult r = new H().header(120_000, 30_000).write("a/u1", 1, "a", 3, 1_000).check(new LostWriteChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.findings()).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Finding.Severity.NOTICE);
            assertThat(f.kind()).isEqualTo("unread-writes");
        });
    }

    @Test
    void aWriteWhoseClientTimedOutMayOrMayNotBeThere() {
        H h = new H().header(120_000, 30_000);
        h.records.add(io.poolpair.model.history.HistoryRecord.ClientOp.invoke("a/u1", "a", "add-contact", 7, 1_000, 1_000));
        h.records.add(new io.poolpair.model.history.HistoryRecord.ClientOp(io.poolpair.model.history.HistoryRecord.Type.INFO,
                "a/u1", "a", "add-contact", 7, null, "a", null, 2, -1, "no answer from a-fe2 (not responding): timed out",
                false, -1, 6_000, 6_000));
        h.records.add(io.poolpair.model.history.HistoryRecord.ClientOp.invoke("a/u2", "a", "add-contact", 8, 1_000, 1_000));
        h.records.add(new io.poolpair.model.history.HistoryRecord.ClientOp(io.poolpair.model.history.HistoryRecord.Type.INFO,
                "a/u2", "a", "add-contact", 8, null, "a", null, 2, -1, "timed out", false, -1, 6_000, 6_000));
        CheckResult r = h.read("a/u1", 10_000).read("a/u2", 10_000, 8).check(new LostWriteChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.figures()).containsEntry("lost-writes", 0.0);
    }

    @Test
    void theRpoOfAPoolIsTheSpanOfItsOwnUsersLostWrites() {
        // a QuorumLossRecovery on pool b, which serves both b's users and a's failed-over users
        CheckResult r = new H().header(120_000, 30_000)
                .write("a/u1", 1, "b", 3, 100_000).write("a/u1", 2, "b", 3, 110_000)
                .write("b/u2", 3, "b", 3, 90_000).write("b/u2", 4, "b", 3, 130_000)
                .window("quorum-loss-recovery", "b", null, 3, 80_000, 140_000)
                .read("a/u1", 200_000).read("b/u2", 200_000)
                .check(new LostWriteChecker());
        assertThat(r.figures()).containsEntry("rpo@a", 10_000.0).containsEntry("rpo@b", 40_000.0)
                .containsEntry("rpo", 40_000.0).containsEntry("lost-writes@a", 2.0);
    }
}
