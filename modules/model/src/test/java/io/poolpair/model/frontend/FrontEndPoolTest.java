package io.poolpair.model.frontend;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.CapacityExceeded;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.PoolQuorumLost;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.PoolStartBlocked;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.ReplicaRebuilt;
import io.poolpair.model.event.FailoverEvent.RoutingGroupLost;
import io.poolpair.model.event.FailoverEvent.RoutingGroupQuorumLost;
import io.poolpair.model.event.FailoverEvent.RoutingGroupRecovered;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.frontend.FrontEndSettings.QuorumLossService;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.ProductVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Front End pool as a user sees it: spec §2 and §8 items 1, 3–7 and 17. */
class FrontEndPoolTest {

    private static final int GUIDELINE = 6_660;

    // ------------------------------------------------------------------ helpers

    /**
     * Emulated time at which a test's story starts. Pools built by {@link #running} were started at 0 and
     * settled by the placement tick that follows the start, long before this.
     */
    private static final long STORY = 3_600_000;

    /** {@code ms} into the test's story. */
    private static Time t(long ms) { return Time.ofEmulated(STORY + ms); }

    private static List<String> names(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("fe%02d", i)).toList();
    }

    private static FrontEndPool pool(int n, int users, int groups, ProductVersion v, FrontEndSettings s) {
        return new FrontEndPool("pool1", "site1", names(n), users, groups, v, s);
    }

    private static FrontEndPool pool(int n, int users, int groups) {
        return pool(n, users, groups, ProductVersion.SFB_2015, FrontEndSettings.DEFAULT);
    }

    /** Brings the first {@code count} servers up at {@code now}; returns every event. */
    private static List<FailoverEvent> up(FrontEndPool p, int count, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        for (int i = 0; i < count; i++) ev.addAll(p.serverUp(p.servers().get(i), now));
        return ev;
    }

    /**
     * A pool whose servers were all started at time 0 and that has since been running long enough for
     * Windows Fabric to settle (the placement tick after the start has run).
     */
    private static FrontEndPool running(int n, int users, int groups, ProductVersion v, FrontEndSettings s) {
        FrontEndPool p = pool(n, users, groups, v, s);
        up(p, n, Time.ofEmulated(0));
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        p.placementTick(Time.ofEmulated(p.placementDue().orElse(0)));
        assertThat(p.placementDue()).isEmpty();
        return p;
    }

    private static FrontEndPool running(int n, int users, int groups) {
        return running(n, users, groups, ProductVersion.SFB_2015, FrontEndSettings.DEFAULT);
    }

    private static <T extends FailoverEvent> List<T> ofType(List<FailoverEvent> ev, Class<T> type) {
        return ev.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends FailoverEvent> List<T> forGroup(List<FailoverEvent> ev, Class<T> type, int group) {
        return ofType(ev, type).stream().filter(e -> Integer.valueOf(group).equals(e.where().routingGroup())).toList();
    }

    private static int sum(Map<String, Integer> m) { return m.values().stream().mapToInt(Integer::intValue).sum(); }

    private static long replicasOn(FrontEndPool p, String server) {
        return p.groups().stream().filter(g -> g.replicas().contains(server)).count();
    }

    private static long primariesOn(FrontEndPool p, String server) {
        return p.groups().stream().filter(g -> server.equals(g.primary()) && g.serving()).count();
    }

    /** Every running server's load is within ±10 % of the average over the running servers. */
    private static void assertEvenSpread(FrontEndPool p) {
        Map<String, Integer> load = p.usersPerServer();
        List<String> run = p.running().stream().map(p.servers()::get).toList();
        double avg = (double) p.users() / run.size();
        for (String s : run) {
            assertThat((double) load.get(s)).as("users on %s (average %.0f) in %s", s, avg, load)
                    .isBetween(avg * 0.9, avg * 1.1);
        }
    }

    // ------------------------------------------------------------------ start (§2.3 Table B, §8 items 3–4)

    @Nested
    @DisplayName("starting a pool")
    class Start {

        @Test
        @DisplayName("first start with all servers up: one PoolQuorumRegained(first-start), every group served")
        void firstStartAllUp() {
            FrontEndPool p = pool(6, 6_000, 60);
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
            assertThat(p.usersWithoutService()).isEqualTo(6_000);
            List<FailoverEvent> ev = up(p, 6, t(0));
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement().satisfies(e -> {
                assertThat(e.how()).isEqualTo("first-start");
                assertThat(e.where().pool()).isEqualTo("pool1");
            });
            assertThat(ofType(ev, ServerUp.class)).hasSize(6);
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(p.usersWithoutService()).isZero();
            assertThat(sum(p.usersPerServer())).isEqualTo(6_000);
            assertThat(p.groupsIn(GroupState.HEALTHY)).isEqualTo(60);
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.replicas()).as("group %d", g.id()).hasSize(3).doesNotHaveDuplicates();
                assertThat(g.replicas()).contains(g.primary());
                assertThat(g.serving()).isTrue();
            }
        }

        @Test
        @DisplayName("routing groups are spread evenly: primaries and replicas per server differ by at most one")
        void initialPlacementEven() {
            FrontEndPool p = running(7, 7_000, 70, ProductVersion.SFB_2015, FrontEndSettings.DEFAULT);
            for (String s : p.servers()) {
                assertThat(primariesOn(p, s)).as("primaries on %s", s).isEqualTo(10);
                assertThat(replicasOn(p, s)).as("replicas on %s", s).isEqualTo(30);
            }
        }

        @Test
        @DisplayName("12-FE pool (§8 item 3) started with 9 up stays STARTING, blocked by Table B")
        void twelveWithNineBlocked() {
            FrontEndPool p = pool(12, 12_000, 120);
            List<FailoverEvent> ev = up(p, 9, t(0));
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
            assertThat(ofType(ev, PoolQuorumRegained.class)).isEmpty();
            assertThat(ofType(ev, PoolStartBlocked.class)).as("reported once, when quorum is first reached")
                    .singleElement().satisfies(e -> assertThat(e.neededToStart()).isEqualTo(10));
            assertThat(p.runningCount()).isEqualTo(9);
            assertThat(p.blockedReason()).contains("10");
            assertThat(p.usersWithoutService()).isEqualTo(12_000);
            assertThat(p.groups()).noneMatch(RoutingGroupView::serving);
        }

        @Test
        @DisplayName("12-FE pool stuck at 9: QuorumLossRecovery lets it proceed and every user is served")
        void twelveWithNineThenQuorumLossRecovery() {
            FrontEndPool p = pool(12, 12_000, 120);
            up(p, 9, t(0));
            AdminResult r = p.quorumLossRecovery(t(1_000));
            assertThat(r.refused()).isFalse();
            assertThat(ofType(r.events(), PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("quorum-loss-recovery"));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(p.usersWithoutService()).isZero();
            assertThat(sum(p.usersPerServer())).isEqualTo(12_000);
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.serving()).as("group %d", g.id()).isTrue();
                assertThat(List.of("fe10", "fe11", "fe12")).doesNotContain(g.primary());
            }
        }

        @Test
        @DisplayName("12-FE pool started with 10 up runs (first start)")
        void twelveWithTenRuns() {
            FrontEndPool p = pool(12, 12_000, 120);
            List<FailoverEvent> ev = up(p, 10, t(0));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("first-start"));
            assertThat(p.usersWithoutService()).isZero();
        }

        @Test
        @DisplayName("12-FE pool below Table A (4 of the first 9) cannot even be recovered")
        void twelveBelowQuorumRefused() {
            FrontEndPool p = pool(12, 12_000, 120);
            up(p, 4, t(0));
            AdminResult r = p.quorumLossRecovery(t(1_000));
            assertThat(r.refused()).isTrue();
            assertThat(r.message()).contains("any 5 of the first 9");
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
        }

        @Test
        @DisplayName("16-FE SfB 2019 pool (§8 item 4): 11 up stays STARTING, 12 up runs")
        void sixteen2019() {
            FrontEndPool p = pool(16, 16_000, 160, ProductVersion.SFB_2019, FrontEndSettings.DEFAULT);
            up(p, 11, t(0));
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
            List<FailoverEvent> ev = p.serverUp("fe12", t(1_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.running()).isEqualTo(12));
        }
    }

    // ------------------------------------------------------------------ pool quorum (§8 item 1)

    @Test
    @DisplayName("6-FE pool (§8 item 1): 3 stopped keeps running; a 4th loses pool quorum and nobody is served")
    void sixFrontEndPoolQuorum() {
        FrontEndPool p = running(6, 6_000, 60);
        for (String s : List.of("fe01", "fe02", "fe03")) {
            List<FailoverEvent> ev = p.serverDown(s, "terminated", t(1_000));
            assertThat(ofType(ev, PoolQuorumLost.class)).isEmpty();
        }
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        assertThat(p.usersWithoutService()).as("groups whose 3 replicas were all on fe01–fe03 wait for recovery")
                .isEqualTo(p.groups().stream().filter(g -> !g.serving()).mapToInt(RoutingGroupView::users).sum());

        List<FailoverEvent> ev = p.serverDown("fe04", "terminated", t(2_000));
        assertThat(p.state()).isEqualTo(PoolState.QUORUM_LOST);
        assertThat(ofType(ev, PoolQuorumLost.class)).singleElement().satisfies(e -> {
            assertThat(e.running()).isEqualTo(2);
            assertThat(e.needed()).isEqualTo(3);
            assertThat(e.stopped()).containsExactlyInAnyOrder("fe05", "fe06");
        });
        assertThat(p.groups()).noneMatch(RoutingGroupView::serving);
        assertThat(p.usersWithoutService()).isEqualTo(6_000);
        assertThat(sum(p.usersPerServer())).isZero();
        assertThat(p.isServing("fe05")).isFalse();
        assertThat(p.primaryOf(0)).isEmpty();
        assertThat(p.write(0).acknowledged()).isFalse();
        assertThat(p.groupsIn(GroupState.OFFLINE)).as("group states say the pool is down")
                .isEqualTo(p.routingGroupCount());
    }

    @Test
    @DisplayName("a pool that lost quorum restarts once enough servers return (Table B), not at the Table A level")
    void restartAfterQuorumLoss() {
        FrontEndPool p = running(6, 6_000, 60);
        for (String s : List.of("fe01", "fe02", "fe03", "fe04")) p.serverDown(s, "terminated", t(1_000));
        assertThat(p.state()).isEqualTo(PoolState.QUORUM_LOST);
        p.serverUp("fe01", t(2_000));
        assertThat(p.state()).as("3 of 6 is quorum but not a start").isEqualTo(PoolState.STARTING);
        p.serverUp("fe02", t(3_000));
        List<FailoverEvent> ev = p.serverUp("fe03", t(4_000));
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                .satisfies(e -> assertThat(e.how()).isEqualTo("restart"));
        assertThat(p.groups()).filteredOn(RoutingGroupView::serving)
                .allSatisfy(g -> assertThat(g.live()).contains(g.primary()));
    }

    // ------------------------------------------------------------------ routing groups (§8 item 6)

    @Nested
    @DisplayName("routing group 0 loses its replicas one by one")
    class GroupLoss {

        @Test
        @DisplayName("primary killed: a secondary is promoted with epoch + 1 and the users keep service")
        void primaryKilled() {
            FrontEndPool p = running(6, 6_000, 60);
            RoutingGroupView g0 = p.group(0);
            String primary = g0.primary();
            List<FailoverEvent> ev = p.serverDown(primary, "terminated", t(1_000));
            assertThat(forGroup(ev, PrimaryMoved.class, 0)).singleElement().satisfies(e -> {
                assertThat(e.fromServer()).isEqualTo(primary);
                assertThat(e.toServer()).isIn(g0.replicas()).isNotEqualTo(primary);
                assertThat(e.epoch()).isEqualTo(g0.epoch() + 1);
                assertThat(e.users()).isEqualTo(g0.users());
            });
            RoutingGroupView after = p.group(0);
            assertThat(after.serving()).isTrue();
            assertThat(after.state()).isEqualTo(GroupState.DEGRADED);
            assertThat(after.epoch()).isEqualTo(g0.epoch() + 1);
            assertThat(p.primaryOf(0)).contains(after.primary());
            assertThat(p.write(0).acknowledged()).as("primary plus one secondary still takes writes").isTrue();
            assertThat(forGroup(ev, RoutingGroupQuorumLost.class, 0)).isEmpty();
        }

        @Test
        @DisplayName("secondary killed: the primary and the epoch stay, the group is degraded")
        void secondaryKilled() {
            FrontEndPool p = running(6, 6_000, 60);
            RoutingGroupView g0 = p.group(0);
            String secondary = g0.replicas().stream().filter(s -> !s.equals(g0.primary())).findFirst().orElseThrow();
            List<FailoverEvent> ev = p.serverDown(secondary, "terminated", t(1_000));
            assertThat(forGroup(ev, PrimaryMoved.class, 0)).isEmpty();
            assertThat(p.group(0).primary()).isEqualTo(g0.primary());
            assertThat(p.group(0).epoch()).isEqualTo(g0.epoch());
            assertThat(p.group(0).state()).isEqualTo(GroupState.DEGRADED);
            assertThat(p.group(0).serving()).isTrue();
        }

        /** Kills group 0's primary twice (second and third replica in turn); returns the events of the last kill. */
        private List<FailoverEvent> downToOneReplica(FrontEndPool p) {
            p.serverDown(p.group(0).primary(), "terminated", t(1_000));
            return p.serverDown(p.group(0).primary(), "terminated", t(2_000));
        }

        @Test
        @DisplayName("second replica killed: routing-group quorum loss; READ_ONLY keeps it served but refuses writes")
        void quorumLossReadOnly() {
            FrontEndPool p = running(6, 6_000, 60);
            long epoch0 = p.epochOf(0);
            List<FailoverEvent> ev = downToOneReplica(p);
            assertThat(forGroup(ev, RoutingGroupQuorumLost.class, 0)).singleElement().satisfies(e -> {
                assertThat(e.liveReplicas()).isEqualTo(1);
                assertThat(e.service()).isEqualTo("read-only");
                assertThat(e.users()).isEqualTo(p.group(0).users());
            });
            assertThat(forGroup(ev, PrimaryMoved.class, 0)).singleElement()
                    .satisfies(e -> assertThat(e.epoch()).isEqualTo(epoch0 + 2));
            RoutingGroupView g = p.group(0);
            assertThat(g.state()).isEqualTo(GroupState.QUORUM_LOSS);
            assertThat(g.live()).containsExactly(g.primary());
            assertThat(g.serving()).isTrue();
            assertThat(p.primaryOf(0)).contains(g.primary());
            FrontEndPool.WriteResult w = p.write(0);
            assertThat(w.acknowledged()).isFalse();
            assertThat(w.refusal()).contains("quorum loss");
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        }

        @Test
        @DisplayName("second replica killed with QuorumLossService NONE: the group's users get no service")
        void quorumLossNone() {
            FrontEndPool p = running(6, 6_000, 60, ProductVersion.SFB_2015,
                    FrontEndSettings.DEFAULT.withQuorumLossService(QuorumLossService.NONE));
            List<FailoverEvent> ev = downToOneReplica(p);
            assertThat(forGroup(ev, RoutingGroupQuorumLost.class, 0)).singleElement()
                    .satisfies(e -> assertThat(e.service()).isEqualTo("none"));
            RoutingGroupView g = p.group(0);
            assertThat(g.state()).isEqualTo(GroupState.QUORUM_LOSS);
            assertThat(g.serving()).isFalse();
            assertThat(p.primaryOf(0)).isEmpty();
            assertThat(p.write(0).acknowledged()).isFalse();
            assertThat(p.usersPerServer().values().stream().mapToInt(Integer::intValue).sum() + p.usersWithoutService())
                    .isEqualTo(6_000);
            assertThat(p.usersWithoutService()).isGreaterThanOrEqualTo(g.users());
        }

        @Test
        @DisplayName("second replica killed with QuorumLossService FULL: served and writes still acknowledged")
        void quorumLossFull() {
            FrontEndPool p = running(6, 6_000, 60, ProductVersion.SFB_2015,
                    FrontEndSettings.DEFAULT.withQuorumLossService(QuorumLossService.FULL));
            downToOneReplica(p);
            assertThat(p.group(0).serving()).isTrue();
            assertThat(p.write(0).acknowledged()).isTrue();
        }

        @Test
        @DisplayName("third replica killed: the group is lost; QuorumLossRecovery reloads it and reports unflushed writes lost")
        void lostThenRecovered() {
            FrontEndPool p = running(6, 6_000, 60);
            for (int i = 0; i < 3; i++) assertThat(p.write(0).acknowledged()).isTrue();
            p.flushToBackEnd(t(500));
            for (int i = 0; i < 2; i++) assertThat(p.write(0).acknowledged()).isTrue();

            List<String> replicas = p.group(0).replicas();
            downToOneReplica(p);
            long epochBefore = p.epochOf(0);
            List<FailoverEvent> ev = p.serverDown(p.group(0).primary(), "terminated", t(3_000));
            assertThat(forGroup(ev, RoutingGroupLost.class, 0)).singleElement()
                    .satisfies(e -> assertThat(e.users()).isEqualTo(p.group(0).users()));
            assertThat(p.group(0).state()).isEqualTo(GroupState.LOST);
            assertThat(p.group(0).serving()).isFalse();
            assertThat(p.group(0).live()).isEmpty();
            assertThat(p.state()).as("3 of 6 still hold pool quorum").isEqualTo(PoolState.RUNNING);

            AdminResult r = p.quorumLossRecovery(t(4_000));
            assertThat(r.refused()).isFalse();
            assertThat(forGroup(r.events(), RoutingGroupRecovered.class, 0)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("quorum-loss-recovery"));
            assertThat(forGroup(r.events(), PrimaryMoved.class, 0)).singleElement().satisfies(e -> {
                assertThat(e.toServer()).isNotIn(replicas);
                assertThat(e.epoch()).isGreaterThan(epochBefore);
            });
            assertThat(forGroup(r.events(), DataLost.class, 0)).singleElement().satisfies(e -> {
                assertThat(e.writes()).isEqualTo(2);
                assertThat(e.windowFromEmulatedMs()).isEqualTo(t(500).emulatedMs());
                assertThat(e.windowToEmulatedMs()).isEqualTo(t(4_000).emulatedMs());
            });
            RoutingGroupView g = p.group(0);
            assertThat(g.serving()).isTrue();
            assertThat(g.state()).isEqualTo(GroupState.HEALTHY);
            assertThat(g.replicas()).hasSize(3).doesNotContainAnyElementsOf(replicas);
            assertThat(g.epoch()).isGreaterThan(epochBefore);
            assertThat(p.write(0).acknowledged()).isTrue();
        }

        @Test
        @DisplayName("QuorumLossRecovery leaves healthy groups alone and reports no loss when everything was flushed")
        void recoveryOnlyTouchesGroupsInQuorumLoss() {
            FrontEndPool p = running(6, 6_000, 60);
            p.write(0);
            p.flushToBackEnd(t(500));
            downToOneReplica(p);
            Map<Integer, Long> epochs = new HashMap<>();
            Set<Integer> inLoss = new HashSet<>();
            for (RoutingGroupView g : p.groups()) {
                epochs.put(g.id(), g.epoch());
                if (g.state() == GroupState.QUORUM_LOSS || g.state() == GroupState.LOST) inLoss.add(g.id());
            }
            assertThat(inLoss).contains(0);
            AdminResult r = p.quorumLossRecovery(t(3_000));
            assertThat(ofType(r.events(), DataLost.class)).isEmpty();
            assertThat(ofType(r.events(), RoutingGroupRecovered.class))
                    .extracting(e -> e.where().routingGroup()).containsExactlyInAnyOrderElementsOf(inLoss);
            for (RoutingGroupView g : p.groups()) {
                if (!inLoss.contains(g.id())) assertThat(g.epoch()).as("group %d", g.id()).isEqualTo(epochs.get(g.id()));
            }
        }
    }

    // ------------------------------------------------------------------ primaries and epochs

    /**
     * Follows a pool step by step: every PrimaryMoved must hand over from the one primary last known for
     * its group and raise that group's epoch; between steps every served group's primary is a live replica.
     */
    private static final class PrimaryLedger {
        private final FrontEndPool p;
        private final Map<Integer, String> primary = new HashMap<>();
        private final Map<Integer, Long> epoch = new HashMap<>();
        int promotions;

        PrimaryLedger(FrontEndPool p) {
            this.p = p;
            resync();
        }

        void step(List<FailoverEvent> ev) {
            for (PrimaryMoved e : ofType(ev, PrimaryMoved.class)) {
                int id = e.where().routingGroup();
                assertThat(e.fromServer()).as("group %d hands over from its one primary", id).isEqualTo(primary.get(id));
                assertThat(e.epoch()).as("group %d epoch", id).isGreaterThan(epoch.get(id));
                primary.put(id, e.toServer());
                epoch.put(id, e.epoch());
                promotions++;
            }
            for (RoutingGroupView g : p.groups()) {
                if (g.serving()) {
                    assertThat(g.live()).as("group %d", g.id()).contains(g.primary());
                    assertThat(p.isServing(g.primary())).isTrue();
                    assertThat(g.primary()).as("group %d primary as last announced", g.id())
                            .isEqualTo(primary.get(g.id()));
                }
                assertThat(g.epoch()).as("group %d epoch never falls", g.id()).isGreaterThanOrEqualTo(epoch.get(g.id()));
            }
            // a group that lost its last replica has no primary, and no event announces "nobody"
            resync();
        }

        private void resync() {
            for (RoutingGroupView g : p.groups()) {
                primary.put(g.id(), g.primary());
                epoch.put(g.id(), g.epoch());
            }
        }
    }

    @Test
    @DisplayName("never two primaries: every promotion names the previous primary and raises the epoch")
    void epochsRiseAndPrimariesHandOver() {
        FrontEndPool p = running(9, 9_000, 90);
        PrimaryLedger ledger = new PrimaryLedger(p);
        long now = 1_000;
        ledger.step(p.serverDown("fe02", "terminated", t(now)));
        ledger.step(p.serverDown("fe05", "terminated", t(now += 1_000)));
        ledger.step(p.placementTick(t(now += 120_000)));
        ledger.step(p.serverUp("fe02", t(now += 1_000)));
        ledger.step(p.serverDown("fe07", "heartbeat", t(now += 1_000)));
        ledger.step(p.serverDown("fe08", "heartbeat", t(now += 1_000)));
        ledger.step(p.quorumLossRecovery(t(now += 1_000)).events());
        ledger.step(p.placementTick(t(now += 120_000)));
        ledger.step(p.serverUp("fe05", t(now += 1_000)));
        ledger.step(p.serverUp("fe07", t(now += 1_000)));
        ledger.step(p.placementTick(t(now += 120_000)));
        ledger.step(p.drain("fe01", true, t(now += 1_000)).events());
        ledger.step(p.returnServer("fe01", t(now += 1_000)).events());
        ledger.step(p.placementTick(t(now += 120_000)));
        // fe08 is still down: losing 4 more seeds leaves 3 of the first 7
        for (String s : List.of("fe03", "fe04", "fe06", "fe07")) {
            ledger.step(p.serverDown(s, "terminated", t(now += 1_000)));
        }
        assertThat(p.state()).isEqualTo(PoolState.QUORUM_LOST);
        ledger.step(p.serverUp("fe03", t(now += 1_000)));
        ledger.step(p.serverUp("fe04", t(now += 1_000)));
        assertThat(p.state()).as("6 up, Table B needs 7").isEqualTo(PoolState.STARTING);
        ledger.step(p.serverUp("fe06", t(now += 1_000)));
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        ledger.step(p.placementTick(t(now += 120_000)));
        assertThat(ledger.promotions).isGreaterThan(20);
    }

    @Test
    @DisplayName("a rebalance moves each group's primary at most once (each move signs its users over)")
    void rebalanceMovesEachPrimaryOnce() {
        for (int n : new int[] {5, 6, 9, 12}) {
            FrontEndPool p = running(n, n * 1_000, n * 10);
            p.serverDown("fe02", "terminated", t(1_000));
            p.placementTick(t(p.placementDue().orElseThrow() - STORY));
            p.serverUp("fe02", t(200_000));
            List<FailoverEvent> ev = p.placementTick(t(p.placementDue().orElseThrow() - STORY));
            List<PrimaryMoved> moves = ofType(ev, PrimaryMoved.class);
            assertThat(moves).as("n=%d", n).isNotEmpty();
            assertThat(moves).extracting(e -> e.where().routingGroup()).as("n=%d", n).doesNotHaveDuplicates();
            assertThat(primariesOn(p, "fe02")).as("n=%d: fe02 gets its share back", n).isBetween(9L, 11L);
        }
    }

    @Test
    @DisplayName("stale primary: a server that comes back is not primary of the groups it lost; the promoted one keeps them")
    void stalePrimaryAfterReturn() {
        FrontEndPool p = running(6, 6_000, 60);
        List<Integer> lost = p.groups().stream().filter(g -> "fe02".equals(g.primary())).map(RoutingGroupView::id).toList();
        assertThat(lost).isNotEmpty();
        Map<Integer, Long> epochBefore = new HashMap<>();
        for (int id : lost) epochBefore.put(id, p.epochOf(id));

        p.serverDown("fe02", "heartbeat", t(1_000));
        Map<Integer, String> promoted = new HashMap<>();
        for (int id : lost) promoted.put(id, p.group(id).primary());

        List<FailoverEvent> back = p.serverUp("fe02", t(2_000));
        assertThat(ofType(back, PrimaryMoved.class)).isEmpty();
        for (int id : lost) {
            RoutingGroupView g = p.group(id);
            assertThat(g.primary()).as("group %d", id).isEqualTo(promoted.get(id)).isNotEqualTo("fe02");
            assertThat(g.epoch()).isEqualTo(epochBefore.get(id) + 1);
            assertThat(g.serving()).isTrue();
            assertThat(g.live()).contains("fe02");
            assertThat(g.state()).isEqualTo(GroupState.HEALTHY);
        }
        assertThat(p.usersPerServer().get("fe02")).isZero();
    }

    // ------------------------------------------------------------------ placement (rebuild, rebalance)

    @Nested
    @DisplayName("placement")
    class Placement {

        @Test
        @DisplayName("nothing happens before placement is due")
        void notBeforeDue() {
            FrontEndPool p = running(6, 6_000, 60);
            p.serverDown("fe03", "terminated", t(2_000));
            assertThat(p.placementDue()).hasValue(t(2_000).emulatedMs() + FrontEndSettings.DEFAULT.replicaRebuildDelayMs());
            assertThat(p.placementTick(t(3_000))).isEmpty();
            assertThat(p.placementDue()).as("still due").isPresent();
            assertThat(p.groupsIn(GroupState.DEGRADED)).isPositive();
        }

        @Test
        @DisplayName("after a kill, every group with quorum gets 3 replicas on up servers again")
        void rebuildAfterKill() {
            FrontEndPool p = running(6, 6_000, 60);
            long onFe03 = replicasOn(p, "fe03");
            p.serverDown("fe03", "terminated", t(1_000));
            List<FailoverEvent> ev = p.placementTick(t(p.placementDue().orElseThrow()));
            assertThat(ofType(ev, ReplicaRebuilt.class)).hasSizeGreaterThanOrEqualTo((int) onFe03)
                    .allSatisfy(e -> assertThat(e.onServer()).isNotEqualTo("fe03"));
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.replicas()).as("group %d", g.id()).hasSize(3).doesNotHaveDuplicates()
                        .doesNotContain("fe03");
                assertThat(g.live()).isEqualTo(g.replicas());
                assertThat(g.state()).isEqualTo(GroupState.HEALTHY);
                assertThat(g.serving()).isTrue();
            }
            assertThat(p.placementDue()).isEmpty();
        }

        @Test
        @DisplayName("a group in quorum loss is not rebuilt by placement (it needs QuorumLossRecovery)")
        void quorumLossNotRebuilt() {
            FrontEndPool p = running(6, 6_000, 60);
            RoutingGroupView g0 = p.group(0);
            List<String> two = g0.replicas().subList(0, 2);
            for (String s : two) p.serverDown(s, "terminated", t(1_000));
            p.placementTick(t(p.placementDue().orElseThrow()));
            assertThat(p.group(0).state()).isEqualTo(GroupState.QUORUM_LOSS);
            assertThat(p.group(0).live()).hasSize(1);
            for (RoutingGroupView g : p.groups()) {
                if (g.state() == GroupState.QUORUM_LOSS || g.state() == GroupState.LOST) continue;
                assertThat(g.live()).as("group %d", g.id()).hasSize(3).isEqualTo(g.replicas())
                        .doesNotContainAnyElementsOf(two);
            }
        }

        @Test
        @DisplayName("a returned server gets replicas and primaries back at the next tick (rebalance)")
        void rebalanceAfterReturn() {
            FrontEndPool p = running(6, 6_000, 60);
            p.serverDown("fe03", "terminated", t(1_000));
            p.placementTick(t(p.placementDue().orElseThrow()));
            assertThat(replicasOn(p, "fe03")).isZero();

            p.serverUp("fe03", t(200_000));
            assertThat(p.placementDue()).isPresent();
            assertThat(p.usersPerServer().get("fe03")).as("nothing moves before the tick").isZero();
            List<FailoverEvent> ev = p.placementTick(t(p.placementDue().orElseThrow()));
            assertThat(ofType(ev, ReplicaRebuilt.class)).extracting(ReplicaRebuilt::onServer).contains("fe03");
            assertThat(ofType(ev, PrimaryMoved.class)).extracting(PrimaryMoved::toServer).contains("fe03");
            for (String s : p.servers()) {
                assertThat(replicasOn(p, s)).as("replicas on %s", s).isBetween(29L, 31L);
                assertThat(primariesOn(p, s)).as("primaries on %s", s).isBetween(9L, 11L);
            }
            assertEvenSpread(p);
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.replicas()).hasSize(3).doesNotHaveDuplicates().contains(g.primary());
                assertThat(g.serving()).isTrue();
            }
        }
    }

    // ------------------------------------------------------------------ load (§8 item 7)

    @Test
    @DisplayName("30,000 users on 5 FE (§8 item 7): one loss leaves ~7,500 on each survivor, over the 6,660 guideline")
    void loadFiveMinusOne() {
        FrontEndPool p = running(5, 30_000, 600);
        assertThat(p.usersPerServer().values()).containsOnly(6_000);
        List<FailoverEvent> ev = p.serverDown("fe05", "terminated", t(1_000));
        Map<String, Integer> load = p.usersPerServer();
        assertThat(sum(load)).isEqualTo(30_000);
        assertThat(load.get("fe05")).isZero();
        for (String s : List.of("fe01", "fe02", "fe03", "fe04")) {
            assertThat(load.get(s)).as("users on %s", s).isGreaterThan(GUIDELINE).isBetween(6_750, 8_250);
        }
        assertThat(ofType(ev, CapacityExceeded.class)).extracting(e -> e.where().server())
                .containsExactlyInAnyOrder("fe01", "fe02", "fe03", "fe04");
        assertThat(ofType(ev, CapacityExceeded.class)).allSatisfy(e -> assertThat(e.guideline()).isEqualTo(GUIDELINE));
    }

    @Test
    @DisplayName("30,000 users on 6 FE (§8 item 7): one loss leaves ~6,000 on each survivor, within the guideline")
    void loadSixMinusOne() {
        FrontEndPool p = running(6, 30_000, 600);
        List<FailoverEvent> ev = p.serverDown("fe02", "terminated", t(1_000));
        assertThat(sum(p.usersPerServer())).isEqualTo(30_000);
        assertEvenSpread(p);
        assertThat(ofType(ev, CapacityExceeded.class)).isEmpty();
    }

    // ------------------------------------------------------------------ 2-FE pools (§8 item 5)

    @Nested
    @DisplayName("2-FE pool")
    class TwoFrontEnds {

        private FrontEndPool bothStopped() {
            FrontEndPool p = running(2, 2_000, 20);
            p.serverDown("fe01", "terminated", t(1_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            p.serverDown("fe02", "terminated", t(2_000));
            assertThat(p.state()).isEqualTo(PoolState.QUORUM_LOST);
            return p;
        }

        @Test
        @DisplayName("one FE alone keeps it running and serves every user")
        void oneAlone() {
            FrontEndPool p = running(2, 2_000, 20);
            p.serverDown("fe02", "terminated", t(1_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(p.usersPerServer()).containsEntry("fe01", 2_000).containsEntry("fe02", 0);
            assertThat(p.usersWithoutService()).isZero();
        }

        @Test
        @DisplayName("stopped a then b: restarting a first is blocked by the restart order")
        void wrongOrderBlocked() {
            FrontEndPool p = bothStopped();
            List<FailoverEvent> ev = p.serverUp("fe01", t(3_000));
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
            assertThat(ofType(ev, PoolStartBlocked.class)).singleElement()
                    .satisfies(e -> assertThat(e.reason()).contains("order"));
            assertThat(ofType(ev, PoolQuorumRegained.class)).isEmpty();
            assertThat(p.usersWithoutService()).isEqualTo(2_000);
        }

        @Test
        @DisplayName("stopped a then b: restarting b first (reverse order) runs")
        void reverseOrderRuns() {
            FrontEndPool p = bothStopped();
            List<FailoverEvent> ev = p.serverUp("fe02", t(3_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(ev, PoolStartBlocked.class)).isEmpty();
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("restart"));
            p.serverUp("fe01", t(4_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(p.usersWithoutService()).isZero();
        }

        @Test
        @DisplayName("stopped a then b: restarting both together runs")
        void bothTogetherRuns() {
            FrontEndPool p = bothStopped();
            p.serverUp("fe01", t(3_000));
            List<FailoverEvent> ev = p.serverUp("fe02", t(3_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.running()).isEqualTo(2));
            assertThat(p.usersWithoutService()).isZero();
        }

        @Test
        @DisplayName("stopped a then b, a restarted first: QuorumLossRecovery unblocks it")
        void quorumLossRecoveryUnblocks() {
            FrontEndPool p = bothStopped();
            p.serverUp("fe01", t(3_000));
            assertThat(p.state()).isEqualTo(PoolState.STARTING);
            AdminResult r = p.quorumLossRecovery(t(4_000));
            assertThat(r.refused()).isFalse();
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(r.events(), PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("quorum-loss-recovery"));
            assertThat(p.usersPerServer()).containsEntry("fe01", 2_000);
        }

        @Test
        @DisplayName("the very first start needs only one of the two (Table B)")
        void firstStartWithOne() {
            FrontEndPool p = pool(2, 2_000, 20);
            List<FailoverEvent> ev = p.serverUp("fe02", t(0));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            assertThat(ofType(ev, PoolQuorumRegained.class)).singleElement()
                    .satisfies(e -> assertThat(e.how()).isEqualTo("first-start"));
        }
    }

    // ------------------------------------------------------------------ drain (§8 item 17)

    @Nested
    @DisplayName("drain (Invoke-CsComputerFailOver)")
    class Drain {

        @Test
        @DisplayName("refused without force when the rest lacks capacity, naming the guideline")
        void refusedForCapacity() {
            FrontEndPool p = running(5, 30_000, 600);
            AdminResult r = p.drain("fe01", false, t(1_000));
            assertThat(r.refused()).isTrue();
            assertThat(r.message()).contains("guideline").contains(String.valueOf(GUIDELINE)).contains("force");
            assertThat(ofType(r.events(), AdminVerbRefused.class)).singleElement()
                    .satisfies(e -> assertThat(e.verb()).isEqualTo("drain-server"));
            assertThat(p.status("fe01")).isEqualTo(ServerStatus.UP);
            assertThat(p.usersPerServer().get("fe01")).isEqualTo(6_000);
        }

        @Test
        @DisplayName("refused without force when it would lose pool quorum")
        void refusedForQuorum() {
            FrontEndPool p = running(6, 3_000, 60);
            for (String s : List.of("fe04", "fe05", "fe06")) p.serverDown(s, "terminated", t(1_000));
            AdminResult r = p.drain("fe01", false, t(2_000));
            assertThat(r.refused()).isTrue();
            assertThat(r.message()).contains("quorum");
            assertThat(p.status("fe01")).isEqualTo(ServerStatus.UP);
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        }

        @Test
        @DisplayName("allowed with force: the drained server serves nothing and its groups keep 3 replicas on others")
        void forced() {
            FrontEndPool p = running(5, 30_000, 600);
            AdminResult r = p.drain("fe01", true, t(1_000));
            assertThat(r.refused()).isFalse();
            assertThat(p.status("fe01")).isEqualTo(ServerStatus.DRAINED);
            assertThat(p.isServing("fe01")).isFalse();
            assertThat(p.usersPerServer().get("fe01")).isZero();
            assertThat(p.usersWithoutService()).isZero();
            assertThat(replicasOn(p, "fe01")).isZero();
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.replicas()).as("group %d", g.id()).hasSize(3).doesNotHaveDuplicates();
                assertThat(g.live()).isEqualTo(g.replicas());
                assertThat(g.primary()).isNotEqualTo("fe01");
                assertThat(g.serving()).isTrue();
            }
            assertThat(ofType(r.events(), CapacityExceeded.class)).hasSize(4);
            assertEvenSpread(p);
        }

        @Test
        @DisplayName("allowed without force when the rest has capacity")
        void unforcedWithCapacity() {
            FrontEndPool p = running(6, 30_000, 600);
            AdminResult r = p.drain("fe06", false, t(1_000));
            assertThat(r.refused()).isFalse();
            assertThat(p.status("fe06")).isEqualTo(ServerStatus.DRAINED);
            assertThat(ofType(r.events(), CapacityExceeded.class)).isEmpty();
        }

        @Test
        @DisplayName("a heartbeat of a drained server does not undrain it")
        void heartbeatDoesNotUndrain() {
            FrontEndPool p = running(6, 6_000, 60);
            p.drain("fe02", false, t(1_000));
            assertThat(p.serverUp("fe02", t(2_000))).isEmpty();
            assertThat(p.status("fe02")).isEqualTo(ServerStatus.DRAINED);
            assertThat(p.isServing("fe02")).isFalse();
            p.placementTick(t(1_000_000));
            assertThat(replicasOn(p, "fe02")).isZero();
        }

        @Test
        @DisplayName("returnServer brings it back: it gets replicas and users at the next tick")
        void returnServer() {
            FrontEndPool p = running(6, 6_000, 60);
            p.drain("fe02", false, t(1_000));
            AdminResult r = p.returnServer("fe02", t(2_000));
            assertThat(r.refused()).isFalse();
            assertThat(ofType(r.events(), ServerUp.class)).hasSize(1);
            assertThat(p.status("fe02")).isEqualTo(ServerStatus.UP);
            assertThat(p.isServing("fe02")).isTrue();
            p.placementTick(t(p.placementDue().orElseThrow()));
            assertThat(replicasOn(p, "fe02")).isBetween(29L, 31L);
            assertThat(p.usersPerServer().get("fe02")).isPositive();
            assertEvenSpread(p);
        }

        @Test
        @DisplayName("draining the server that holds a group's last live replica hands the group to the new replica")
        void drainLastLiveReplica() {
            FrontEndPool p = running(6, 6_000, 60);
            RoutingGroupView g0 = p.group(0);
            List<String> others = g0.replicas().stream().filter(s -> !s.equals(g0.primary())).toList();
            for (String s : others) p.serverDown(s, "terminated", t(1_000));
            assertThat(p.group(0).state()).isEqualTo(GroupState.QUORUM_LOSS);
            assertThat(p.group(0).serving()).as("read-only service from the last replica").isTrue();
            long epoch = p.epochOf(0);

            AdminResult r = p.drain(g0.primary(), false, t(2_000));
            assertThat(r.refused()).isFalse();
            RoutingGroupView g = p.group(0);
            assertThat(g.primary()).isNotNull().isNotEqualTo(g0.primary()).isIn(g.live());
            assertThat(g.serving()).as("the group's users keep (read-only) service").isTrue();
            assertThat(g.epoch()).isEqualTo(epoch + 1);
            assertThat(forGroup(r.events(), PrimaryMoved.class, 0)).singleElement()
                    .satisfies(e -> assertThat(e.fromServer()).isEqualTo(g0.primary()));
        }

        @Test
        @DisplayName("2-FE pool: draining the only replica holder before the rebalance keeps every user served")
        void drainTwoFrontEndsBeforeRebalance() {
            FrontEndPool p = running(2, 2_000, 20);
            p.serverDown("fe01", "terminated", t(1_000));
            p.placementTick(t(200_000));
            p.serverUp("fe01", t(300_000));
            AdminResult r = p.drain("fe02", false, t(301_000));
            assertThat(r.refused()).isFalse();
            assertThat(p.usersWithoutService()).isZero();
            assertThat(p.usersPerServer()).containsEntry("fe01", 2_000);
        }

        @Test
        @DisplayName("a server force-drained into pool quorum loss rejoins its groups when returned")
        void forcedIntoQuorumLossThenReturned() {
            FrontEndPool p = running(6, 6_000, 60);
            for (String s : List.of("fe04", "fe05", "fe06")) p.serverDown(s, "terminated", t(1_000));
            AdminResult r = p.drain("fe01", true, t(2_000));
            assertThat(r.refused()).isFalse();
            assertThat(ofType(r.events(), PoolQuorumLost.class)).hasSize(1);
            for (String s : List.of("fe04", "fe05", "fe06")) p.serverUp(s, t(3_000));
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
            p.returnServer("fe01", t(4_000));
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.live()).as("group %d", g.id()).hasSize(3);
                assertThat(g.state()).as("group %d with 3 live replicas", g.id()).isEqualTo(GroupState.HEALTHY);
            }
        }

        @Test
        @DisplayName("returnServer of a server that is not drained is refused")
        void returnNotDrained() {
            FrontEndPool p = running(6, 6_000, 60);
            assertThat(p.returnServer("fe02", t(1_000)).refused()).isTrue();
        }

        @Test
        @DisplayName("a drained server that is killed does not lose the pool anything more")
        void drainedThenKilled() {
            FrontEndPool p = running(6, 6_000, 60);
            p.drain("fe02", false, t(1_000));
            List<FailoverEvent> ev = p.serverDown("fe02", "terminated", t(2_000));
            assertThat(ofType(ev, PrimaryMoved.class)).isEmpty();
            assertThat(p.usersWithoutService()).isZero();
            assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        }
    }

    // ------------------------------------------------------------------ ServiceReset

    @Test
    @DisplayName("ServiceReset restarts a running pool: it comes back RUNNING and serves everyone")
    void serviceReset() {
        FrontEndPool p = running(6, 6_000, 60);
        AdminResult r = p.serviceReset(t(1_000));
        assertThat(r.refused()).isFalse();
        assertThat(ofType(r.events(), PoolQuorumRegained.class)).singleElement()
                .satisfies(e -> assertThat(e.how()).isEqualTo("service-reset"));
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        assertThat(p.usersWithoutService()).isZero();
        assertThat(p.groupsIn(GroupState.HEALTHY)).isEqualTo(60);
    }

    @Test
    @DisplayName("ServiceReset does not bypass Table B: a 12-FE pool with 9 up stays STARTING")
    void serviceResetKeepsStartRule() {
        FrontEndPool p = pool(12, 12_000, 120);
        up(p, 9, t(0));
        AdminResult r = p.serviceReset(t(1_000));
        assertThat(r.refused()).isFalse();
        assertThat(p.state()).isEqualTo(PoolState.STARTING);
        assertThat(ofType(r.events(), PoolQuorumRegained.class)).isEmpty();
    }

    @Test
    @DisplayName("ServiceReset with no Front End running is refused")
    void serviceResetNothingRunning() {
        FrontEndPool p = pool(6, 6_000, 60);
        assertThat(p.serviceReset(t(0)).refused()).isTrue();
    }

    // ------------------------------------------------------------------ users

    @Test
    @DisplayName("every user belongs to exactly one group, and group sizes add up to the pool's users")
    void usersToGroups() {
        FrontEndPool p = pool(6, 6_007, 60);
        int[] count = new int[60];
        for (int u = 0; u < 6_007; u++) count[p.groupOfUser(u)]++;
        for (RoutingGroupView g : p.groups()) assertThat(count[g.id()]).as("group %d", g.id()).isEqualTo(g.users());
        assertThat(p.groups().stream().mapToInt(RoutingGroupView::users).sum()).isEqualTo(6_007);
    }
}
