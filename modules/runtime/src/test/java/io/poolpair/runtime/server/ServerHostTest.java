package io.poolpair.runtime.server;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.Remote;
import io.poolpair.runtime.pool.SpreadPoolSupervisor;
import io.poolpair.runtime.testing.EventRecorder;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multi-node servers under their host (in one JVM here): a server killed on a slow node, whose end its supervisor
 * hears only after the admin already healed it, is started again, not left dead (a kill-site followed at once by
 * heal-site on a loaded machine).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class ServerHostTest {

    @JUnit5TestKit
    public ActorTestKit testKit = new JUnit5TestKitBuilder().withName("ServerHostTest").build();

    private static final Topology T = TopologyLoader.parse("""
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a", servers = [ "fe1", "fe2", "fe3" ], users = 3000 }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "e1", "e2" ], next-hop = "pool-a" }
            ]
            """, "t.conf");

    /** A server that, told to die, first goes silent and ends 1.5 s later: its node is slow to report its end. */
    private static Behavior<ServerCommand> slowToDie(Behavior<ServerCommand> server) {
        return Behaviors.intercept(() -> new BehaviorInterceptor<ServerCommand, ServerCommand>(ServerCommand.class) {
            private boolean dying;

            @Override
            public Behavior<ServerCommand> aroundReceive(TypedActorContext<ServerCommand> ctx, ServerCommand msg,
                                                         ReceiveTarget<ServerCommand> target) {
                if (msg == ServerCommand.Kill.INSTANCE && !dying) {
                    dying = true;
                    ctx.asJava().scheduleOnce(Duration.ofMillis(1500), ctx.asJava().getSelf(), ServerCommand.Kill.INSTANCE);
                    return target.apply(ctx, ServerCommand.Hang.INSTANCE);
                }
                return target.apply(ctx, msg);
            }
        }, server);
    }

    @Test
    void aServerHealedBeforeItsEndWasHeardIsStartedAgain() {
        EmulatorSettings settings = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(20);
        EmulationClock clock = EmulationClock.scaledWall(20);
        EventBus bus = EventBus.inMemory();
        EventRecorder events = EventRecorder.on(bus);
        PoolSpec edge = T.pool("edge-a").orElseThrow();
        Remote remote = new Remote("site-a", 1, Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Map.of("e1", "n1", "e2", "n2"));
        ActorRef<PoolProtocol.Command> sup = testKit.spawn(SpreadPoolSupervisor.create(edge, T.version(), settings, clock, bus,
                null, remote));
        Duration heartbeat = Duration.ofMillis(settings.wallHeartbeatMs());
        ServerHost.ServerFactory slow = (name, inc, host) -> slowToDie(PooledServer.create(Role.EDGE, name, inc, sup, heartbeat, host));
        testKit.spawn(ServerHost.create(Map.of("e1", slow, "e2", slow)));
        events.await(0, ServerUp.class, "e1 up", e -> e.where().server().equals("e1"));
        events.await(0, ServerUp.class, "e2 up", e -> e.where().server().equals("e2"));

        int mark = events.mark();
        TestProbe<PoolProtocol.Reply> reply = testKit.createTestProbe();
        sup.tell(new PoolProtocol.Inject("e1", FaultKind.KILL, reply.getRef()));
        assertThat(reply.expectMessageClass(PoolProtocol.Reply.class).ok()).isTrue();
        // healed at once: the supervisor has not heard of e1's end yet
        sup.tell(new PoolProtocol.Heal("e1", reply.getRef()));
        assertThat(reply.expectMessageClass(PoolProtocol.Reply.class).message()).isEqualTo("healed e1");

        int down = events.awaitIndex(mark, "e1 down", e -> e instanceof ServerDown d && d.where().server().equals("e1"));
        events.await(down, ServerUp.class, "e1 started again and up", e -> e.where().server().equals("e1"));
    }
}
