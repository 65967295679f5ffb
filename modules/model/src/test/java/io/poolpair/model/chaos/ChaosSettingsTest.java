package io.poolpair.model.chaos;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code poolpair.chaos}: the documented defaults, and one problem per bad key, naming it. */
class ChaosSettingsTest {

    private static Config with(String overrides) {
        return ConfigFactory.parseString(overrides, com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("my.conf"))
                .withFallback(ConfigFactory.load());
    }

    private static List<Problem> problems(String overrides) {
        InvalidInputException e = catchThrowableOfType(() -> ChaosSettings.fromConfig(with(overrides)), InvalidInputException.class);
        assertThat(e).as("settings %s are refused", overrides).isNotNull();
        return e.problems();
    }

    @Test
    void theReferenceSettingsAreTheDocumentedDefaults() {
        ChaosSettings s = ChaosSettings.fromConfig(ConfigFactory.load());
        assertThat(s.meanTimeBetweenFaultsMs()).isEqualTo(60_000);
        assertThat(s.faultDurationMinMs()).isEqualTo(20_000);
        assertThat(s.faultDurationMaxMs()).isEqualTo(120_000);
        assertThat(s.maxConcurrentFaults()).isEqualTo(2);
        assertThat(s.warmUpMs()).isEqualTo(20_000);
        assertThat(s.settleMs()).isEqualTo(60_000);
        assertThat(s.siteFailover()).isTrue();
        assertThat(s.siteFailoverDecisionMs()).isEqualTo(120_000);
        assertThat(s.weights()).containsEntry(ChaosFault.KILL_FRONT_END, 10.0).containsEntry(ChaosFault.KILL_SITE, 0.5)
                .hasSize(ChaosFault.values().length);
    }

    @Test
    void anOverrideChangesOneKeyAndKeepsTheOtherWeights() {
        ChaosSettings s = ChaosSettings.fromConfig(with("poolpair.chaos { weights { kill-site = 0 }, max-concurrent-faults = 3 }"));
        assertThat(s.weights()).containsEntry(ChaosFault.KILL_SITE, 0.0).containsEntry(ChaosFault.HANG_FRONT_END, 5.0);
        assertThat(s.maxConcurrentFaults()).isEqualTo(3);
    }

    @Test
    void everyBadKeyIsAProblemNamingTheKeyAndItsLine() {
        List<Problem> p = problems("""
                poolpair.chaos {
                  mean-time-between-faults = soon
                  fault-duration { min = 30s, max = 10s }
                  max-concurrent-faults = 0
                  weights { kill-everything = 3, kill-edge = -1 }
                  site-failover.decision-delay = 1s
                }
                """);
        assertThat(p).extracting(Problem::field).containsExactlyInAnyOrder(
                "poolpair.chaos.mean-time-between-faults",
                "poolpair.chaos.fault-duration.max",
                "poolpair.chaos.max-concurrent-faults",
                "poolpair.chaos.weights.kill-everything",
                "poolpair.chaos.weights.kill-edge",
                "poolpair.chaos.site-failover.decision-delay");
        assertThat(p).allSatisfy(x -> assertThat(x.format()).matches("my\\.conf:\\d+: poolpair\\.chaos\\.\\S+: .+"));
        assertThat(p).filteredOn(x -> x.field().endsWith("kill-everything")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("not a chaos fault").contains("kill-front-end"));
        assertThat(p).filteredOn(x -> x.field().endsWith("max-concurrent-faults")).singleElement()
                .satisfies(x -> {
                    assertThat(x.message()).isEqualTo("must be >= 1, got 0");
                    assertThat(x.origin().line()).isEqualTo(4);
                });
    }

    @Test
    void aMenuWithEveryWeightZeroIsRefused() {
        StringBuilder b = new StringBuilder("poolpair.chaos.weights {");
        for (ChaosFault f : ChaosFault.values()) b.append(' ').append(f.label()).append(" = 0,");
        List<Problem> p = problems(b.append(" }").toString());
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.field()).isEqualTo("poolpair.chaos.weights");
            assertThat(x.message()).contains("every weight is 0");
        });
    }
}
