package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Backup Service of one pair (spec §3.2, §8 item 11). */
class BackupServiceTest {

    private static final long INTERVAL = 120_000;

    private static BackupService service() {
        return new BackupService("pool-a", "site-a", "pool-b", "site-b", INTERVAL, 0);
    }

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static WriteRecord write(long id, String home, long ms) {
        return new WriteRecord(id, 0, home, home, ms);
    }

    private static List<BackupState> states(List<FailoverEvent> ev) {
        return ev.stream().filter(BackupState.class::isInstance).map(BackupState.class::cast).toList();
    }

    @Test
    void syncIntervalMustBeBetweenFiveSecondsAndThreeHours() {
        assertThatThrownBy(() -> new BackupService("pool-a", "site-a", "pool-b", "site-b", 4_999, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 s to 3 h");
        assertThatThrownBy(() -> new BackupService("pool-a", "site-a", "pool-b", "site-b", 3L * 3600_000 + 1, 0))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(new BackupService("pool-a", "site-a", "pool-b", "site-b", 5_000, 0).intervalMs()).isEqualTo(5_000);
        assertThat(new BackupService("pool-a", "site-a", "pool-b", "site-b", 3L * 3600_000, 0).intervalMs())
                .isEqualTo(3L * 3600_000);
    }

    @Test
    void firstSyncIsDueOneIntervalAfterStart() {
        BackupService s = new BackupService("pool-a", "site-a", "pool-b", "site-b", INTERVAL, 50_000);

        assertThat(s.nextSyncMs()).isEqualTo(170_000);
    }

    @Test
    void tickBeforeTheNextSyncShipsNothing() {
        BackupService s = service();
        s.from("pool-a").record(write(1, "pool-a", 10_000));

        List<FailoverEvent> ev = s.tick(at(INTERVAL - 1), false, true, true);

        assertThat(ev).isEmpty();
        assertThat(s.from("pool-a").pendingCount()).isEqualTo(1);
        assertThat(s.from("pool-a").shippedCount()).isZero();
        assertThat(s.from("pool-a").state()).isEqualTo(ReplicationDirection.State.STEADY);
        assertThat(s.nextSyncMs()).isEqualTo(INTERVAL);
    }

    @Test
    void syncWithThePoolsUpShipsEveryPendingWrite() {
        BackupService s = service();
        s.from("pool-a").record(write(1, "pool-a", 10_000));
        s.from("pool-a").record(write(2, "pool-a", 20_000));

        List<FailoverEvent> ev = s.tick(at(INTERVAL), true, true, true);

        assertThat(states(ev)).isEmpty(); // it was steady and stays steady
        assertThat(s.from("pool-a").pendingCount()).isZero();
        assertThat(s.from("pool-a").shippedCount()).isEqualTo(2);
        assertThat(s.from("pool-a").lastCompletedSyncMs()).isEqualTo(INTERVAL);
        assertThat(s.from("pool-a").lagMs(INTERVAL + 5_000)).isZero();
        assertThat(s.nextSyncMs()).isEqualTo(2 * INTERVAL);
    }

    @Test
    void syncWithAPoolDownGoesToBacklogWithLagAndPendingBothWays() {
        BackupService s = service();
        s.from("pool-a").record(write(1, "pool-a", 30_000));
        s.from("pool-a").record(write(2, "pool-a", 60_000));

        List<BackupState> ev = states(s.tick(at(INTERVAL), true, false, true));

        assertThat(ev).hasSize(2);
        BackupState aToB = ev.stream().filter(e -> e.fromPool().equals("pool-a")).findFirst().orElseThrow();
        assertThat(aToB.toPool()).isEqualTo("pool-b");
        assertThat(aToB.state()).isEqualTo("backlog");
        assertThat(aToB.pending()).isEqualTo(2);
        assertThat(aToB.lagMs()).isEqualTo(INTERVAL - 30_000);
        assertThat(aToB.module()).isEqualTo("UserServices.PresenceFocus");
        assertThat(aToB.where().site()).isEqualTo("site-a");
        BackupState bToA = ev.stream().filter(e -> e.fromPool().equals("pool-b")).findFirst().orElseThrow();
        assertThat(bToA.state()).isEqualTo("backlog");
        assertThat(bToA.pending()).isZero();
        assertThat(s.from("pool-a").pendingCount()).isEqualTo(2);
        assertThat(s.from("pool-a").lastCompletedSyncMs()).isZero();
    }

    @Test
    void linkDownAlsoBacklogs() {
        BackupService s = service();

        List<BackupState> ev = states(s.tick(at(INTERVAL), true, true, false));

        assertThat(ev).extracting(BackupState::state).containsExactly("backlog", "backlog");
    }

    @Test
    void backlogReturnsToSteadyWhenBothPoolsAreUpAgain() {
        BackupService s = service();
        s.from("pool-a").record(write(1, "pool-a", 30_000));
        s.tick(at(INTERVAL), false, true, true);

        List<BackupState> ev = states(s.tick(at(2 * INTERVAL), true, true, true));

        assertThat(ev).extracting(BackupState::state).containsExactly("steady", "steady");
        assertThat(ev).allSatisfy(e -> {
            assertThat(e.lagMs()).isZero();
            assertThat(e.pending()).isZero();
        });
        assertThat(s.from("pool-a").shippedCount()).isEqualTo(1);
        assertThat(s.from("pool-a").state()).isEqualTo(ReplicationDirection.State.STEADY);
    }

    @Test
    void backlogThatStaysBacklogIsNotReportedAgain() {
        BackupService s = service();
        s.tick(at(INTERVAL), false, true, true);

        assertThat(states(s.tick(at(2 * INTERVAL), false, true, true))).isEmpty();
        assertThat(s.from("pool-a").state()).isEqualTo(ReplicationDirection.State.BACKLOG);
    }

    @Test
    void lagOfADirectionIsTheAgeOfItsOldestPendingWrite() {
        BackupService s = service();
        ReplicationDirection d = s.from("pool-b");
        assertThat(d.lagMs(100_000)).isZero();

        d.record(write(1, "pool-b", 40_000));
        d.record(write(2, "pool-b", 90_000));

        assertThat(d.lagMs(100_000)).isEqualTo(60_000);
        assertThat(s.from("pool-a").lagMs(100_000)).isZero();
    }

    @Test
    void readOnlySourceRefusesWritesAndItsNextSyncIsFinal() {
        BackupService s = service();
        ReplicationDirection d = s.from("pool-a");
        assertThat(d.record(write(1, "pool-a", 1_000))).isTrue();
        d.setSourceReadOnly(true);

        assertThat(d.record(write(2, "pool-a", 2_000))).isFalse();
        List<BackupState> ev = states(s.syncNow(at(3_000), true, true, true));

        assertThat(ev).filteredOn(e -> e.fromPool().equals("pool-a")).extracting(BackupState::state).containsExactly("final");
        assertThat(d.shippedCount()).isEqualTo(1);
        assertThat(d.pendingCount()).isZero();
    }

    @Test
    void syncNowRunsAtOnceAndRestartsTheInterval() {
        BackupService s = service();
        s.from("pool-a").record(write(1, "pool-a", 1_000));

        s.syncNow(at(10_000), true, true, true);

        assertThat(s.from("pool-a").shippedCount()).isEqualTo(1);
        assertThat(s.nextSyncMs()).isEqualTo(10_000 + INTERVAL);
    }

    @Test
    void cutOffReturnsTheUnshippedWritesOldestFirstAndEmptiesTheQueue() {
        BackupService s = service();
        ReplicationDirection d = s.from("pool-a");
        d.record(write(1, "pool-a", 1_000));
        s.tick(at(INTERVAL), true, true, true);
        d.record(write(2, "pool-a", 130_000));
        d.record(write(3, "pool-a", 140_000));

        List<WriteRecord> lost = d.cutOff();

        assertThat(lost).extracting(WriteRecord::id).containsExactly(2L, 3L);
        assertThat(d.pendingCount()).isZero();
        assertThat(d.shippedCount()).isEqualTo(1);
    }

    @Test
    void conferenceContentIsShippedOnlyByASyncThatCanRun() {
        BackupService s = service();
        s.contentWritten("pool-b");
        s.contentWritten("pool-b");
        s.contentWritten("pool-a");
        assertThat(s.contentUnshipped("pool-b")).isEqualTo(2);

        s.tick(at(INTERVAL), true, false, true);
        assertThat(s.contentUnshipped("pool-b")).isEqualTo(2);
        assertThat(s.contentUnshipped("pool-a")).isEqualTo(1);

        s.tick(at(2 * INTERVAL), true, true, true);
        assertThat(s.contentUnshipped("pool-b")).isZero();
        assertThat(s.contentUnshipped("pool-a")).isZero();
    }

    @Test
    void copyContentHomeCopiesWhatThePartnerHoldsAndReportsTheCount() {
        BackupService s = service();
        s.contentWritten("pool-b");
        s.contentWritten("pool-b");
        s.contentWritten("pool-b");

        assertThat(s.copyContentHome("pool-a")).isEqualTo(3);
        assertThat(s.contentUnshipped("pool-b")).isZero();
        assertThat(s.copyContentHome("pool-a")).isZero();
    }

    @Test
    void contentOfFailedOverUsersWaitsOnTheBackupPoolUntilCopiedHome() {
        BackupService s = service();
        s.contentWritten("pool-b", "pool-a");
        s.contentWritten("pool-b", "pool-a");
        s.contentWritten("pool-b");

        s.tick(at(INTERVAL), true, true, true);
        s.syncNow(at(INTERVAL + 1), true, true, true);

        assertThat(s.contentUnshipped("pool-b")).isEqualTo(2);
        assertThat(s.copyContentHome("pool-a")).isEqualTo(2);
        assertThat(s.contentUnshipped("pool-b")).isZero();
    }

    @Test
    void aPoolOutsideThePairIsRejected() {
        BackupService s = service();

        assertThatThrownBy(() -> s.from("pool-x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pool-x");
        assertThat(s.partnerOf("pool-a")).isEqualTo("pool-b");
        assertThat(s.partnerOf("pool-b")).isEqualTo("pool-a");
    }
}
