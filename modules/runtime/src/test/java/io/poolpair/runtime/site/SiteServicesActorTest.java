package io.poolpair.runtime.site;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.testing.EventRecorder;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sites' copies of the CMS and the Edge routes under Pekko's test kit, the pools' supervisors stood in for by actors
 * that answer their status, and a switch standing for the link between the sites: where each verb runs, the failover
 * preconditions, replication, and a forced CMS failover during a cut that wins over the old master's changes.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
class SiteServicesActorTest {

    @JUnit5TestKit
    public ActorTestKit testKit = new JUnit5TestKitBuilder().withName("SiteServicesActorTest").build();

    private static final Topology T = TopologyLoader.parse("""
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" }, { name = "site-b" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1", "a-fe2", "a-fe3" ],
                users = 6000, backup-pool = "pool-b" }
              { name = "pool-b", role = front-end, site = "site-b", servers = [ "b-fe1", "b-fe2", "b-fe3" ],
                users = 6000, backup-pool = "pool-a" }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "a-edge1", "a-edge2" ], next-hop = "pool-a" }
              { name = "edge-b", role = edge, site = "site-b", servers = [ "b-edge1", "b-edge2" ], next-hop = "pool-b" }
            ]
            """, "t.conf");

    /** 1 min emulated is 1 s here; a CMS failover takes 6 s (longer than a precondition's check across a cut). */
    private static final EmulatorSettings SETTINGS = EmulatorSettings.fromConfig(ConfigFactory.parseString(
            "poolpair.dr.cms-failover-duration = 6m").withFallback(ConfigFactory.load())).withTimeScale(60);

    /** Whether each pool serves, as its supervisor answers. */
    private final Map<String, String> states = new ConcurrentHashMap<>(Map.of(
            "pool-a", "running", "pool-b", "running", "edge-a", "serving", "edge-b", "serving"));
    /** The link between the sites: while cut, nothing crosses. */
    private final AtomicBoolean cut = new AtomicBoolean();

    private final EventBus busA = EventBus.inMemory();
    private final EventBus busB = EventBus.inMemory();
    private final EventRecorder eventsA = EventRecorder.on(busA);
    private final EventRecorder eventsB = EventRecorder.on(busB);
    private ActorRef<SiteServicesActor.Command> a;
    private ActorRef<SiteServicesActor.Command> b;

    private Behavior<PoolProtocol.Command> supervisor(PoolSpec p) {
        return Behaviors.receiveMessage(m -> {
            if (m instanceof PoolProtocol.GetStatus g) {
                g.replyTo().tell(new PoolView(p.name(), p.role().label(), p.site(), states.get(p.name()), null, null, 0, List.of(),
                        null, null, null, 0, 0, p.backupPool()));
            }
            return Behaviors.same();
        });
    }

    /** A message from one site to the other: dropped while the link is cut. */
    private <M> Behavior<M> across(AtomicReference<ActorRef<M>> to) {
        return Behaviors.receiveMessage(m -> {
            if (!cut.get() && to.get() != null) to.get().tell(m);
            return Behaviors.same();
        });
    }

    private void startBothSites() {
        Map<String, ActorRef<PoolProtocol.Command>> local = new LinkedHashMap<>();
        for (PoolSpec p : T.pools()) local.put(p.name(), testKit.spawn(supervisor(p)));
        Map<String, ActorRef<PoolProtocol.Command>> fromA = new LinkedHashMap<>();
        Map<String, ActorRef<PoolProtocol.Command>> fromB = new LinkedHashMap<>();
        for (PoolSpec p : T.pools()) {
            ActorRef<PoolProtocol.Command> remote = testKit.spawn(across(new AtomicReference<>(local.get(p.name()))));
            fromA.put(p.name(), p.site().equals("site-a") ? local.get(p.name()) : remote);
            fromB.put(p.name(), p.site().equals("site-b") ? local.get(p.name()) : remote);
        }
        AtomicReference<ActorRef<SiteServicesActor.Command>> toA = new AtomicReference<>();
        AtomicReference<ActorRef<SiteServicesActor.Command>> toB = new AtomicReference<>();
        ActorRef<SiteServicesActor.Command> aToB = testKit.spawn(across(toB));
        ActorRef<SiteServicesActor.Command> bToA = testKit.spawn(across(toA));
        a = testKit.spawn(SiteServicesActor.create(T, "site-a", SETTINGS, EmulationClock.scaledWall(60), busA, fromA, Map.of("site-b", aToB)));
        b = testKit.spawn(SiteServicesActor.create(T, "site-b", SETTINGS, EmulationClock.scaledWall(60), busB, fromB, Map.of("site-a", bToA)));
        toA.set(a);
        toB.set(b);
    }

    private Reply admin(ActorRef<SiteServicesActor.Command> copy, AdminVerb verb, Map<String, String> args) {
        TestProbe<Reply> r = testKit.createTestProbe();
        copy.tell(new SiteServicesActor.Admin(verb, args, false, r.getRef()));
        return r.expectMessageClass(Reply.class, Duration.ofSeconds(20));
    }

    private String precondition(ActorRef<SiteServicesActor.Command> copy, String home) {
        TestProbe<SiteServicesActor.PreconditionAnswer> r = testKit.createTestProbe();
        copy.tell(new SiteServicesActor.Precondition(home, r.getRef()));
        return r.expectMessageClass(SiteServicesActor.PreconditionAnswer.class, Duration.ofSeconds(20)).reason();
    }

    private SiteServicesActor.SiteStatus status(ActorRef<SiteServicesActor.Command> copy) {
        TestProbe<SiteServicesActor.SiteStatus> r = testKit.createTestProbe();
        copy.tell(new SiteServicesActor.GetSite(r.getRef()));
        return r.expectMessageClass(SiteServicesActor.SiteStatus.class, Duration.ofSeconds(5));
    }

