package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.history.LossWindow;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A pool pair's half in a multi-node run: what it allows and what it declares, from what it has heard. */
class PairHalfTest {

    private static final long FLUSH = 10_000;

    /** pool-b's half, pool-a its partner. */
    private static PairHalf b() {
        return new PairHalf("pool-b", "site-b", 18_000, "pool-a", "site-a", 18_000, FLUSH);
    }

    private static Time t(long ms) { return Time.ofEmulated(ms); }

    @Test
    void aFailoverOfAnotherPoolOrOnAStoppedPoolIsRefusedWithTheReason() {
        PairHalf h = b();
        assertThat(h.checkFailover("pool-c", true, t(0)).message()).contains("pool-c is not the partner of pool-b");
        assertThat(h.checkFailover("pool-a", false, t(0)).message()).contains("pool-b is not running");
        assertThat(h.checkFailover("pool-a", true, t(0))).isNull();
    }

    @Test
    void aSilentPartnerIsFailedOverOnlyInDisasterModeAndItsUnreplicatedWritesFallInALossWindow() {
        PairHalf h = b();
        h.received(600_000);
        AdminResult refused = h.partnerSilent("failover-pool", false, t(700_000));
        assertThat(refused.refused()).isTrue();
        assertThat(refused.message()).contains("pool-a does not answer").contains("disaster=true");
        assertThat(h.partnerSilent("failover-pool", true, t(700_000))).isNull();

        AdminResult done = h.failedOver(false, t(700_000));
        assertThat(done.refused()).isFalse();
        assertThat(done.events()).anySatisfy(e -> assertThat(e).isInstanceOf(FailoverEvent.PoolFailoverState.class));
        assertThat(h.hostingPartner()).isTrue();
        assertThat(h.drainLossWindows()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(LossWindow.DISASTER_FAILOVER);
            assertThat(w.home()).isEqualTo("pool-a");
            assertThat(w.fromMs()).isEqualTo(600_000 - 2 * FLUSH);
            assertThat(w.toMs()).isEqualTo(700_000);
        });
        assertThat(h.checkFailover("pool-a", true, t(710_000)).message()).contains("already failed over");
    }

    @Test
    void aPlannedFailoverDeclaresNoLossAndFailbackNeedsThePartnerHostedHere() {
        PairHalf h = b();
        assertThat(h.checkFailback("pool-a", t(0)).message()).contains("pool-a is not failed over to pool-b");
        h.failedOver(true, t(100));
        assertThat(h.drainLossWindows()).isEmpty();
        assertThat(h.checkFailback("pool-a", t(200))).isNull();
        assertThat(h.partnerSilent("failback-pool", true, t(200)).message()).contains("must run and be reachable");
        h.failedBack(t(300));
        assertThat(h.hostingPartner()).isFalse();
    }

    @Test
    void anUnacknowledgedSyncPutsTheDirectionInBacklogOnceAndAnAcknowledgedOneBringsItBack() {
        PairHalf h = b();
        assertThat(h.shipOverdue(12, t(120_000))).singleElement()
                .satisfies(e -> assertThat(((FailoverEvent.BackupState) e).state()).isEqualTo("backlog"));
        assertThat(h.shipOverdue(20, t(240_000))).isEmpty();
        assertThat(h.shipAcknowledged(240_000, t(250_000))).singleElement()
                .satisfies(e -> assertThat(((FailoverEvent.BackupState) e).state()).isEqualTo("steady"));
        assertThat(h.shippedAsOfMs()).isEqualTo(240_000);
        assertThat(h.shipAcknowledged(360_000, t(361_000))).isEmpty();
    }

    @Test
    void hostedUsersLackLisAndResponseGroupsUntilTheAdminRestoresThemAndTheirMeetingsGoHomeByTheContentSync() {
        PairHalf h = b();
        assertThat(h.notReplicated(Operation.EMERGENCY_CALL)).isNull();
        AdminResult over = h.failedOver(true, t(1_000));
        assertThat(over.events()).anyMatch(e -> e.type().equals("not-replicated") && e.describe().contains("LIS database on pool-b"));
        assertThat(over.events()).anyMatch(e -> e.type().equals("not-replicated") && e.describe().contains("Response Groups of pool-a"));
        assertThat(h.notReplicated(Operation.EMERGENCY_CALL)).contains("LIS database on pool-b is empty");
        assertThat(h.notReplicated(Operation.RESPONSE_GROUP_CALL)).contains("Response Groups not imported on pool-b");
        assertThat(h.notReplicated(Operation.IM)).isNull();

        h.refusedHosted(Operation.EMERGENCY_CALL, h.notReplicated(Operation.EMERGENCY_CALL));
        h.refusedHosted(Operation.EMERGENCY_CALL, h.notReplicated(Operation.EMERGENCY_CALL));
        assertThat(h.drainRefusals(t(2_000))).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("operations-refused");
            assertThat(e.where().pool()).isEqualTo("pool-a");
            assertThat(e.describe()).contains("emergency-call");
        });
        assertThat(h.drainRefusals(t(2_500))).isEmpty();

        assertThat(h.restoreLis("pool-c", t(3_000)).refused()).isTrue();
        assertThat(h.restoreLis("pool-a", t(3_000)).message()).isEqualTo("LIS data of pool-a restored on pool-b");
        assertThat(h.notReplicated(Operation.EMERGENCY_CALL)).isNull();
        assertThat(h.importResponseGroups("pool-a", t(3_000)).message()).isEqualTo("Response Groups of pool-a imported on pool-b");
        assertThat(h.notReplicated(Operation.RESPONSE_GROUP_CALL)).isNull();

        h.hostedAcknowledged(Operation.SCHEDULE_MEETING);
        h.hostedAcknowledged(Operation.SCHEDULE_MEETING);
        h.hostedAcknowledged(Operation.IM);
        PairHalf again = b();
        again.restore(h.roles());
        assertThat(again.hostingPartner()).isTrue();
        assertThat(again.notReplicated(Operation.EMERGENCY_CALL)).isNull();

        h.failedBack(t(4_000));
        assertThat(h.syncConferenceContent("pool-a", false, t(5_000)).message()).isEqualTo("both pool-a and pool-b must be running");
        assertThat(h.syncConferenceContent("pool-a", true, t(5_000)).message())
                .isEqualTo("2 conference content items copied from pool-b to pool-a");
        assertThat(h.syncConferenceContent("pool-a", true, t(6_000)).message()).startsWith("0 conference content items");
        assertThat(again.syncConferenceContent("pool-a", true, t(5_000)).message()).startsWith("2 conference content items");
    }

    @Test
    void aDeploymentPreconditionRefusesTheFailoverWithItsReason() {
        AdminResult r = b().refuseFailover("pool pool-a hosts the active Central Management Store: fail the CMS over first", t(0));
        assertThat(r.refused()).isTrue();
        assertThat(r.events()).singleElement().satisfies(e -> assertThat(e.type()).isEqualTo("admin-verb-refused"));
    }

    @Test
    void theAutomaticPolicyActsOncePerSilenceOfThePartner() {
        PairHalf h = b();
        h.heard(0);
        assertThat(h.autoFailoverDue(200_000, 300_000)).isFalse();
        assertThat(h.autoFailoverDue(300_000, 300_000)).isTrue();
        assertThat(h.autoFailoverDue(400_000, 300_000)).as("once per silence").isFalse();
        h.heard(500_000);
        assertThat(h.autoFailoverDue(900_000, 300_000)).as("a new silence").isTrue();
        h.failedOver(false, t(900_000));
        h.heard(950_000);
        assertThat(h.autoFailoverDue(2_000_000, 300_000)).as("already hosting the partner").isFalse();
    }
}
