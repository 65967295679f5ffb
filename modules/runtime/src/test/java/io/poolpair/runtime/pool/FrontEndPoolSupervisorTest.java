package io.poolpair.runtime.pool;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.PoolQuorumLost;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.PrimarySteppedDown;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import io.poolpair.runtime.testing.PoolUnderTest;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.poolpair.runtime.testing.EventRecorder.event;
import static io.poolpair.runtime.testing.PoolUnderTest.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Front End pool supervisor running live in an embedded deployment: faults go in through the deployment,
 * detection happens through terminations and missed heartbeats, and what comes out is checked the way a user
 * sees it: events and status.
 */
@ExtendWith(LogCapturingExtension.class)
class FrontEndPoolSupervisorTest {

    /**
     * Defaults, 20 times faster than life: the wall heartbeat is 100 ms, and a frozen server is declared down
     * after 1 s of wall silence (the min-wall-detection floor). Placement work after a failure (replica rebuild,
     * rebalance) is pushed past the end of every test, so the routing groups a test reads from the status once
     * the pool has settled are the ones its fault acts on.
     */
    private static final EmulatorSettings SETTINGS;

    static {
        EmulatorSettings s = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(20);
        SETTINGS = s.withFrontEnd(s.frontEnd().withRebuildDelayMs(3_600_000));
    }

    private static final List<String> SIX = List.of("fe1", "fe2", "fe3", "fe4", "fe5", "fe6");

    private static Topology topology(int servers, int users) {
        String names = SIX.subList(0, servers).stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        return TopologyLoader.parse("""
                format-version = 1
                product-version = "2015"
                cms-pool = "pool-a"
                sites = [ { name = "site-a" } ]
                pools = [
                  { name = "pool-a", role = front-end, site = "site-a", servers = [ %s ], users = %d }
                ]
                """.formatted(names, users), "fe-test.conf");
    }

    private PoolUnderTest startPool(int servers, int users) {
        PoolUnderTest pool = PoolUnderTest.start(topology(servers, users), "pool-a", SETTINGS);
        try {
            pool.events.awaitIndex(0, "pool-quorum-regained (first start)", event("pool-quorum-regained", "pool-a", null));
            return pool;
        } catch (RuntimeException | Error e) {
            pool.close();
            throw e;
        }
    }