    private void awaitStatus(ActorRef<SiteServicesActor.Command> copy, String what,
                             java.util.function.Predicate<SiteServicesActor.SiteStatus> ok) {
        TestProbe<Object> p = testKit.createTestProbe();
        p.awaitAssert(Duration.ofSeconds(20), Duration.ofMillis(200), () -> {
            assertThat(status(copy)).as(what).matches(ok);
            return null;
        });
    }

    @Test
    void aConfigurationChangeAskedAtTheStandbysSiteRunsAtTheMastersAndReachesBothCopies() {
        startBothSites();
        int markA = eventsA.mark();
        Reply r = admin(b, AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", "edge-b", "pool", "pool-a"));
        assertThat(r.ok()).isTrue();
        assertThat(r.message()).isEqualTo("next hop of edge-b is now pool-a");
        // published at the master's site (site-a), where the CMS is
        eventsA.await(markA, FailoverEvent.EdgeRouteChanged.class, "edge-route-changed at site-a", e -> "pool-a".equals(e.to()));
        assertThat(status(a).edgeNextHops()).containsEntry("edge-b", "pool-a");
        awaitStatus(b, "site-b's copy holds the change", s -> "pool-a".equals(s.edgeNextHops().get("edge-b")));
        awaitStatus(a, "site-a's change is acknowledged", SiteServicesActor.SiteStatus::replicated);
    }

    @Test
    void aPoolFailoverWaitsForTheCmsAndForEveryServingEdgeThatUsesThePool() {
        startBothSites();
        assertThat(precondition(b, "pool-a")).contains("pool pool-a hosts the active Central Management Store");
        assertThat(precondition(a, "pool-b")).contains("Edge pool edge-b uses pool-b as its next hop");
        states.put("edge-b", "down");
        assertThat(precondition(a, "pool-b")).isNull();
    }

    @Test
    void aForcedCmsFailoverDuringACutWinsAndTheOldMastersUnreplicatedChangesAreReportedLost() {
        startBothSites();
        cut.set(true);
        // the master goes on publishing alone
        assertThat(admin(a, AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", "edge-a", "pool", "pool-b")).ok()).isTrue();
        // site-b sees neither pool-a nor edge-a: the master is down for it, a planned failover is refused
        Reply planned = admin(b, AdminVerb.FAILOVER_CMS, Map.of());
        assertThat(planned.ok()).isFalse();
        assertThat(planned.message()).contains("the CMS master pool pool-a is down: a disaster-mode CMS failover needs force");
        // a configuration change asked at site-b cannot reach the master
        Reply unreachable = admin(b, AdminVerb.MOVE_FEDERATION_ROUTE, Map.of("edge", "edge-b"));
        assertThat(unreachable.ok()).isFalse();
        assertThat(unreachable.message()).contains("site-a, which does not answer");

        int markB = eventsB.mark();
        Reply forced = admin(b, AdminVerb.FAILOVER_CMS, Map.of("force", "true"));
        assertThat(forced.message()).isEqualTo("CMS failover to pool-b started (disaster (force))");
        assertThat(precondition(b, "pool-a")).contains("the CMS failover to pool-b is still running");
        eventsB.await(markB, FailoverEvent.CmsMoved.class, "cms-moved at site-b", e -> "pool-b".equals(e.toPool()));
        eventsB.await(markB, FailoverEvent.AdminVerbFinished.class, "failover-cms finished", e -> e.verb().equals("failover-cms"));
        assertThat(status(b).cmsPool()).isEqualTo("pool-b");

        int markA = eventsA.mark();
        cut.set(false);
        FailoverEvent.DataLost lost = eventsA.await(markA, FailoverEvent.DataLost.class, "site-a reports its lost change", e -> true);
        assertThat(lost.writes()).isEqualTo(1);
        assertThat(lost.reason()).contains("configuration changes on pool-a not yet replicated to the standby CMS");
        awaitStatus(a, "site-a takes the new master", s -> "pool-b".equals(s.cmsPool()) && "pool-a".equals(s.edgeNextHops().get("edge-a")));
        // pool-a no longer hosts the CMS, but edge-a still points at it
        assertThat(precondition(a, "pool-a")).contains("Edge pool edge-a uses pool-a as its next hop");
    }

    @Test
    void theAutomaticPolicyMovesTheCmsFirstThenRepointsTheEdgesThatForwardToTheDeadPool() {
        startBothSites();
        // pool-a's Front Ends are gone; edge-a still serves and forwards to pool-a
        states.put("pool-a", "stopped");
        int markB = eventsB.mark();
        TestProbe<Reply> done = testKit.createTestProbe();
        b.tell(new SiteServicesActor.AutoFailover("pool-a", done.getRef()));
        Reply r = done.expectMessageClass(Reply.class, Duration.ofSeconds(30));
        assertThat(r.message()).isEqualTo("re-pointed [edge-a] to pool-b");
        eventsB.await(markB, FailoverEvent.CmsMoved.class, "cms-moved", e -> "pool-b".equals(e.toPool()));
        eventsB.await(markB, FailoverEvent.EdgeRouteChanged.class, "edge-a re-pointed at site-b, the new master's",
                e -> "pool-b".equals(e.to()) && "next hop".equals(e.route()));
        assertThat(precondition(b, "pool-a")).isNull();
        awaitStatus(a, "site-a's copy takes both changes", s -> "pool-b".equals(s.cmsPool())
                && "pool-b".equals(s.edgeNextHops().get("edge-a")));
    }
}
