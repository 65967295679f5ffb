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
}
