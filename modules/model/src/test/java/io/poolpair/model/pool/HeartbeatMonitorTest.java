package io.poolpair.model.pool;

import io.poolpair.model.pool.HeartbeatMonitor.Verdict;
import io.poolpair.model.pool.HeartbeatMonitor.Verdict.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Failure detection: suspect after 2 missed heartbeats, down after 4, with a 1 s interval. */
class HeartbeatMonitorTest {

    private final HeartbeatMonitor monitor = new HeartbeatMonitor(1_000, 2, 4);

    @Test
    @DisplayName("no verdict while fewer heartbeats are missed than the suspect threshold")
    void quietBeforeSuspect() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(0)).isEmpty();
        assertThat(monitor.check(1_999)).isEmpty();
    }

    @Test
    @DisplayName("suspected at exactly the suspect count, down at exactly the down count")
    void suspectThenDownAtTheRightCounts() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(2_000)).containsExactly(new Verdict("fe01", Kind.SUSPECT, 2));
        assertThat(monitor.check(3_999)).isEmpty();
        assertThat(monitor.check(4_000)).containsExactly(new Verdict("fe01", Kind.DOWN, 4));
    }

    @Test
    @DisplayName("each verdict is reported once")
    void reportedOnce() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(2_000)).hasSize(1);
        assertThat(monitor.check(2_500)).isEmpty();
        assertThat(monitor.check(3_000)).isEmpty();
        assertThat(monitor.check(4_000)).hasSize(1);
        assertThat(monitor.check(5_000)).isEmpty();
        assertThat(monitor.check(60_000)).isEmpty();
        assertThat(monitor.tracks("fe01")).isFalse();
    }

    @Test
    @DisplayName("a long silence between checks gives one down verdict, not a suspect and a down")
    void jumpStraightToDown() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(10_000)).containsExactly(new Verdict("fe01", Kind.DOWN, 10));
        assertThat(monitor.check(20_000)).isEmpty();
    }

    @Test
    @DisplayName("a heartbeat clears a suspicion; the count starts again from it")
    void heartbeatClearsSuspicion() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(2_000)).extracting(Verdict::kind).containsExactly(Kind.SUSPECT);
        assertThat(monitor.heartbeat("fe01", 2_100)).as("was suspected").isTrue();
        assertThat(monitor.check(3_000)).isEmpty();
        assertThat(monitor.check(4_000)).as("4 s after the first beat, but 1.9 s after the last").isEmpty();
        assertThat(monitor.check(4_100)).containsExactly(new Verdict("fe01", Kind.SUSPECT, 2));
        assertThat(monitor.check(6_100)).containsExactly(new Verdict("fe01", Kind.DOWN, 4));
    }

    @Test
    @DisplayName("a heartbeat of a server declared down says it is back, and it is watched again")
    void backAfterDown() {
        monitor.heartbeat("fe01", 0);
        assertThat(monitor.check(4_000)).extracting(Verdict::kind).containsExactly(Kind.DOWN);
        assertThat(monitor.heartbeat("fe01", 9_000)).isTrue();
        assertThat(monitor.tracks("fe01")).isTrue();
        assertThat(monitor.check(10_999)).isEmpty();
        assertThat(monitor.check(11_000)).containsExactly(new Verdict("fe01", Kind.SUSPECT, 2));
    }

    @Test
    @DisplayName("a regular heartbeat of a healthy server is not a return")
    void regularHeartbeat() {
        assertThat(monitor.heartbeat("fe01", 0)).isFalse();
        assertThat(monitor.heartbeat("fe01", 1_000)).isFalse();
        assertThat(monitor.check(2_000)).isEmpty();
    }

    @Test
    @DisplayName("servers are judged independently")
    void independentServers() {
        monitor.heartbeat("fe01", 0);
        monitor.heartbeat("fe02", 0);
        monitor.heartbeat("fe02", 1_500);
        assertThat(monitor.check(2_000)).containsExactly(new Verdict("fe01", Kind.SUSPECT, 2));
        monitor.heartbeat("fe02", 3_000);
        assertThat(monitor.check(4_000)).containsExactly(new Verdict("fe01", Kind.DOWN, 4));
        assertThat(monitor.check(5_000)).containsExactly(new Verdict("fe02", Kind.SUSPECT, 2));
    }

    @Test
    @DisplayName("a forgotten server gets no verdict")
    void forget() {
        monitor.heartbeat("fe01", 0);
        monitor.forget("fe01");
        assertThat(monitor.tracks("fe01")).isFalse();
        assertThat(monitor.check(10_000)).isEmpty();
        assertThat(monitor.heartbeat("fe01", 11_000)).as("forgotten, so not a return").isFalse();
    }

    @Test
    @DisplayName("detection time is interval times the down count")
    void detectionTime() {
        assertThat(monitor.detectionMs()).isEqualTo(4_000);
        assertThat(monitor.intervalMs()).isEqualTo(1_000);
        assertThat(monitor.downAfterMissed()).isEqualTo(4);
    }

    @Test
    @DisplayName("bad settings are refused")
    void badSettings() {
        assertThatThrownBy(() -> new HeartbeatMonitor(0, 2, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HeartbeatMonitor(1_000, 0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HeartbeatMonitor(1_000, 4, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