    /** The server that is primary of the most serving routing groups. */
    private static String busiestPrimary(PoolView v) {
        Map<String, Long> counts = v.routingGroups().stream().filter(RoutingGroupView::serving)
                .collect(Collectors.groupingBy(RoutingGroupView::primary, LinkedHashMap::new, Collectors.counting()));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static Map<Integer, RoutingGroupView> groupsWithPrimary(PoolView v, String server) {
        return v.routingGroups().stream().filter(g -> server.equals(g.primary()))
                .collect(Collectors.toMap(RoutingGroupView::id, Function.identity()));
    }

    private static RoutingGroupView group(PoolView v, int id) {
        return v.routingGroups().stream().filter(g -> g.id() == id).findFirst().orElseThrow();
    }

    private static void assertOk(Reply r) {
        assertThat(r.ok()).as("reply: %s", r.message()).isTrue();
    }

    @Test
    void killingAPrimaryMovesExactlyItsRoutingGroupsToLiveSecondariesAtTheNextEpoch() {
        try (PoolUnderTest pool = startPool(6, 18_000)) {
            PoolView before = pool.awaitFrontEndsSettled();
            String victim = busiestPrimary(before);
            Map<Integer, RoutingGroupView> itsGroups = groupsWithPrimary(before, victim);
            assertThat(itsGroups).isNotEmpty();

            int mark = pool.events.mark();
            assertOk(pool.inject(victim, FaultKind.KILL));

            int downAt = pool.events.awaitIndex(mark, "server-down of " + victim, event("server-down", "pool-a", victim));
            assertThat(((ServerDown) pool.events.get(downAt)).detectedBy()).isEqualTo("terminated");
            // the model reports one batch: server-down, the promotions, then the new load per server
            int loadAt = pool.events.awaitIndex(downAt, "load-redistributed after " + victim + " went down",
                    e -> e instanceof LoadRedistributed l && l.reason().equals(victim + " down"));
            List<PrimaryMoved> moved = pool.events.between(downAt, loadAt).stream()
                    .filter(PrimaryMoved.class::isInstance).map(PrimaryMoved.class::cast).toList();

            assertThat(moved).extracting(m -> m.where().routingGroup())
                    .containsExactlyInAnyOrderElementsOf(itsGroups.keySet());
            for (PrimaryMoved m : moved) {
                RoutingGroupView was = itsGroups.get(m.where().routingGroup());
                assertThat(m.fromServer()).isEqualTo(victim);
                assertThat(m.toServer()).as("new primary of group %d", was.id()).isNotEqualTo(victim).isIn(was.live());
                assertThat(m.epoch()).as("epoch of group %d", was.id()).isEqualTo(was.epoch() + 1);
            }

            PoolView after = pool.status();
            assertThat(after.state()).isEqualTo("running");
            ServerView dead = server(after, victim);
            assertThat(dead.observed()).isEqualTo("down");
            assertThat(dead.fault()).isEqualTo("killed");
            assertThat(dead.load()).isZero();
            assertThat(after.unserved()).as("users without service").isZero();
            for (PrimaryMoved m : moved) {
                RoutingGroupView now = group(after, m.where().routingGroup());
                assertThat(now.primary()).isEqualTo(m.toServer());
                assertThat(now.epoch()).isEqualTo(m.epoch());
                assertThat(now.serving()).isTrue();
            }
        }
    }

    @Test
    void aHungPrimaryIsDetectedByHeartbeatAndAfterItResumesItsWritesAtTheOldEpochAreRefused() {
        try (PoolUnderTest pool = startPool(6, 18_000)) {
            PoolView before = pool.awaitFrontEndsSettled();
            String victim = busiestPrimary(before);
            RoutingGroupView group = groupsWithPrimary(before, victim).values().iterator().next();

            int mark = pool.events.mark();
            assertOk(pool.inject(victim, FaultKind.HANG));
            int suspectedAt = pool.events.awaitIndex(mark, "server-suspected of " + victim,
                    event("server-suspected", "pool-a", victim));
            int downAt = pool.events.awaitIndex(suspectedAt, "server-down of " + victim,
                    event("server-down", "pool-a", victim));
            assertThat(((ServerDown) pool.events.get(downAt)).detectedBy()).isEqualTo("heartbeat");
            PrimaryMoved moved = pool.events.await(downAt, PrimaryMoved.class, "primary-moved of group " + group.id(),
                    m -> m.where().routingGroup() == group.id());
            assertThat(moved.fromServer()).isEqualTo(victim);
            assertThat(moved.epoch()).isEqualTo(group.epoch() + 1);

            PoolView hung = pool.status();
            assertThat(server(hung, victim).fault()).isEqualTo("hung");
            assertThat(server(hung, victim).observed()).isEqualTo("down");
            assertThat(hung.state()).isEqualTo("running");
            assertThat(hung.unserved()).isZero();

            int healMark = pool.events.mark();
            assertOk(pool.heal(victim));
            pool.events.awaitIndex(healMark, "server-up of " + victim, event("server-up", "pool-a", victim));
            PoolView resumed = pool.awaitStatus(victim + " observed up", v -> server(v, victim).observed().equals("up"));
            assertThat(server(resumed, victim).fault()).isNull();

            // the resumed server still believes it is primary at the epoch it held before the freeze
            int writeMark = pool.events.mark();
            WriteReply stale = pool.write(victim, group.id(), group.epoch());
            assertThat(stale.acknowledged()).isFalse();
            assertThat(stale.refusal()).contains("stale");
            PrimarySteppedDown steppedDown = pool.events.await(writeMark, PrimarySteppedDown.class,
                    "primary-stepped-down of " + victim, s -> victim.equals(s.where().server()));
            assertThat(steppedDown.where().routingGroup()).isEqualTo(group.id());
            assertThat(steppedDown.staleEpoch()).isEqualTo(group.epoch());
            assertThat(steppedDown.currentEpoch()).isEqualTo(moved.epoch());
            assertThat(steppedDown.currentPrimary()).isEqualTo(moved.toServer());

            WriteReply fresh = pool.write(moved.toServer(), group.id(), moved.epoch());
            assertThat(fresh.acknowledged()).as("write via the current primary: %s", fresh.refusal()).isTrue();
            assertThat(fresh.server()).isEqualTo(moved.toServer());
            assertThat(fresh.epoch()).isEqualTo(moved.epoch());
        }
    }

    @Test
    void losingFourOfSixLosesPoolQuorumAndHealingAllRestartsThePool() {
        try (PoolUnderTest pool = startPool(6, 18_000)) {
            pool.awaitFrontEndsSettled();
            List<String> killed = List.of("fe1", "fe2", "fe3", "fe4");
            List<String> survivors = List.of("fe5", "fe6");

            int mark = pool.events.mark();
            for (String s : killed) assertOk(pool.inject(s, FaultKind.KILL));
            int lostAt = pool.events.awaitIndex(mark, "pool-quorum-lost", event("pool-quorum-lost", "pool-a", null));
            PoolQuorumLost lost = (PoolQuorumLost) pool.events.get(lostAt);
            assertThat(lost.running()).isEqualTo(2);
            assertThat(lost.stopped()).containsExactlyInAnyOrderElementsOf(survivors);
            // "any 3 of 6": three down still run; the fourth one's loss is what stops the pool
            assertThat(pool.events.between(mark, lostAt)).as("server-downs before the pool lost quorum")
                    .filteredOn(e -> e.type().equals("server-down") && "pool-a".equals(e.where().pool()))
                    .extracting(e -> e.where().server())
                    .containsExactlyInAnyOrderElementsOf(killed);

            PoolView v = pool.status();
            assertThat(v.state()).isEqualTo("quorum-lost");
            for (String s : survivors) {
                assertThat(server(v, s).observed()).as(s).isEqualTo("stopped");
                assertThat(server(v, s).fault()).as(s).isNull();
            }
            for (String s : killed) {
                assertThat(server(v, s).observed()).as(s).isEqualTo("down");
                assertThat(server(v, s).fault()).as(s).isEqualTo("killed");
            }
            assertThat(v.unserved()).as("users without service").isEqualTo(18_000);

            int healMark = pool.events.mark();
            Reply healed = pool.heal(null);
            assertOk(healed);
            assertThat(healed.message()).contains(killed);
            PoolQuorumRegained regained = pool.events.await(healMark, PoolQuorumRegained.class, "pool-quorum-regained",
                    e -> "pool-a".equals(e.where().pool()));
            assertThat(regained.how()).isEqualTo("restart");
            PoolView back = pool.awaitAllUp();
            assertThat(back.state()).isEqualTo("running");
            assertThat(back.unserved()).isZero();
            assertThat(back.servers()).allSatisfy(s -> assertThat(s.fault()).isNull());
        }
    }

    @Test
    void aRestartFaultTakesTheServerDownAndBringsItBack() {
        try (PoolUnderTest pool = startPool(6, 18_000)) {
            pool.awaitFrontEndsSettled();
            int mark = pool.events.mark();
            assertOk(pool.inject("fe2", FaultKind.RESTART));
            int downAt = pool.events.awaitIndex(mark, "server-down of fe2", event("server-down", "pool-a", "fe2"));
            assertThat(((ServerDown) pool.events.get(downAt)).detectedBy()).isEqualTo("terminated");
            pool.events.awaitIndex(downAt, "server-up of fe2 after its restart", event("server-up", "pool-a", "fe2"));
            PoolView v = pool.awaitAllUp();
            assertThat(server(v, "fe2").fault()).isNull();
            assertThat(v.state()).isEqualTo("running");
        }
    }

    @Test
    void drainingIsRefusedWhenTheRestWouldBeOverTheGuidelineUnlessForced() {
        // 5 Front Ends, 30,000 users: 6,000 each; after a drain 4 would carry 7,500 each (guideline 6,660)
        try (PoolUnderTest pool = startPool(5, 30_000)) {
            pool.awaitFrontEndsSettled();
            int mark = pool.events.mark();
            Reply refused = pool.admin(AdminVerb.DRAIN_SERVER, Map.of("server", "fe1", "force", "false"));
            assertThat(refused.ok()).isFalse();
            assertThat(refused.message()).contains("6660 guideline").contains("force");
            AdminVerbRefused refusal = pool.events.await(mark, AdminVerbRefused.class, "admin-verb-refused",
                    e -> "pool-a".equals(e.where().pool()));
            assertThat(refusal.verb()).isEqualTo("drain-server");
            assertThat(server(pool.status(), "fe1").observed()).isEqualTo("up");

            int forceMark = pool.events.mark();
            Reply forced = pool.admin(AdminVerb.DRAIN_SERVER, Map.of("server", "fe1", "force", "true"));
            assertOk(forced);
            assertThat(forced.message()).contains("fe1 drained");
            ServerDown drained = pool.events.await(forceMark, ServerDown.class, "server-down of fe1",
                    e -> "fe1".equals(e.where().server()));
            assertThat(drained.detectedBy()).isEqualTo("drain");
            PoolView v = pool.status();
            assertThat(server(v, "fe1").observed()).isEqualTo("drained");
            assertThat(server(v, "fe1").load()).isZero();
            assertThat(v.state()).isEqualTo("running");
            assertThat(v.unserved()).isZero();
        }
    }

    @Test
    void quorumLossRecoveryOnAHealthyPoolHasNothingToRecover() {
        try (PoolUnderTest pool = startPool(6, 18_000)) {
            pool.awaitFrontEndsSettled();
            Reply r = pool.admin(AdminVerb.QUORUM_LOSS_RECOVERY, Map.of("pool", "pool-a"));
            assertOk(r);
            assertThat(r.message()).contains("no routing group");
            assertThat(pool.status().state()).isEqualTo("running");
        }
    }
}
