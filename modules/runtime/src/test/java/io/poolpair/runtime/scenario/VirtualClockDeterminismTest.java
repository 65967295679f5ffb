package io.poolpair.runtime.scenario;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.deploy.Startup;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the virtual clock a scenario is repeatable: the same scenario on the same topology (same seeds) gives the
 * same result at every step and the same events, in the same order, at the same emulated times, with the same
 * text. Nothing is left out of the comparison: every event's whole JSON line (wall time included, which on the
 * virtual clock is the virtual time) must match.
 */
@ExtendWith(LogCapturingExtension.class)
class VirtualClockDeterminismTest {

    private record Run(List<StepResult> steps, List<String> events) {}

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"built-in default", "../../scenarios/site-failover-failback.conf"})
    void theSameScenarioTwiceGivesTheSameStepsAndTheSameEvents(String which) throws Exception {
        Topology topology = TopologyLoader.loadDefault();
        Scenario scenario = which.startsWith("built-in")
                ? ScenarioLoader.loadResource("poolpair/default-scenario.conf", "built-in:default-scenario.conf")
                : ScenarioLoader.load(Path.of(which));
        assertThat(ScenarioLoader.validate(scenario, topology)).isEmpty();

        Run first = run(topology, scenario);
        Run second = run(topology, scenario);

        // the runs did something worth comparing: every step passed, and awaits saw their events
        assertThat(first.steps()).hasSize(scenario.steps().size()).allSatisfy(r -> assertThat(r.ok()).as("%s", r).isTrue());
        assertThat(first.steps()).anySatisfy(r -> assertThat(r.message()).startsWith("saw "));
        assertThat(first.events()).hasSizeGreaterThan(100);

        assertThat(second.steps()).containsExactlyElementsOf(first.steps());
        assertThat(second.events()).containsExactlyElementsOf(first.events());
    }

    private static Run run(Topology topology, Scenario scenario) throws Exception {
        EmulatorSettings settings = EmulatorSettings.fromConfig(ConfigFactory.load()).withVirtualClock();
        assertThat(settings.checkTimerOrder()).isEmpty();
        EmulationClock clock = EmulationClock.virtual();
        try (EventBus bus = EventBus.inMemory()) {
            CompletableFuture<Long> healthy = Startup.whenHealthy(topology, bus);
            try (EmbeddedDeployment d = EmbeddedDeployment.start(topology, settings, clock, bus, ConfigFactory.load())) {
                clock.await(healthy, 30_000);
                List<StepResult> steps = new ScenarioRunner(d, line -> { }).run(scenario);
                List<String> events = bus.history().stream().map(VirtualClockDeterminismTest::line).toList();
                return new Run(steps, events);
            }
        }
    }

    private static String line(FailoverEvent e) {
        return EventJson.toLine(e);
    }
}
