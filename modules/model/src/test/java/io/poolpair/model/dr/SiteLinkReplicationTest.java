package io.poolpair.model.dr;

import io.poolpair.model.dr.PoolPair.DrState;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a cut or slow site link does to the Backup Service between two paired pools (spec §3.2) and to the
 * pair's failover: replication stalls and catches up, arrives late, planned failovers wait for it; and a cut
 * link alone is no pool failure. Times are emulated milliseconds; sync every 120 s.
 */
class SiteLinkReplicationTest {

    private static final long INTERVAL = 120_000;
    private static final String A = "pool-a";
    private static final String B = "pool-b";

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static BackupService service() {
        return new BackupService(A, "site-a", B, "site-b", INTERVAL, 0);
    }

    private static WriteRecord write(long id, long ms) {
        return new WriteRecord(id, 0, A, A, ms);
    }

    private static List<BackupState> states(List<FailoverEvent> ev) {
        return ev.stream().filter(BackupState.class::isInstance).map(BackupState.class::cast).toList();
    }

    private static PoolPair pair(DrSettings settings) {
        PoolPair p = new PoolPair(A, "site-a", 10_000, B, "site-b", 12_000, settings, 0);
        p.poolServing(A, true, at(0));
        p.poolServing(B, true, at(0));
        return p;
    }

    // ------------------------------------------------------------------ Backup Service

    @Test
    void aCutLinkStallsReplicationAndTheLagGrowsUntilTheNextSyncAfterTheHealShipsEverything() {
        BackupService s = service();
        s.from(A).record(write(1, 30_000));

        List<BackupState> cut = states(s.tick(at(INTERVAL), true, true, SiteLink.CUT));
        s.from(A).record(write(2, 150_000));
        s.tick(at(2 * INTERVAL), true, true, SiteLink.CUT);

        assertThat(cut).extracting(BackupState::state).containsExactly("backlog", "backlog");
        BackupState aToB = cut.get(0);
        assertThat(aToB.fromPool()).isEqualTo(A);
        assertThat(aToB.pending()).isEqualTo(1);
        assertThat(aToB.lagMs()).isEqualTo(INTERVAL - 30_000);
        assertThat(s.from(A).pendingCount()).isEqualTo(2);
        assertThat(s.from(A).lagMs(2 * INTERVAL)).as("the lag keeps growing while the link is cut").isEqualTo(2 * INTERVAL - 30_000);
        assertThat(s.from(A).shippedCount()).isZero();

        // healed: nothing ships before the next scheduled sync, which ships everything that waited
        assertThat(s.tick(at(2 * INTERVAL + 10_000), true, true, SiteLink.UP)).isEmpty();
        List<BackupState> healed = states(s.tick(at(3 * INTERVAL), true, true, SiteLink.UP));

        assertThat(healed).extracting(BackupState::state).containsExactly("steady", "steady");
        assertThat(s.from(A).pendingCount()).isZero();
        assertThat(s.from(A).shippedCount()).isEqualTo(2);
        assertThat(s.from(A).lagMs(3 * INTERVAL)).isZero();
    }

    @Test
    void overASlowLinkASyncsDataArrivesTheDelayLaterAndWaitsUntilThen() {
        BackupService s = service();
        s.from(A).record(write(1, 30_000));
        SiteLink slow = SiteLink.slow(30_000);

        List<FailoverEvent> sent = s.tick(at(INTERVAL), true, true, slow);

        assertThat(sent).isEmpty();
        assertThat(s.from(A).pendingCount()).as("on its way, not yet at pool-b").isEqualTo(1);
        assertThat(s.from(A).lagMs(INTERVAL + 29_999)).isEqualTo(INTERVAL + 29_999 - 30_000);
        assertThat(s.nextDueMs()).as("the arrival is due before the next sync").isEqualTo(INTERVAL + 30_000);
        assertThat(s.nextSyncMs()).isEqualTo(2 * INTERVAL);

        s.from(A).record(write(2, INTERVAL + 10_000));
        s.tick(at(INTERVAL + 30_000), true, true, slow);

        assertThat(s.from(A).shippedCount()).isEqualTo(1);
        assertThat(s.from(A).pendingCount()).as("written after the sync's scheduled time: waits for the next").isEqualTo(1);
        assertThat(s.from(A).lastCompletedSyncMs()).isEqualTo(INTERVAL);
        assertThat(s.nextDueMs()).isEqualTo(2 * INTERVAL);
    }

