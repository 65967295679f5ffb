package io.poolpair.model.dr;

import io.poolpair.model.history.LossWindow;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users' data, write by write, through the Backup Service, failover and failback: what a user reads at the
 * end is what the copy serving them holds (the lost-write checker compares it with what they were told).
 */
class UserDataCopiesTest {

    private static final String A = "pool-a";
    private static final String B = "pool-b";

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static PoolPair pair() {
        PoolPair p = new PoolPair(A, "site-a", 100, B, "site-b", 100, DrSettings.DEFAULT, 0);
        p.poolServing(A, true, at(0));
        p.poolServing(B, true, at(0));
        return p;
    }

    private static long write(PoolPair p, String home, int user, long atMs) {
        long id = p.newWriteId();
        assertThat(p.acknowledged(home, user, p.servedBy(home), Operation.ADD_CONTACT, at(atMs), id)).isNotNull();
        return id;
    }

    @Test
    void aUserReadsEveryWriteItsServingPoolAcknowledged() {
        PoolPair p = pair();
        long w1 = write(p, A, 7, 1_000);
        long w2 = write(p, A, 7, 2_000);
        assertThat(p.read(A, 7)).containsExactly(w1, w2);
        assertThat(p.read(A, 8)).isEmpty();
    }

    @Test
    void disasterFailoverLeavesExactlyTheUnshippedWritesOutAndDeclaresTheWindow() {
        PoolPair p = pair();
        long shipped = write(p, A, 7, 60_000);
        p.tick(at(120_000), true);                       // the sync at 120 s ships it
        long lost = write(p, A, 7, 150_000);
        p.poolServing(A, false, at(200_000));
        p.failover(A, true, true, at(300_000));
        p.tick(at(300_000 + DrSettings.DEFAULT.poolFailoverMs()), true);

        assertThat(p.readLocation(A)).isEqualTo(B);
        assertThat(p.read(A, 7)).containsExactly(shipped).doesNotContain(lost);
        List<LossWindow> windows = p.drainLossWindows();
        // one window from the last sync to the failover verb, one for what the pool might acknowledge while it runs
        assertThat(windows).hasSize(2);
        assertThat(windows.get(1).fromMs()).isEqualTo(300_000);
        assertThat(windows.get(0)).satisfies(w -> {
            assertThat(w.kind()).isEqualTo(LossWindow.DISASTER_FAILOVER);
            assertThat(w.fromMs()).isEqualTo(120_000);
            assertThat(w.covers(A, A, 3, 150_000)).isTrue();
            assertThat(w.covers(A, A, 3, 100_000)).isFalse();
        });

        // writes made on the backup pool, then a planned failback: nothing more is lost, the lost write stays lost
        long onB = write(p, A, 7, 400_000);
        p.poolServing(A, true, at(500_000));
        p.failback(A, false, true, at(600_000));
        assertThat(p.readLocation(A)).isEqualTo(A);
        assertThat(p.read(A, 7)).containsExactly(shipped, onB);
    }

    @Test
    void plannedFailoverLosesNothing() {
        PoolPair p = pair();
        long w1 = write(p, A, 3, 10_000);
        long w2 = write(p, A, 3, 130_000);
        p.failover(A, false, true, at(140_000));
        p.tick(at(140_000 + DrSettings.DEFAULT.poolFailoverMs()), true);
        assertThat(p.readLocation(A)).isEqualTo(B);
        assertThat(p.read(A, 3)).containsExactly(w1, w2);
        assertThat(p.drainLossWindows()).isEmpty();
    }

    @Test
    void quorumLossRecoveryTakesTheGroupsUnflushedWritesOut() {
        PoolPair p = pair();
        long kept = write(p, A, 5, 1_000);
        long dropped = write(p, A, 5, 2_000);
        p.lostInPool(new LossWindow(LossWindow.QUORUM_LOSS_RECOVERY, A, null, 0, 1_500, 3_000,
                List.of(new WriteRecord(dropped, 5, A, A, 2_000))));
        assertThat(p.read(A, 5)).containsExactly(kept);
        // and the Backup Service will not ship it
        p.tick(at(120_000), true);
        p.poolServing(A, false, at(130_000));
        p.failover(A, true, true, at(140_000));
        p.tick(at(140_000 + DrSettings.DEFAULT.poolFailoverMs()), true);
        assertThat(p.read(A, 5)).containsExactly(kept);
    }

    @Test
    void aSyncThatCouldNotRunResumesWhenThePoolIsBackSoADisasterLaterLosesOnlyWhatCameAfter() {
        PoolPair p = pair();
        long before = write(p, A, 2, 90_000);
        p.poolServing(A, false, at(100_000));
        p.tick(at(120_000), true);                        // the scheduled sync cannot run: backlog
        p.poolServing(A, true, at(130_000));
        List<io.poolpair.model.event.FailoverEvent> resumed = p.catchUp(at(130_000), SiteLink.UP);
        assertThat(resumed).isNotEmpty();                 // back to steady: the backlog is shipped now
        long after = write(p, A, 2, 150_000);
        p.poolServing(A, false, at(200_000));             // lost before the next scheduled sync (240 s)
        p.failover(A, true, true, at(300_000));
        p.tick(at(300_000 + DrSettings.DEFAULT.poolFailoverMs()), true);
        assertThat(p.read(A, 2)).containsExactly(before).doesNotContain(after);
        assertThat(p.drainLossWindows().get(0).fromMs()).isEqualTo(130_000);
    }

    @Test
    void usersInResiliencyModeStillReadTheirHomeCopyWhoseUnshippedWritesAreNotLost() {
        PoolPair p = pair();
        long w = write(p, A, 4, 130_000);                 // after the sync at 120 s: not shipped yet
        p.poolServing(A, false, at(140_000));
        p.tick(at(140_000 + DrSettings.DEFAULT.registrarFailureDetectionMs()), true);
        assertThat(p.mode(A)).isEqualTo(UserMode.RESILIENCY);
        assertThat(p.readLocation(A)).isEqualTo(A);
        assertThat(p.read(A, 4)).containsExactly(w);
    }

    @Test
    void aDisasterFailoverOfAPoolStillRunningLosesWhatItAcknowledgedMeanwhileInsideASecondWindow() {
        PoolPair p = pair();
        p.failover(A, true, true, at(100_000));
        long meanwhile = write(p, A, 6, 150_000);         // the pool still runs and its users still write
        p.tick(at(100_000 + DrSettings.DEFAULT.poolFailoverMs()), true);
        assertThat(p.readLocation(A)).isEqualTo(B);
        assertThat(p.read(A, 6)).doesNotContain(meanwhile);
        List<LossWindow> windows = p.drainLossWindows();
        assertThat(windows).anySatisfy(x -> assertThat(x.covers(A, A, 1, 150_000)).isTrue());
    }
}
