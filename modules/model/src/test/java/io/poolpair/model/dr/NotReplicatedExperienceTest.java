package io.poolpair.model.dr;

import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the Backup Service does not carry, as the failed-over users meet it (spec §3.2, §8 item 18). */
class NotReplicatedExperienceTest {

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static PoolPair failedOver() {
        PoolPair p = new PoolPair("pool-a", "site-a", 100, "pool-b", "site-b", 100, DrSettings.DEFAULT, 0);
        p.poolServing("pool-a", true, at(0));
        p.poolServing("pool-b", true, at(0));
        p.poolServing("pool-a", false, at(10_000));
        assertThat(p.failover("pool-a", true, true, at(20_000)).refused()).isFalse();
        p.tick(at(20_000 + DrSettings.DEFAULT.poolFailoverMs()), true);
        assertThat(p.mode("pool-a")).isEqualTo(UserMode.NORMAL);
        assertThat(p.servedBy("pool-a")).isEqualTo("pool-b");
        return p;
    }

    @Test
    void failedOverUsersEmergencyCallsHaveNoLocationUntilTheLisIsRestored() {
        PoolPair p = failedOver();
        PoolPair.Outcome before = p.attempt("pool-a", 1, Operation.EMERGENCY_CALL, at(200_000));
        assertThat(before.ok()).isFalse();
        assertThat(before.refusal()).contains("LIS");
        p.restoreLis("pool-a", at(210_000));
        assertThat(p.attempt("pool-a", 1, Operation.EMERGENCY_CALL, at(220_000)).ok()).isTrue();
    }

    @Test
    void usersServedByTheirHomePoolMakeEmergencyCalls() {
        PoolPair p = new PoolPair("pool-a", "site-a", 100, "pool-b", "site-b", 100, DrSettings.DEFAULT, 0);
        p.poolServing("pool-a", true, at(0));
        assertThat(p.attempt("pool-a", 1, Operation.EMERGENCY_CALL, at(1_000)).ok()).isTrue();
    }
}
