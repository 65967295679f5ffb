package io.poolpair.runtime.scenario;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.testing.EventRecorder;
import io.poolpair.runtime.testing.PoolUnderTest;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.poolpair.runtime.testing.EventRecorder.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Scenario steps run against a whole embedded deployment; awaits succeed or fail as a user reads them. */
@ExtendWith(LogCapturingExtension.class)
class ScenarioRunnerTest {

    private static final Topology TOPOLOGY = TopologyLoader.parse("""
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a",
                servers = [ "fe1", "fe2", "fe3", "fe4", "fe5", "fe6" ], users = 18000 }
            ]
            """, "runner-test.conf");

    private EmbeddedDeployment deployment;
    private EventRecorder events;

    @BeforeEach
    void start() {
        EmulatorSettings settings = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(20);
        EventBus bus = EventBus.inMemory();
        events = EventRecorder.on(bus);
        deployment = EmbeddedDeployment.start(TOPOLOGY, settings, EmulationClock.scaledWall(settings.timeScale()), bus,
                ConfigFactory.load());
        events.awaitIndex(0, "pool-quorum-regained", event("pool-quorum-regained", "pool-a", null));
    }

    @AfterEach
    void stop() {
        if (deployment != null) deployment.close();
    }

    /** pool-a settled after its start (looked at again after each event, bounded in time). */
    private PoolView awaitSettled() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EventRecorder.BOUND_SECONDS);
        while (true) {
            int mark = events.mark();
            PoolView v = deployment.status("pool-a");
            if (PoolUnderTest.settled(v)) return v;
            if (System.nanoTime() > deadline) {
                return fail("pool-a never settled (every server up and primary of some group): " + v);
            }
            events.awaitAnySince(mark, java.time.Duration.ofMillis(200));
        }
    }

    @Test
    void awaitsOfOneBatchBothSucceedAndAnAwaitThatCannotHappenFailsWithAReadableMessage() throws InterruptedException {
        PoolView before = awaitSettled();
        Map<String, Long> primaries = before.routingGroups().stream().filter(RoutingGroupView::serving)
                .collect(Collectors.groupingBy(RoutingGroupView::primary, Collectors.counting()));
        String victim = primaries.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();

        Scenario scenario = ScenarioLoader.parse("""
                format-version = 1
                name = "runner-test"
                steps = [
                  { note = "kill a primary" }
                  { kill = "%s" }
                  { wait = 4s }
                  { await = primary-moved, pool = "pool-a", within = 10s }
                  { await = load-redistributed, pool = "pool-a", within = 10s }
                  { await = pool-quorum-lost, pool = "pool-a", within = 2s }
                ]
                """.formatted(victim), "runner-test-scenario.conf");
        assertThat(ScenarioLoader.validate(scenario, TOPOLOGY)).isEmpty();

        List<String> progress = new CopyOnWriteArrayList<>();
        List<StepResult> results = new ScenarioRunner(deployment, progress::add).run(scenario);

        // the wait lets the kill's whole batch (server-down, primary-moved..., load-redistributed) be published
        // before the awaits look: the second await must still find its event after the first one's
        assertThat(results).hasSize(6);
        StepResult note = results.get(0);
        StepResult kill = results.get(1);
        StepResult moved = results.get(3);
        StepResult load = results.get(4);
        StepResult never = results.get(5);
        assertThat(note.ok()).isTrue();
        assertThat(kill.ok()).as(kill.message()).isTrue();
        assertThat(moved.ok()).as(moved.message()).isTrue();
        assertThat(moved.message()).startsWith("saw primary-moved");
        assertThat(load.ok()).as(load.message()).isTrue();
        assertThat(load.message()).startsWith("saw load-redistributed");
        assertThat(never.ok()).isFalse();
        assertThat(never.message()).startsWith("no pool-quorum-lost within").contains("2.0 s emulated");
        assertThat(never.step()).contains("await pool-quorum-lost");

        assertThat(progress).anySatisfy(l -> assertThat(l).contains("FAILED").contains("no pool-quorum-lost within"));
        assertThat(events.since(0)).anySatisfy(e -> {
            assertThat(e).isInstanceOf(RunMarker.class);
            assertThat(((RunMarker) e).detail()).isEqualTo("kill a primary");
        });
        assertThat(events.since(0)).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("server-down");
            assertThat(e.where().server()).isEqualTo(victim);
        });
        assertThat(events.since(0)).noneMatch(e -> e.type().equals("pool-quorum-lost"));
    }

    @Test
    void aWaitStepLetsEmulatedTimePass() throws InterruptedException {
        Scenario scenario = ScenarioLoader.parse("""
                format-version = 1
                steps = [ { wait = 4s } ]
                """, "wait.conf");
        long before = deployment.clock().now().emulatedMs();
        List<StepResult> results = new ScenarioRunner(deployment, l -> { }).run(scenario);
        assertThat(results).singleElement().satisfies(r -> assertThat(r.ok()).isTrue());
        assertThat(deployment.clock().now().emulatedMs() - before).isGreaterThanOrEqualTo(4_000);
    }
}
