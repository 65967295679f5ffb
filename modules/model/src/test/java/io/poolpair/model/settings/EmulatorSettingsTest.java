package io.poolpair.model.settings;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.topology.Problem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The wall floors guard a real machine's hiccups; on the virtual clock they are off, and so is the limit they set. */
class EmulatorSettingsTest {

    private static final EmulatorSettings DEFAULTS = EmulatorSettings.fromConfig(ConfigFactory.load());

    @Test
    void onTheWallClockTheDetectionFloorLimitsTheTimeScale() {
        assertThat(DEFAULTS.virtualClock()).isFalse();
        assertThat(DEFAULTS.withTimeScale(40).minDetectionEmulatedMs()).isEqualTo(40_000);
        assertThat(DEFAULTS.withTimeScale(60).checkTimerOrder()).isEmpty();
        assertThat(DEFAULTS.withTimeScale(100).checkTimerOrder()).extracting(Problem::format)
                .anySatisfy(p -> assertThat(p).contains("poolpair.time-scale").contains("wall floor"));
        assertThat(DEFAULTS.withTimeScale(1000).checkTimerOrder()).extracting(Problem::format)
                .anySatisfy(p -> assertThat(p).contains("below the 5 ms the emulator can keep"));
    }

    @Test
    void onTheVirtualClockTheTimeScaleIsOneAndTheWallFloorsAreOff() {
        EmulatorSettings v = DEFAULTS.withTimeScale(1000).withVirtualClock();
        assertThat(v.virtualClock()).isTrue();
        assertThat(v.timeScale()).isEqualTo(1.0);
        assertThat(v.wallHeartbeatMs()).as("scheduler ms are emulated ms").isEqualTo(v.heartbeatIntervalMs());
        assertThat(v.minDetectionEmulatedMs()).isZero();
        assertThat(v.checkTimerOrder()).isEmpty();
        assertThat(v.withTimeScale(40)).as("a time-scale does not apply to the virtual clock").isEqualTo(v);
        assertThat(v.withDr(v.dr()).virtualClock()).isTrue();
        assertThat(v.withFrontEnd(v.frontEnd()).virtualClock()).isTrue();
    }

    @Test
    void theVirtualClockStillChecksTheEmulatedTimersOrder() {
        EmulatorSettings v = DEFAULTS.withVirtualClock();
        EmulatorSettings slowHeartbeat = new EmulatorSettings(v.timeScale(), 20_000, v.suspectAfterMissed(),
                v.downAfterMissed(), v.registrarFailureDetectionMs(), v.registrarFailbackDetectionMs(),
                v.backendFlushIntervalMs(), v.frontEnd(), v.minWallHeartbeatMs(), v.minWallDetectionMs(), v.dr(),
                v.workload(), v.rpoSlackMs(), v.dfsReplicationIntervalMs(), true);
        assertThat(slowHeartbeat.checkTimerOrder()).extracting(Problem::format)
                .anySatisfy(p -> assertThat(p).contains("poolpair.heartbeat-interval"));
    }
}
