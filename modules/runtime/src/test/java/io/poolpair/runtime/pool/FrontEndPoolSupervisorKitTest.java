package io.poolpair.runtime.pool;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.DeploymentGuardian;
import io.poolpair.runtime.journal.EventBus;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One Front End pool supervisor under Pekko's test kit, a probe standing in for the deployment guardian
 * (which receives the pool's events): a killed server is detected and its routing groups get new primaries.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontEndPoolSupervisorKitTest {

    @JUnit5TestKit
    public ActorTestKit testKit = new JUnit5TestKitBuilder().withName("FrontEndPoolSupervisorKitTest").build();

    private static final String TOPOLOGY = """
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" } ]
            pools = [ { name = "pool-a", role = front-end, site = "site-a",
                        servers = [ "fe1", "fe2", "fe3", "fe4" ], users = 4000, routing-groups = 40 } ]
            """;

    /** Collects every event the supervisor sends until one matches. */
    private static <T extends FailoverEvent> T awaitEvent(TestProbe<DeploymentGuardian.Command> guardian, Class<T> type,
                                                         List<FailoverEvent> seen) {
        List<T> found = new ArrayList<>();
        guardian.fishForMessage(Duration.ofSeconds(20), m -> {
            if (m instanceof DeploymentGuardian.PoolEvents pe) {
                seen.addAll(pe.events());
                for (FailoverEvent e : pe.events()) if (type.isInstance(e)) found.add(type.cast(e));
            }
            return found.isEmpty() ? FishingOutcomes.continueAndIgnore() : FishingOutcomes.complete();
        });
        return found.get(0);
    }

    @Test
    void aKilledFrontEndIsDetectedAndItsRoutingGroupsArePrimariedElsewhere() {
        Topology t = TopologyLoader.parse(TOPOLOGY, "kit.conf");
        PoolSpec spec = t.pool("pool-a").orElseThrow();
        EmulatorSettings settings = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(20);
        TestProbe<DeploymentGuardian.Command> guardian = testKit.createTestProbe();
        ActorRef<PoolProtocol.Command> sup = testKit.spawn(FrontEndPoolSupervisor.create(spec, t.version(), settings,
                EmulationClock.scaledWall(20), EventBus.inMemory(), guardian.getRef()));
        List<FailoverEvent> seen = new ArrayList<>();
        PoolQuorumRegained started = awaitEvent(guardian, PoolQuorumRegained.class, seen);
        assertThat(started.how()).isEqualTo("first-start");

        TestProbe<PoolProtocol.Reply> reply = testKit.createTestProbe();
        sup.tell(new PoolProtocol.Inject("fe2", FaultKind.KILL, reply.getRef()));
        assertThat(reply.expectMessageClass(PoolProtocol.Reply.class).ok()).isTrue();

        ServerDown down = awaitEvent(guardian, ServerDown.class, seen);
        assertThat(down.where().server()).isEqualTo("fe2");
        assertThat(down.detectedBy()).isEqualTo("terminated");
        List<FailoverEvent> after = new ArrayList<>(seen.subList(seen.indexOf(down), seen.size()));
        // the start-up rebalance of a freshly started pool may still move primaries: look at the failover moves
        while (after.stream().noneMatch(e -> e instanceof PrimaryMoved m && m.reason().equals("failover"))) {
            awaitEvent(guardian, PrimaryMoved.class, after);
        }
        List<PrimaryMoved> moved = after.stream().filter(PrimaryMoved.class::isInstance).map(PrimaryMoved.class::cast).toList();
        List<PrimaryMoved> failovers = moved.stream().filter(m -> m.reason().equals("failover")).toList();
        assertThat(failovers).isNotEmpty().allSatisfy(m -> {
            assertThat(m.fromServer()).isEqualTo("fe2");
            assertThat(m.toServer()).isNotEqualTo("fe2");
            assertThat(m.reason()).isEqualTo("failover");
        });
        assertThat(moved).noneMatch(m -> "fe2".equals(m.toServer()));

        TestProbe<io.poolpair.runtime.status.PoolView> status = testKit.createTestProbe();
        sup.tell(new PoolProtocol.GetStatus(status.getRef()));
        io.poolpair.runtime.status.PoolView view = status.expectMessageClass(io.poolpair.runtime.status.PoolView.class);
        assertThat(view.state()).isEqualTo("running");
        assertThat(view.unserved()).isZero();
        assertThat(view.routingGroups()).noneMatch(g -> "fe2".equals(g.primary()));
        testKit.stop(sup);
    }
}
