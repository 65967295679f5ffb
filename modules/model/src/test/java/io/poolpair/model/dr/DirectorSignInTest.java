package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Clients sign in through a Director where the topology has Director pools (spec §4.1 step 4, §6.3). */
class DirectorSignInTest {

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static List<UsersMoved> moves(List<FailoverEvent> ev) {
        return ev.stream().filter(UsersMoved.class::isInstance).map(UsersMoved.class::cast).toList();
    }

    @Test
    void withNoDirectorReachableUsersCannotSignInUntilOneReturns() {
        PoolPair p = new PoolPair("pool-a", "site-a", 100, "pool-b", "site-b", 100, DrSettings.DEFAULT, 0);
        p.setDirectorsReachable(false, at(0));
        assertThat(moves(p.poolServing("pool-a", true, at(1_000)))).isEmpty();
        assertThat(p.mode("pool-a")).isEqualTo(UserMode.SIGNED_OUT);

        List<UsersMoved> signedIn = moves(p.setDirectorsReachable(true, at(5_000)));
        assertThat(signedIn).hasSize(1);
        assertThat(signedIn.get(0).toMode()).isEqualTo("normal");
        assertThat(signedIn.get(0).servedBy()).isEqualTo("pool-a");
        assertThat(signedIn.get(0).reason()).contains("via a Director");
        assertThat(p.mode("pool-a")).isEqualTo(UserMode.NORMAL);
        // pool-b never came up: its users stay signed out
        assertThat(p.mode("pool-b")).isEqualTo(UserMode.SIGNED_OUT);
    }

    @Test
    void signedInUsersKeepTheirSessionsWhenTheDirectorsGo() {
        PoolPair p = new PoolPair("pool-a", "site-a", 100, "pool-b", "site-b", 100, DrSettings.DEFAULT, 0);
        p.poolServing("pool-a", true, at(0));
        assertThat(moves(p.setDirectorsReachable(false, at(1_000)))).isEmpty();
        assertThat(p.mode("pool-a")).isEqualTo(UserMode.NORMAL);
    }

    @Test
    void aPendingSignInIsDroppedWhenTheTargetPoolDies() {
        PoolPair p = new PoolPair("pool-a", "site-a", 100, "pool-b", "site-b", 100, DrSettings.DEFAULT, 0);
        p.setDirectorsReachable(false, at(0));
        p.poolServing("pool-a", true, at(1_000));
        p.poolServing("pool-a", false, at(2_000));
        assertThat(moves(p.setDirectorsReachable(true, at(3_000)))).isEmpty();
        assertThat(p.mode("pool-a")).isEqualTo(UserMode.SIGNED_OUT);
    }
}