    @Test
    void theSameWritesLagMoreOverASlowLinkThanOverAnUpOne() {
        BackupService up = service();
        BackupService slow = service();
        for (BackupService s : List.of(up, slow)) {
            s.from(A).record(write(1, 30_000));
        }
        up.tick(at(INTERVAL), true, true, SiteLink.UP);
        slow.tick(at(INTERVAL), true, true, SiteLink.slow(45_000));

        long t = INTERVAL + 20_000;
        assertThat(up.from(A).lagMs(t)).isZero();
        assertThat(slow.from(A).lagMs(t)).isEqualTo(t - 30_000);
    }

    @Test
    void aSyncInFlightWhenTheLinkIsCutNeverArrivesAndIsShippedAgainAfterTheHeal() {
        BackupService s = service();
        s.from(A).record(write(1, 30_000));
        s.tick(at(INTERVAL), true, true, SiteLink.slow(60_000));

        List<BackupState> cut = states(s.tick(at(INTERVAL + 60_000), true, true, SiteLink.CUT));

        assertThat(cut).isEmpty(); // no sync was due: the data on its way is simply lost on the way
        assertThat(s.from(A).inFlightCount()).isZero();
        assertThat(s.from(A).pendingCount()).isEqualTo(1);
        assertThat(s.nextDueMs()).isEqualTo(2 * INTERVAL);

        s.tick(at(2 * INTERVAL), true, true, SiteLink.UP);
        assertThat(s.from(A).pendingCount()).isZero();
        assertThat(s.from(A).shippedCount()).isEqualTo(1);
    }

    @Test
    void afterABacklogTheFirstDelayedSyncReportsSteadyWhenItArrives() {
        BackupService s = service();
        s.tick(at(INTERVAL), true, true, SiteLink.CUT);

        assertThat(states(s.tick(at(2 * INTERVAL), true, true, SiteLink.slow(10_000)))).isEmpty();
        assertThat(s.from(A).state()).isEqualTo(ReplicationDirection.State.BACKLOG);

        List<BackupState> arrived = states(s.tick(at(2 * INTERVAL + 10_000), true, true, SiteLink.slow(10_000)));
        assertThat(arrived).extracting(BackupState::state).containsExactly("steady", "steady");
    }

    @Test
    void theCmsDirectionRidesTheSameLink() {
        BackupService s = service();
        s.cmsMaster(A, 0);
        s.cmsChanged(10_000);

        List<BackupState> cut = states(s.tick(at(INTERVAL), true, true, SiteLink.CUT));

        assertThat(cut).filteredOn(e -> e.module().equals("CentralMgmt.CMSMaster")).singleElement()
                .satisfies(e -> {
                    assertThat(e.state()).isEqualTo("backlog");
                    assertThat(e.pending()).isEqualTo(1);
                });
        s.tick(at(2 * INTERVAL), true, true, SiteLink.UP);
        assertThat(s.cms().pendingCount()).isZero();
    }

