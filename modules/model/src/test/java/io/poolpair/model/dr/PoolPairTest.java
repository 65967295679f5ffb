package io.poolpair.model.dr;

import io.poolpair.model.dr.PoolPair.DrState;
import io.poolpair.model.dr.PoolPair.Outcome;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.NotReplicated;
import io.poolpair.model.event.FailoverEvent.OperationsRefused;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Two paired pools through failure, Registrar resiliency, failover and failback (spec §3, §4, §5.4; §8 items 8,
 * 11, 12, 13, 14 and 18). Times are emulated milliseconds; DrSettings.DEFAULT unless said otherwise: failure
 * detection 120 s, failback detection 240 s, sync every 120 s, failover 120 s, failback 600 s per 20,000 users,
 * back-end threshold 30 min.
 */
class PoolPairTest {

    private static final String A = "pool-a";
    private static final String B = "pool-b";
    private static final int USERS_A = 10_000;
    private static final int USERS_B = 12_000;
    private static final DrSettings DEFAULT = DrSettings.DEFAULT;
    private static final long DETECT = 120_000;
    private static final long FAILBACK_DETECT = 240_000;
    private static final long FAILOVER = 120_000;
    /** 600 s per 20,000 users, for 10,000 users */
    private static final long FAILBACK_A = 300_000;
    private static final long BACK_END_THRESHOLD = 1_800_000;

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static PoolPair pair(DrSettings settings) {
        PoolPair p = new PoolPair(A, "site-a", USERS_A, B, "site-b", USERS_B, settings, 0);
        p.poolServing(A, true, at(0));
        p.poolServing(B, true, at(0));
        return p;
    }

    private static PoolPair pair() { return pair(DEFAULT); }

    private static <T> List<T> of(List<FailoverEvent> ev, Class<T> type) {
        return ev.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static List<UsersMoved> moves(List<FailoverEvent> ev) { return of(ev, UsersMoved.class); }

    /** A dies at {@code diesAt}, failover (disaster mode) at {@code failoverAt}, completed by a tick. */
    private static PoolPair failedOver(long diesAt, long failoverAt) {
        PoolPair p = pair();
        p.poolServing(A, false, at(diesAt));
        assertThat(p.failover(A, true, true, at(failoverAt)).refused()).isFalse();
        p.tick(at(failoverAt + FAILOVER), true);
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
        return p;
    }

    // ------------------------------------------------------------------ start-up

    @Test
    void usersAreSignedOutUntilTheirHomePoolRunsThenNormalAtHome() {
        PoolPair p = new PoolPair(A, "site-a", USERS_A, B, "site-b", USERS_B, DEFAULT, 0);
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);

        List<UsersMoved> m = moves(p.poolServing(A, true, at(0)));

        assertThat(m).singleElement().satisfies(e -> {
            assertThat(e.users()).isEqualTo(USERS_A);
            assertThat(e.fromMode()).isEqualTo("signed-out");
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(A);
        });
        assertThat(p.servedBy(A)).isEqualTo(A);
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
    }

    // ------------------------------------------------------------------ §8 item 8: pool failure and Registrar resiliency

    @Test
    void aDyingPoolSignsItsUsersOutAndDropsParkedCalls() {
        PoolPair p = pair();

        List<FailoverEvent> ev = p.poolServing(A, false, at(1_000));

        assertThat(moves(ev)).singleElement().satisfies(e -> {
            assertThat(e.where().pool()).isEqualTo(A);
            assertThat(e.users()).isEqualTo(USERS_A);
            assertThat(e.fromMode()).isEqualTo("normal");
            assertThat(e.toMode()).isEqualTo("signed-out");
            assertThat(e.servedBy()).isNull();
        });
        assertThat(of(ev, NotReplicated.class)).singleElement().satisfies(e -> {
            assertThat(e.what()).isEqualTo("call park");
            assertThat(e.consequence()).contains("disconnected");
        });
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);
        assertThat(p.servedBy(A)).isNull();
        assertThat(p.mode(B)).isEqualTo(UserMode.NORMAL);
    }

    @Test
    void afterFailureDetectionUsersReachTheBackupPoolInResiliencyMode() {
        PoolPair p = pair();
        p.poolServing(A, false, at(1_000));

        assertThat(moves(p.tick(at(1_000 + DETECT - 1), true))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);

        List<UsersMoved> m = moves(p.tick(at(1_000 + DETECT), true));

        assertThat(m).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("signed-out");
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(B);
        });
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.servedBy(A)).isEqualTo(B);
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
    }

    @Test
    void nextDueTimeIncludesTheFailureDetectionTimer() {
        PoolPair p = pair(DEFAULT.withSyncIntervalMs(3L * 3600_000));
        p.poolServing(A, false, at(10_000));

        assertThat(p.nextDueMs()).isEqualTo(10_000 + DETECT);
    }

    @Test
    void poolFailoverIsNeverAutomatic() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        List<FailoverEvent> all = new ArrayList<>();
        for (long t = 10_000; t <= 4 * 3_600_000; t += 10_000) all.addAll(p.tick(at(t), true));

        assertThat(of(all, PoolFailoverState.class)).isEmpty();
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.autoFailoverDue(at(4 * 3_600_000))).isEmpty();
    }

    @Test
    void withRelogonRejectUsersStaySignedOutAfterFailureDetection() {
        PoolPair p = pair(DEFAULT.withRelogon(DrSettings.Relogon.REJECT));
        p.poolServing(A, false, at(0));

        List<FailoverEvent> ev = new ArrayList<>(p.tick(at(DETECT), true));
        ev.addAll(p.tick(at(10 * DETECT), true));

        assertThat(moves(ev)).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);
        assertThat(p.servedBy(A)).isNull();
    }

    @Test
    void fullServiceOnTheBackupPoolOnlyOnceTheAdminFailoverCompletes() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.tick(at(DETECT), true);

        AdminResult r = p.failover(A, true, true, at(200_000));
        assertThat(r.refused()).isFalse();
        assertThat(of(r.events(), PoolFailoverState.class)).extracting(PoolFailoverState::from, PoolFailoverState::to)
                .containsExactly(tuple("Active", "FailingOver"));
        assertThat(p.state(A)).isEqualTo(DrState.FAILING_OVER);
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);

        assertThat(moves(p.tick(at(200_000 + FAILOVER - 1), true))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);

        List<FailoverEvent> done = p.tick(at(200_000 + FAILOVER), true);
        assertThat(moves(done)).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("resiliency");
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(B);
            assertThat(e.users()).isEqualTo(USERS_A);
        });
        assertThat(of(done, PoolFailoverState.class)).extracting(PoolFailoverState::from, PoolFailoverState::to)
                .containsExactly(tuple("FailingOver", "FailedOver"));
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy(A)).isEqualTo(B);
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
    }

    @Test
    void failoverStartedBeforeTheDetectionTimerPutsUsersInResiliencyAtOnce() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        AdminResult r = p.failover(A, true, true, at(30_000));

        assertThat(moves(r.events())).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("signed-out");
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(B);
        });
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        // the detection timer no longer does anything
        assertThat(moves(p.tick(at(DETECT), true))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        // and the failover still completes on its own schedule
        assertThat(moves(p.tick(at(30_000 + FAILOVER), true))).extracting(UsersMoved::toMode).containsExactly("normal");
    }

    @Test
    void withRelogonRejectUsersStaySignedOutUntilTheFailoverCompletes() {
        PoolPair p = pair(DEFAULT.withRelogon(DrSettings.Relogon.REJECT));
        p.poolServing(A, false, at(0));

        AdminResult r = p.failover(A, true, true, at(30_000));

        assertThat(moves(r.events())).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);
        assertThat(moves(p.tick(at(30_000 + FAILOVER), true))).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("signed-out");
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(B);
        });
    }

    @Test
    void poolBackBeforeTheDetectionTimerServesItsUsersAtHomeAgain() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        List<UsersMoved> back = moves(p.poolServing(A, true, at(60_000)));

        assertThat(back).singleElement().satisfies(e -> {
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(A);
        });
        assertThat(moves(p.tick(at(DETECT), true))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy(A)).isEqualTo(A);
    }

    @Test
    void registrarFailbackDetectionReturnsUsersHomeAfterTheInterval() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.tick(at(DETECT), true);
        assertThat(p.servedBy(A)).isEqualTo(B);

        assertThat(moves(p.poolServing(A, true, at(500_000)))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.servedBy(A)).isEqualTo(B);
        assertThat(moves(p.tick(at(500_000 + FAILBACK_DETECT - 1), true))).isEmpty();

        List<UsersMoved> home = moves(p.tick(at(500_000 + FAILBACK_DETECT), true));

        assertThat(home).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("resiliency");
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(A);
        });
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
    }

    @Test
    void usersOfADeadPoolReachTheBackupRegistrarWhenItReturnsAfterTheDetectionTimer() {
        PoolPair p = pair();
        p.poolServing(B, false, at(0));
        p.poolServing(A, false, at(10_000));
        p.tick(at(10_000 + DETECT), true); // timer expires while the backup pool is down too
        assertThat(p.mode(A)).isEqualTo(UserMode.SIGNED_OUT);

        List<FailoverEvent> ev = p.poolServing(B, true, at(400_000));

        assertThat(moves(ev)).filteredOn(e -> e.where().pool().equals(A)).singleElement().satisfies(e -> {
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(B);
        });
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
    }

    // ------------------------------------------------------------------ failover refusals

    @Test
    void failoverIsRefusedWhenTheBackupPoolIsNotRunning() {
        PoolPair p = pair();
        p.poolServing(B, false, at(0));
        p.poolServing(A, false, at(1_000));

        AdminResult r = p.failover(A, true, true, at(2_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains("backup pool " + B + " is not running");
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(AdminVerbRefused.class, e -> {
            assertThat(e.verb()).isEqualTo("failover-pool");
            assertThat(e.where().pool()).isEqualTo(A);
        });
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
    }

    @Test
    void failoverWithoutDisasterModeNeedsTheHomePoolUp() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        AdminResult r = p.failover(A, false, true, at(1_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains("disaster");
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
    }

    @Test
    void aSecondFailoverOfTheSamePoolIsRefused() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.failover(A, true, true, at(1_000));

        AdminResult during = p.failover(A, true, true, at(2_000));
        p.tick(at(1_000 + FAILOVER), true);
        AdminResult after = p.failover(A, true, true, at(1_000 + FAILOVER + 1));

        assertThat(during.refused()).isTrue();
        assertThat(during.message()).contains("FailingOver");
        assertThat(after.refused()).isTrue();
        assertThat(after.message()).contains("FailedOver");
    }

    // ------------------------------------------------------------------ §8 item 11: data loss

    @Test
    void plannedFailoverMakesTheSourceReadOnlyShipsAFinalSyncAndLosesNothing() {
        PoolPair p = pair();
        Outcome w1 = p.attempt(A, 1, Operation.ADD_CONTACT, at(10_000));
        Outcome w2 = p.attempt(A, 2, Operation.SCHEDULE_MEETING, at(20_000));
        assertThat(w1.ok()).isTrue();
        assertThat(w2.ok()).isTrue();

        AdminResult r = p.failover(A, false, true, at(30_000));

        assertThat(r.refused()).isFalse();
        assertThat(of(r.events(), BackupState.class)).filteredOn(e -> e.fromPool().equals(A)).singleElement()
                .satisfies(e -> {
                    assertThat(e.state()).isEqualTo("final");
                    assertThat(e.toPool()).isEqualTo(B);
                    assertThat(e.pending()).isZero();
                });
        assertThat(of(r.events(), DataLost.class)).isEmpty();
        assertThat(p.backup().from(A).shippedCount()).isEqualTo(2);
        assertThat(p.backup().from(A).pendingCount()).isZero();

        Outcome refused = p.attempt(A, 3, Operation.ADD_CONTACT, at(40_000));
        assertThat(refused.ok()).isFalse();
        assertThat(refused.refusal()).contains("read-only");
        assertThat(refused.write()).isNull();
        assertThat(p.attempt(A, 3, Operation.IM, at(40_000)).ok()).isTrue();

        List<FailoverEvent> done = p.tick(at(30_000 + FAILOVER), true);
        assertThat(of(done, DataLost.class)).isEmpty();
        assertThat(p.lostWrites()).isEmpty();
        assertThat(p.servedBy(A)).isEqualTo(B);
        Outcome onBackup = p.attempt(A, 4, Operation.ADD_CONTACT, at(200_000));
        assertThat(onBackup.ok()).isTrue();
        assertThat(onBackup.write().servedBy()).isEqualTo(B);
        assertThat(onBackup.write().homePool()).isEqualTo(A);
    }

    @Test
    void disasterFailoverLosesExactlyTheWritesAfterTheLastCompletedSync() {
        PoolPair p = pair();
        WriteRecord s1 = p.attempt(A, 1, Operation.ADD_CONTACT, at(10_000)).write();
        WriteRecord s2 = p.attempt(A, 2, Operation.ADD_CONTACT, at(50_000)).write();
        p.tick(at(120_000), true); // completed sync: s1, s2 shipped
        WriteRecord l1 = p.attempt(A, 3, Operation.ADD_CONTACT, at(130_000)).write();
        WriteRecord l2 = p.attempt(A, 4, Operation.SCHEDULE_MEETING, at(150_000)).write();
        WriteRecord l3 = p.attempt(A, 5, Operation.CREATE_CONFERENCE, at(170_000)).write();
        p.poolServing(A, false, at(180_000));
        p.tick(at(240_000), true); // sync cannot run: backlog, nothing shipped

        AdminResult r = p.failover(A, true, true, at(250_000));

        assertThat(of(r.events(), DataLost.class)).singleElement().satisfies(e -> {
            assertThat(e.writes()).isEqualTo(3);
            assertThat(e.windowFromEmulatedMs()).isEqualTo(130_000);
            assertThat(e.windowToEmulatedMs()).isEqualTo(170_000);
            assertThat(e.where().pool()).isEqualTo(A);
        });
        assertThat(p.lostWrites()).containsExactly(l1, l2, l3);
        assertThat(p.lostWrites()).doesNotContain(s1, s2);
        assertThat(p.backup().from(A).shippedCount()).isEqualTo(2);
    }

    @Test
    void disasterFailoverRightAfterACompletedSyncLosesNothing() {
        PoolPair p = pair();
        p.attempt(A, 1, Operation.ADD_CONTACT, at(10_000));
        p.tick(at(120_000), true);
        p.poolServing(A, false, at(121_000));

        AdminResult r = p.failover(A, true, true, at(122_000));

        assertThat(of(r.events(), DataLost.class)).isEmpty();
        assertThat(p.lostWrites()).isEmpty();
    }

    @Test
    void writesOfTheBackupPoolsOwnUsersAreNotLostByAFailoverOfThePartner() {
        PoolPair p = pair();
        WriteRecord own = p.attempt(B, 1, Operation.ADD_CONTACT, at(10_000)).write();
        p.attempt(A, 1, Operation.ADD_CONTACT, at(20_000));
        p.poolServing(A, false, at(30_000));

        p.failover(A, true, true, at(40_000));

        assertThat(p.lostWrites()).extracting(WriteRecord::homePool).containsOnly(A);
        assertThat(p.lostWrites()).doesNotContain(own);
        assertThat(p.backup().from(B).pendingCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ §8 item 12: failback

    @Test
    void homePoolBackWhileFailedOverKeepsUsersOnTheBackupUntilFailback() {
        PoolPair p = failedOver(0, 10_000);

        List<FailoverEvent> ev = new ArrayList<>(p.poolServing(A, true, at(300_000)));
        ev.addAll(p.tick(at(300_000 + FAILBACK_DETECT), true));
        ev.addAll(p.tick(at(3_600_000), true));

        assertThat(moves(ev)).isEmpty();
        assertThat(p.servedBy(A)).isEqualTo(B);
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
    }

    @Test
    void failbackIsRefusedUnlessThePoolIsFailedOver() {
        PoolPair p = pair();

        AdminResult r = p.failback(A, false, true, at(1_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains("not FailedOver");
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(AdminVerbRefused.class,
                e -> assertThat(e.verb()).isEqualTo("failback-pool"));
    }

    @Test
    void failbackIsRefusedWhileTheHomePoolIsDown() {
        PoolPair p = failedOver(0, 10_000);

        AdminResult r = p.failback(A, false, true, at(200_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains(A).contains("not running");
        assertThat(p.servedBy(A)).isEqualTo(B);
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
    }

    @Test
    void failbackMovesUsersHomeInResiliencyModeThenNormalAfterTheScaledDuration() {
        PoolPair p = failedOver(0, 10_000);
        p.poolServing(A, true, at(300_000));

        AdminResult r = p.failback(A, false, true, at(400_000));

        assertThat(r.refused()).isFalse();
        assertThat(moves(r.events())).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("normal");
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(A);
            assertThat(e.users()).isEqualTo(USERS_A);
        });
        assertThat(of(r.events(), NotReplicated.class)).singleElement().satisfies(e -> {
            assertThat(e.what()).isEqualTo("conferences");
            assertThat(e.consequence()).contains("rejoin");
        });
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.attempt(A, 1, Operation.SCHEDULE_MEETING, at(400_001)).ok()).isFalse();
        assertThat(p.failback(A, false, true, at(400_002)).message()).contains("already running");

        assertThat(moves(p.tick(at(400_000 + FAILBACK_A - 1), true))).isEmpty();
        List<FailoverEvent> done = p.tick(at(400_000 + FAILBACK_A), true);

        assertThat(moves(done)).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("resiliency");
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(A);
        });
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_BACK);
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy(A)).isEqualTo(A);
        assertThat(p.attempt(A, 1, Operation.SCHEDULE_MEETING, at(800_000)).ok()).isTrue();
    }

    @Test
    void failbackDurationScalesWithTheNumberOfUsers() {
        PoolPair big = new PoolPair(A, "site-a", 40_000, B, "site-b", USERS_B, DEFAULT, 0);
        big.poolServing(A, true, at(0));
        big.poolServing(B, true, at(0));
        big.poolServing(A, false, at(0));
        big.failover(A, true, true, at(0));
        big.tick(at(FAILOVER), true);
        big.poolServing(A, true, at(FAILOVER));
        big.failback(A, false, true, at(200_000));

        // 600 s per 20,000 users: 40,000 users take 1,200 s
        big.tick(at(200_000 + 1_200_000 - 1), true);
        assertThat(big.state(A)).isEqualTo(DrState.FAILED_OVER);
        big.tick(at(200_000 + 1_200_000), true);
        assertThat(big.state(A)).isEqualTo(DrState.FAILED_BACK);
    }

    @Test
    void poolStateGoesActiveFailingOverFailedOverFailedBack() {
        PoolPair p = pair();
        List<FailoverEvent> ev = new ArrayList<>(p.poolServing(A, false, at(0)));
        ev.addAll(p.failover(A, true, true, at(10_000)).events());
        ev.addAll(p.tick(at(10_000 + FAILOVER), true));
        ev.addAll(p.poolServing(A, true, at(300_000)));
        ev.addAll(p.failback(A, false, true, at(400_000)).events());
        ev.addAll(p.tick(at(400_000 + FAILBACK_A), true));

        assertThat(of(ev, PoolFailoverState.class)).allSatisfy(e -> assertThat(e.where().pool()).isEqualTo(A))
                .extracting(PoolFailoverState::from, PoolFailoverState::to)
                .containsExactly(tuple("Active", "FailingOver"), tuple("FailingOver", "FailedOver"),
                        tuple("FailedOver", "FailedBack"));
    }

    @Test
    void aFailedBackPoolCanBeFailedOverAgain() {
        PoolPair p = failedOver(0, 10_000);
        p.poolServing(A, true, at(300_000));
        p.failback(A, false, true, at(400_000));
        p.tick(at(400_000 + FAILBACK_A), true);

        AdminResult again = p.failover(A, false, true, at(800_000));

        assertThat(again.refused()).isFalse();
        assertThat(of(again.events(), PoolFailoverState.class)).extracting(PoolFailoverState::from, PoolFailoverState::to)
                .containsExactly(tuple("FailedBack", "FailingOver"));
    }

    @Test
    void syncConferenceContentCopiesTheContentFailedOverUsersMadeOnTheBackupPool() {
        PoolPair p = failedOver(0, 10_000);
        for (int i = 0; i < 3; i++) assertThat(p.attempt(A, i, Operation.SCHEDULE_MEETING, at(200_000)).ok()).isTrue();
        assertThat(p.backup().contentUnshipped(B)).isEqualTo(3);
        p.poolServing(A, true, at(300_000));
        p.tick(at(360_000), true); // regular syncs with both pools up do not bring it home
        p.failback(A, false, true, at(400_000));
        p.tick(at(400_000 + FAILBACK_A), true);

        AdminResult r = p.syncConferenceContent(A, at(800_000));

        assertThat(r.refused()).isFalse();
        assertThat(r.message()).startsWith("3 conference content items copied from " + B + " to " + A);
        assertThat(p.syncConferenceContent(A, at(800_001)).message()).startsWith("0 conference content items");
    }

    @Test
    void syncConferenceContentNeedsBothPoolsRunning() {
        PoolPair p = failedOver(0, 10_000);

        AdminResult r = p.syncConferenceContent(A, at(200_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(AdminVerbRefused.class,
                e -> assertThat(e.verb()).isEqualTo("sync-conference-content"));
    }

    @Test
    void disasterFailbackLosesOnlyTheFailedOverUsersUnshippedWritesOnTheBackupPool() {
        PoolPair p = failedOver(0, 10_000);
        p.poolServing(A, true, at(200_000));
        p.tick(at(250_000), true); // sync: nothing pending
        WriteRecord own = p.attempt(B, 1, Operation.ADD_CONTACT, at(260_000)).write();
        WriteRecord guest = p.attempt(A, 1, Operation.ADD_CONTACT, at(270_000)).write();
        p.poolServing(B, false, at(280_000));

        AdminResult refused = p.failback(A, false, true, at(290_000));
        AdminResult r = p.failback(A, true, true, at(300_000));

        assertThat(refused.refused()).isTrue();
        assertThat(refused.message()).contains("disaster");
        assertThat(r.refused()).isFalse();
        assertThat(of(r.events(), DataLost.class)).singleElement().satisfies(e -> {
            assertThat(e.writes()).isEqualTo(1);
            assertThat(e.windowFromEmulatedMs()).isEqualTo(270_000);
        });
        assertThat(p.lostWrites()).containsExactly(guest);
        // B's own users' write is still on B, waiting for the next sync
        assertThat(p.backup().from(B).pendingCount()).isEqualTo(1);
        assertThat(p.lostWrites()).doesNotContain(own);
    }

    // ------------------------------------------------------------------ §8 item 13: order rule

    @Test
    void partnerCannotFailOverWhileHoldingFailedOverUsersUntilTheyFailBack() {
        PoolPair p = failedOver(0, 10_000);
        p.poolServing(A, true, at(300_000));

        AdminResult refused = p.failover(B, false, true, at(310_000));

        assertThat(refused.refused()).isTrue();
        assertThat(refused.message()).contains("fail them back");
        assertThat(p.state(B)).isEqualTo(DrState.ACTIVE);

        p.failback(A, false, true, at(320_000));
        assertThat(p.failover(B, false, true, at(330_000)).refused()).as("during failback").isTrue();
        p.tick(at(320_000 + FAILBACK_A), true);

        AdminResult allowed = p.failover(B, false, true, at(320_000 + FAILBACK_A + 1));
        assertThat(allowed.refused()).isFalse();
        assertThat(p.state(B)).isEqualTo(DrState.FAILING_OVER);
    }

    @Test
    void partnerCannotFailOverWhileTheOtherPoolIsFailingOver() {
        PoolPair p = pair();
        p.failover(A, false, true, at(1_000));

        AdminResult r = p.failover(B, false, true, at(2_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains("fail them back");
    }

    // ------------------------------------------------------------------ backup pool failing under failed-over users

    @Test
    void backupPoolDyingSignsOutFailedOverUsersAndTheyReturnWhenItIsBack() {
        PoolPair p = failedOver(0, 10_000);

        List<FailoverEvent> down = p.poolServing(B, false, at(200_000));

        assertThat(moves(down)).extracting(e -> e.where().pool(), UsersMoved::toMode)
                .containsExactlyInAnyOrder(tuple(A, "signed-out"), tuple(B, "signed-out"));
        assertThat(of(down, NotReplicated.class)).extracting(NotReplicated::what).containsOnly("call park").hasSize(2);

        List<FailoverEvent> up = p.poolServing(B, true, at(300_000));

        assertThat(moves(up)).extracting(e -> e.where().pool(), UsersMoved::toMode, UsersMoved::servedBy)
                .containsExactlyInAnyOrder(tuple(A, "normal", B), tuple(B, "normal", B));
    }

    @Test
    void backupPoolReturningDuringAFailoverGivesResiliencyUntilTheFailoverCompletes() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.failover(A, true, true, at(10_000));
        p.poolServing(B, false, at(20_000));

        p.poolServing(B, true, at(30_000));

        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.servedBy(A)).isEqualTo(B);
        p.tick(at(10_000 + FAILOVER), true);
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
    }

    // ------------------------------------------------------------------ §8 item 14: back end outage

    @Test
    void backEndUnavailableBeyondTheThresholdPutsUsersInResiliencyOnTheirHomePool() {
        PoolPair p = pair();
        assertThat(p.backEndAvailable(A, false, at(1_000))).isEmpty();

        assertThat(moves(p.tick(at(1_000 + BACK_END_THRESHOLD - 1), true))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);

        List<UsersMoved> m = moves(p.tick(at(1_000 + BACK_END_THRESHOLD), true));
        assertThat(m).singleElement().satisfies(e -> {
            assertThat(e.fromMode()).isEqualTo("normal");
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(A);
            assertThat(e.reason()).contains("30 min");
        });
        assertThat(p.mode(B)).isEqualTo(UserMode.NORMAL);

        List<UsersMoved> back = moves(p.backEndAvailable(A, true, at(2_000_000)));
        assertThat(back).singleElement().satisfies(e -> {
            assertThat(e.toMode()).isEqualTo("normal");
            assertThat(e.servedBy()).isEqualTo(A);
        });
    }

    @Test
    void nextDueTimeIncludesTheBackEndThreshold() {
        PoolPair p = pair(DEFAULT.withSyncIntervalMs(3L * 3600_000));
        p.backEndAvailable(A, false, at(1_000));

        assertThat(p.nextDueMs()).isEqualTo(1_000 + BACK_END_THRESHOLD);
    }

    @Test
    void backEndBackWithinTheThresholdGoesUnnoticed() {
        PoolPair p = pair();
        p.backEndAvailable(A, false, at(0));

        List<FailoverEvent> ev = new ArrayList<>(p.backEndAvailable(A, true, at(BACK_END_THRESHOLD - 1)));
        ev.addAll(p.tick(at(2 * BACK_END_THRESHOLD), true));

        assertThat(moves(ev)).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
    }

    @Test
    void poolReturningWithItsBackEndDownPastTheThresholdSignsUsersInInResiliency() {
        PoolPair p = pair();
        p.backEndAvailable(A, false, at(0));
        p.poolServing(A, false, at(1_000));

        List<UsersMoved> m = moves(p.poolServing(A, true, at(BACK_END_THRESHOLD + 1)));

        assertThat(m).singleElement().satisfies(e -> {
            assertThat(e.toMode()).isEqualTo("resiliency");
            assertThat(e.servedBy()).isEqualTo(A);
        });
    }

    // ------------------------------------------------------------------ §8 item 18: not replicated

    @Test
    void completedFailoverReportsLisAndResponseGroupsAsNotReplicated() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.failover(A, true, true, at(10_000));

        List<FailoverEvent> done = p.tick(at(10_000 + FAILOVER), true);

        assertThat(of(done, NotReplicated.class)).extracting(NotReplicated::what)
                .containsExactlyInAnyOrder("Location Information Server", "Response Group");
        assertThat(of(done, NotReplicated.class)).allSatisfy(e -> assertThat(e.where().pool()).isEqualTo(B));
        assertThat(p.lisRestored(A)).isFalse();

        assertThat(p.restoreLis(A, at(200_000)).message()).contains("restored on " + B);
        assertThat(p.lisRestored(A)).isTrue();
    }

    @Test
    void failedOverUsersCannotReachResponseGroupsUntilTheyAreImported() {
        PoolPair p = failedOver(0, 10_000);

        Outcome before = p.attempt(A, 1, Operation.RESPONSE_GROUP_CALL, at(200_000));
        assertThat(before.ok()).isFalse();
        assertThat(before.refusal()).contains("Response Groups not imported on " + B);
        assertThat(p.attempt(B, 1, Operation.RESPONSE_GROUP_CALL, at(200_000)).ok()).as("B's own users").isTrue();

        p.importResponseGroups(A, at(210_000));

        assertThat(p.attempt(A, 1, Operation.RESPONSE_GROUP_CALL, at(220_000)).ok()).isTrue();
    }

    // ------------------------------------------------------------------ refusals

    @Test
    void refusedOperationsAreCountedIntoOneEventPerPoolAndModeWithCountsAndReasons() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.tick(at(DETECT), true);
        for (int i = 0; i < 3; i++) assertThat(p.attempt(A, i, Operation.ADD_CONTACT, at(200_000)).ok()).isFalse();
        for (int i = 0; i < 2; i++) assertThat(p.attempt(A, i, Operation.PARK_CALL, at(200_000)).ok()).isFalse();
        assertThat(p.attempt(A, 9, Operation.P2P_CALL, at(200_000)).ok()).isTrue();
        assertThat(p.attempt(B, 9, Operation.PARK_CALL, at(200_000)).ok()).isTrue();

        List<OperationsRefused> ev = of(p.drainRefusals(at(210_000)), OperationsRefused.class);

        assertThat(ev).singleElement().satisfies(e -> {
            assertThat(e.where().pool()).isEqualTo(A);
            assertThat(e.mode()).isEqualTo("resiliency");
            assertThat(e.counts()).containsOnly(entry("add-contact", 3), entry("park-call", 2));
            assertThat(e.total()).isEqualTo(5);
            assertThat(e.reasons()).containsOnly(
                    entry("add-contact", ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.ADD_CONTACT).reason()),
                    entry("park-call", ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.PARK_CALL).reason()));
        });
        assertThat(p.drainRefusals(at(220_000))).isEmpty();
    }

    @Test
    void refusalsInDifferentModesAreReportedSeparately() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));
        p.attempt(A, 1, Operation.IM, at(1_000));
        p.tick(at(DETECT), true);
        p.attempt(A, 1, Operation.ADD_CONTACT, at(DETECT + 1));

        List<OperationsRefused> ev = of(p.drainRefusals(at(DETECT + 2)), OperationsRefused.class);

        assertThat(ev).extracting(OperationsRefused::mode, OperationsRefused::total)
                .containsExactlyInAnyOrder(tuple("signed-out", 1), tuple("resiliency", 1));
    }

    @Test
    void signedOutUsersAreRefusedEverythingButSignIn() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        Outcome im = p.attempt(A, 1, Operation.IM, at(1_000));

        assertThat(im.ok()).isFalse();
        assertThat(im.servedBy()).isNull();
        assertThat(p.attempt(A, 1, Operation.SIGN_IN, at(1_000)).ok()).isTrue();
        assertThat(of(p.drainRefusals(at(2_000)), OperationsRefused.class)).singleElement().satisfies(e -> {
            assertThat(e.mode()).isEqualTo("signed-out");
            assertThat(e.counts()).containsOnly(entry("im", 1));
            assertThat(e.reasons().get("im")).contains("signed out");
        });
    }

    @Test
    void writesAreRecordedForTheBackupServiceWithRisingIds() {
        PoolPair p = pair();

        WriteRecord w1 = p.attempt(A, 7, Operation.ADD_CONTACT, at(1_000)).write();
        WriteRecord w2 = p.attempt(B, 8, Operation.CHANGE_CALL_FORWARDING, at(2_000)).write();
        Outcome read = p.attempt(A, 7, Operation.VIEW_CONTACTS, at(3_000));

        assertThat(w1.user()).isEqualTo(7);
        assertThat(w1.homePool()).isEqualTo(A);
        assertThat(w1.servedBy()).isEqualTo(A);
        assertThat(w1.emulatedMs()).isEqualTo(1_000);
        assertThat(w2.id()).isGreaterThan(w1.id());
        assertThat(read.ok()).isTrue();
        assertThat(read.write()).isNull();
        assertThat(p.backup().from(A).pendingCount()).isEqualTo(1);
        assertThat(p.backup().from(B).pendingCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ writes acknowledged by the Front Ends (admit / acknowledged)

    @Test
    void admitRefusesWritesByModeAndByAReadOnlyPool() {
        PoolPair p = pair();
        p.poolServing(B, false, at(0));
        p.tick(at(DETECT), true); // B's users in Resiliency mode on A
        PoolPair planned = pair();
        assertThat(planned.failover(A, false, true, at(1_000)).refused()).isFalse(); // A read-only

        Outcome byMode = p.admit(B, Operation.ADD_CONTACT);
        Outcome readOnly = planned.admit(A, Operation.ADD_CONTACT);
        Outcome readOk = planned.admit(A, Operation.IM);

        assertThat(byMode.ok()).isFalse();
        assertThat(byMode.refusal()).isEqualTo(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.ADD_CONTACT).reason());
        assertThat(readOnly.ok()).isFalse();
        assertThat(readOnly.refusal()).contains("read-only");
        assertThat(readOk.ok()).isTrue();
        assertThat(readOk.servedBy()).isEqualTo(A);
    }

    @Test
    void acknowledgedWritesWaitForTheBackupServiceUnlessTheUserMovedMeanwhile() {
        PoolPair p = pair();
        Outcome admitted = p.admit(A, Operation.ADD_CONTACT);
        assertThat(admitted.ok()).isTrue();

        WriteRecord w = p.acknowledged(A, 4, admitted.servedBy(), Operation.ADD_CONTACT, at(5_000));

        assertThat(w.homePool()).isEqualTo(A);
        assertThat(w.servedBy()).isEqualTo(A);
        assertThat(w.emulatedMs()).isEqualTo(5_000);
        assertThat(p.backup().from(A).pendingCount()).isEqualTo(1);

        p.poolServing(A, false, at(6_000));
        assertThat(p.acknowledged(A, 5, A, Operation.ADD_CONTACT, at(6_001))).isNull();
        assertThat(p.backup().from(A).pendingCount()).isEqualTo(1);
    }

    @Test
    void meetingsAcknowledgedForFailedOverUsersAreCopiedHomeOnlyBySyncConferenceContent() {
        PoolPair p = failedOver(0, 10_000);
        for (int i = 0; i < 2; i++) {
            Outcome o = p.admit(A, Operation.SCHEDULE_MEETING);
            assertThat(o.servedBy()).isEqualTo(B);
            assertThat(p.acknowledged(A, i, o.servedBy(), Operation.SCHEDULE_MEETING, at(200_000))).isNotNull();
        }
        p.poolServing(A, true, at(300_000));
        p.failback(A, false, true, at(400_000));
        p.tick(at(400_000 + FAILBACK_A), true);

        assertThat(p.syncConferenceContent(A, at(800_000)).message()).startsWith("2 conference content items copied");
    }

    @Test
    void writesRefusedByThePoolAreCountedWithTheRefusals() {
        PoolPair p = pair();

        p.refusedByPool(A, Operation.ADD_CONTACT, "routing group 3 is in quorum loss");
        p.refusedByPool(A, Operation.ADD_CONTACT, "routing group 3 is in quorum loss");

        assertThat(of(p.drainRefusals(at(1_000)), OperationsRefused.class)).singleElement().satisfies(e -> {
            assertThat(e.mode()).isEqualTo("normal");
            assertThat(e.counts()).containsOnly(entry("add-contact", 2));
            assertThat(e.reasons()).containsOnly(entry("add-contact", "routing group 3 is in quorum loss"));
        });
    }

    // ------------------------------------------------------------------ automatic failover policy

    @Test
    void automaticFailoverPolicyReportsTheDeadPoolAfterItsDelay() {
        PoolPair p = pair(DEFAULT.withAutoFailover(true, 300_000));
        p.poolServing(A, false, at(1_000));
        p.tick(at(1_000 + DETECT), true);

        assertThat(p.autoFailoverDue(at(1_000 + 300_000 - 1))).isEmpty();
        assertThat(p.nextDueMs()).isLessThanOrEqualTo(1_000 + 300_000);
        assertThat(p.autoFailoverDue(at(1_000 + 300_000))).containsExactly(A);
        assertThat(p.autoFailoverDue(at(1_000 + 600_000))).as("reported once").isEmpty();
    }

    @Test
    void automaticFailoverIsOffByDefault() {
        PoolPair p = pair();
        p.poolServing(A, false, at(0));

        assertThat(DEFAULT.autoFailover()).isFalse();
        assertThat(p.autoFailoverDue(at(300_000))).isEmpty();
        assertThat(p.autoFailoverDue(at(24 * 3_600_000L))).isEmpty();
    }

    @Test
    void automaticFailoverIsNotDueForAPoolThatCameBack() {
        PoolPair p = pair(DEFAULT.withAutoFailover(true, 300_000));
        p.poolServing(A, false, at(0));
        p.poolServing(A, true, at(100_000));

        assertThat(p.autoFailoverDue(at(300_000))).isEmpty();
    }

    // ------------------------------------------------------------------ queries

    @Test
    void poolsOutsideThePairAreRejected() {
        PoolPair p = pair();

        assertThat(p.contains(A)).isTrue();
        assertThat(p.contains("pool-x")).isFalse();
        assertThat(p.partnerOf(A)).isEqualTo(B);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.mode("pool-x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