    @Test
    void aSlowLinkNeedsADelayAndOnlyASlowLinkHasOne() {
        assertThatThrownBy(() -> SiteLink.slow(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SiteLink(SiteLink.State.CUT, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(SiteLink.slow(30_000).describe()).isEqualTo("slow (30s)");
        assertThat(SiteLink.CUT.carries()).isFalse();
        assertThat(SiteLink.slow(1).carries()).isTrue();
    }

    // ------------------------------------------------------------------ the pair

    @Test
    void aPlannedFailoverIsRefusedWhileTheLinkIsCutButDisasterModeIsNot() {
        PoolPair p = pair(DrSettings.DEFAULT);

        AdminResult planned = p.failover(A, false, SiteLink.CUT, at(10_000));

        assertThat(planned.refused()).isTrue();
        assertThat(planned.message()).contains("site link site-a <-> site-b is cut").contains("final sync");
        assertThat(planned.events()).singleElement().isInstanceOf(AdminVerbRefused.class);
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
        assertThat(p.backup().from(A).sourceReadOnly()).isFalse();

        assertThat(p.failover(A, true, SiteLink.CUT, at(10_000)).refused()).isFalse();
        assertThat(p.state(A)).isEqualTo(DrState.FAILING_OVER);
    }

    @Test
    void aPlannedFailoverOverASlowLinkTakesTheDelayLongerAndLosesNothing() {
        PoolPair p = pair(DrSettings.DEFAULT);
        p.attempt(A, 1, Operation.ADD_CONTACT, at(5_000));
        SiteLink slow = SiteLink.slow(40_000);

        assertThat(p.failover(A, false, slow, at(10_000)).refused()).isFalse();
        assertThat(p.nextDueMs()).as("the final sync arrives first").isEqualTo(50_000);
        p.tick(at(50_000), slow);
        assertThat(p.backup().from(A).pendingCount()).isZero();
        assertThat(p.backup().from(A).state()).isEqualTo(ReplicationDirection.State.FINAL);

        p.tick(at(10_000 + DrSettings.DEFAULT.poolFailoverMs()), slow);
        assertThat(p.state(A)).as("not before the delay has passed too").isEqualTo(DrState.FAILING_OVER);
        p.tick(at(10_000 + DrSettings.DEFAULT.poolFailoverMs() + 40_000), slow);
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
        assertThat(p.lostWrites()).isEmpty();
    }

    @Test
    void aFailbackIsRefusedWhileTheLinkIsCut() {
        PoolPair p = pair(DrSettings.DEFAULT);
        p.poolServing(A, false, at(1_000));
        p.failover(A, true, SiteLink.UP, at(2_000));
        p.tick(at(2_000 + DrSettings.DEFAULT.poolFailoverMs()), SiteLink.UP);
        p.poolServing(A, true, at(300_000));

        AdminResult r = p.failback(A, false, SiteLink.CUT, at(310_000));

        assertThat(r.refused()).isTrue();
        assertThat(r.message()).contains("is cut").contains("failback");
        assertThat(p.state(A)).isEqualTo(DrState.FAILED_OVER);
        assertThat(p.failback(A, false, SiteLink.UP, at(320_000)).refused()).isFalse();
    }

    @Test
    void aCutLinkAloneMovesNoUserAndStartsNoFailoverEvenWithTheAutomaticPolicyOn() {
        DrSettings auto = DrSettings.DEFAULT.withAutoFailover(true, 60_000);
        PoolPair p = pair(auto);

        List<FailoverEvent> ev = new java.util.ArrayList<>();
        for (long t = INTERVAL; t <= 24 * 3_600_000L; t += INTERVAL) ev.addAll(p.tick(at(t), SiteLink.CUT));

        assertThat(ev).noneMatch(UsersMoved.class::isInstance);
        assertThat(p.autoFailoverDue(at(24 * 3_600_000L))).isEmpty();
        assertThat(p.mode(A)).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy(A)).isEqualTo(A);
        assertThat(p.mode(B)).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy(B)).isEqualTo(B);
        assertThat(p.state(A)).isEqualTo(DrState.ACTIVE);
        assertThat(p.state(B)).isEqualTo(DrState.ACTIVE);
        assertThat(states(ev)).extracting(BackupState::state).containsOnly("backlog");
    }
}
