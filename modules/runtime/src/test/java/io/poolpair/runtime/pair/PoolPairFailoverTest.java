package io.poolpair.runtime.pair;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.BackEndState;
import io.poolpair.model.event.FailoverEvent.CmsMoved;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.EdgeRouteChanged;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.NotReplicated;
import io.poolpair.model.event.FailoverEvent.OperationsRefused;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.PoolQuorumLost;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PairView;
import io.poolpair.runtime.status.SiteView;
import io.poolpair.runtime.testing.EventRecorder;
import io.poolpair.runtime.testing.PoolUnderTest;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static io.poolpair.runtime.testing.EventRecorder.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The disaster-recovery path of the built-in default topology running live: two paired 6-FE pools (pool-a in
 * site-a, which hosts the CMS, and pool-b in site-b), an Edge and a Director pool per site. Faults go in
 * through the deployment, the admin's verbs through its facade, and what comes out is checked as an admin or
 * a user sees it: events, the pair view (PoolState, users' mode and serving pool, Backup Service) and the site
 * view (CMS, Edge next hops, federation route). Spec §3, §4 and §8 items 8-15.
 *
 * <p>Emulated time runs 200 times faster than life: the 120 s Registrar timer and the 2 min Backup Service
 * interval take a fraction of a wall second. Killed servers are detected by their actors' termination, at once.
 * Every wait is on an event or a view, with {@link EventRecorder#BOUND_SECONDS} as a safety net only.
 */
@ExtendWith(LogCapturingExtension.class)
class PoolPairFailoverTest {

    private static final Topology TOPOLOGY = TopologyLoader.loadResource("poolpair/default-topology.conf", "default");

    /** Defaults (automatic pool failover off, as in SfB), 200 times faster than life. */
    private static final EmulatorSettings SETTINGS = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(200);

    /** The automatic failover policy on: a pool down for 60 s emulated is failed over by itself. */
    private static final EmulatorSettings AUTO_FAILOVER = EmulatorSettings.fromConfig(ConfigFactory.parseString(
            "poolpair.dr.auto-failover.enabled=true\npoolpair.dr.auto-failover.after=60s").withFallback(ConfigFactory.load()))
            .withTimeScale(200);

    private static final Map<String, String> DISASTER_A = Map.of("pool", "pool-a", "disaster", "true");

    // ------------------------------------------------------------------------------------------ the tests

    @Test
    void siteLossSignsUsersOutThenResiliencyAndOnlyTheAdminsFailoverAfterTheCmsGivesThemFullServiceOnPoolB() {
        try (PoolUnderTest d = start(SETTINGS)) {
            SiteALost lost = loseSiteA(d);

            // the users of the lost pool: signed out, then (the Registrar timer, not before) Resiliency on the partner
            assertThat(lost.signedOut.users()).isEqualTo(18_000);
            assertThat(lost.signedOut.fromMode()).isEqualTo("normal");
            assertThat(lost.resiliency.fromMode()).isEqualTo("signed-out");
            assertThat(lost.resiliency.servedBy()).isEqualTo("pool-b");
            assertThat(lost.resiliency.reason()).contains("Registrar failure detection");
            assertThat(lost.resiliency.time().emulatedMs() - lost.signedOut.time().emulatedMs())
                    .as("users reach the backup Registrar only once the 120 s failure-detection timer expired")
                    .isGreaterThanOrEqualTo(SETTINGS.dr().registrarFailureDetectionMs());

            // while the CMS is in pool-a, the users' failover is refused, and nothing changes
            assertThat(lost.cmsRefusal.ok()).isFalse();
            assertThat(lost.cmsRefusal.message()).contains("Central Management Store");
            assertThat(lost.cmsRefusalEvent.verb()).isEqualTo("failover-pool");
            assertThat(lost.cmsRefusalEvent.where().pool()).isEqualTo("pool-a");
            assertThat(lost.cmsRefusalEvent.reason()).isEqualTo(lost.cmsRefusal.message());
            assertThat(lost.cmsMoved.fromPool()).isEqualTo("pool-a");
            assertThat(lost.cmsMoved.toPool()).isEqualTo("pool-b");
            assertThat(d.deployment.site().cmsPool()).isEqualTo("pool-b");

            // the failover: FailingOver, then FailedOver with the users in normal mode on pool-b (and what the
            // Backup Service does not carry, published right after the move)
            d.events.await(lost.failoverMark, NotReplicated.class, "Response Group not replicated",
                    e -> e.what().equals("Response Group"));
            List<FailoverEvent> after = d.events.since(lost.failoverMark);
            assertThat(indexOf(after, e -> e instanceof PoolFailoverState s && pool(s, "pool-a") && s.to().equals("FailingOver")))
                    .isLessThan(indexOf(after, e -> e instanceof PoolFailoverState s && pool(s, "pool-a") && s.to().equals("FailedOver")));
            assertThat(lost.normalOnB.fromMode()).isEqualTo("resiliency");
            assertThat(lost.normalOnB.servedBy()).isEqualTo("pool-b");
            assertThat(after).filteredOn(NotReplicated.class::isInstance).map(e -> ((NotReplicated) e).what())
                    .contains("Location Information Server", "Response Group");

            PairView.Side a = side(d.deployment.pairs().get(0), "pool-a");
            assertThat(a.poolState()).isEqualTo("FailedOver");
            assertThat(a.mode()).isEqualTo("normal");
            assertThat(a.servedBy()).isEqualTo("pool-b");
            assertThat(a.running()).isFalse();

            // what pool-a's users wrote after the last completed sync never reached pool-b, and is reported
            PairView pair = d.deployment.pairs().get(0);
            DataLost dataLost = lost.dataLost;
            assertThat(dataLost.where().pool()).isEqualTo("pool-a");
            assertThat(dataLost.writes()).isPositive().isEqualTo(pair.lostWrites());
            assertThat(dataLost.windowFromEmulatedMs())
                    .as("the lost writes were made after pool-a's last completed sync to pool-b")
                    .isGreaterThanOrEqualTo(direction(pair, "pool-a").lastSyncEmulatedMs())
                    .isLessThanOrEqualTo(dataLost.windowToEmulatedMs());
            assertThat(dataLost.windowToEmulatedMs())
                    .as("signed-out users write nothing: the window ends when pool-a's users were signed out")
                    .isLessThanOrEqualTo(lost.signedOut.time().emulatedMs());
            assertThat(direction(pair, "pool-a").pending()).as("nothing of pool-a is left waiting to be shipped").isZero();
        }
    }

    @Test
    void failbackAfterTheSiteHealsMovesUsersHomeThroughResiliencyWithoutSigningThemOutAndTheCmsStaysOnPoolB() {
        try (PoolUnderTest d = start(SETTINGS)) {
            loseSiteA(d);

            int heal = d.events.mark();
            assertOk(d.deployment.siteFault("site-a", false));
            d.events.awaitIndex(heal, "pool-quorum-regained of pool-a", event("pool-quorum-regained", "pool-a", null));
            assertThat(side(d.deployment.pairs().get(0), "pool-a").poolState())
                    .as("pool-a's users stay failed over until the admin fails them back").isEqualTo("FailedOver");

            int mark = d.events.mark();
            assertOk(d.deployment.admin(AdminVerb.FAILBACK_POOL, Map.of("pool", "pool-a")));
            int home = d.events.awaitIndex(mark, "users of pool-a moved home in Resiliency mode",
                    usersMoved("pool-a", "resiliency"));
            int back = d.events.awaitIndex(home, "pool-a FailedBack", failoverState("pool-a", "FailedBack"));
            int normal = d.events.awaitIndex(back, "users of pool-a normal at home", usersMoved("pool-a", "normal"));

            assertThat(((UsersMoved) d.events.get(home)).servedBy()).isEqualTo("pool-a");
            assertThat(((UsersMoved) d.events.get(normal)).servedBy()).isEqualTo("pool-a");
            assertThat(d.events.between(mark, normal))
                    .as("users stay signed in through the failback")
                    .noneMatch(usersMoved("pool-a", "signed-out"));
            assertThat(d.events.between(mark, normal)).filteredOn(NotReplicated.class::isInstance)
                    .map(e -> ((NotReplicated) e).what()).contains("conferences");

            PairView.Side a = side(d.deployment.pairs().get(0), "pool-a");
            assertThat(a.poolState()).isEqualTo("FailedBack");
            assertThat(a.mode()).isEqualTo("normal");
            assertThat(a.servedBy()).isEqualTo("pool-a");
            assertThat(d.deployment.site().cmsPool()).as("the CMS need not fail back").isEqualTo("pool-b");
        }
    }

    @Test
    void whilePoolAsUsersAreOnPoolBAFailoverOfPoolBIsRefusedUntilPoolAIsFailedBack() {
        try (PoolUnderTest d = start(SETTINGS)) {
            int mark = d.events.mark();
            assertOk(d.deployment.injectPool("pool-a", FaultKind.KILL));
            d.events.awaitIndex(mark, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
            failOverCms(d);
            assertOk(d.deployment.admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", "edge-a", "pool", "pool-b")));
            assertOk(d.deployment.admin(AdminVerb.FAILOVER_POOL, DISASTER_A));
            d.events.awaitIndex(mark, "pool-a FailedOver", failoverState("pool-a", "FailedOver"));

            int heal = d.events.mark();
            assertOk(d.deployment.healPool("pool-a"));
            d.events.awaitIndex(heal, "pool-quorum-regained of pool-a", event("pool-quorum-regained", "pool-a", null));

            int refuse = d.events.mark();
            Reply r = d.deployment.admin(AdminVerb.FAILOVER_POOL, Map.of("pool", "pool-b"));
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).as("the order rule [S13]").contains("fail them back");
            AdminVerbRefused refused = d.events.await(refuse, AdminVerbRefused.class, "failover-pool pool-b refused",
                    x -> x.verb().equals("failover-pool") && pool(x, "pool-b"));
            assertThat(refused.reason()).isEqualTo(r.message());

            PairView pair = d.deployment.pairs().get(0);
            assertThat(side(pair, "pool-b").poolState()).isEqualTo("Active");
            assertThat(side(pair, "pool-b").mode()).isEqualTo("normal");
            assertThat(side(pair, "pool-b").servedBy()).isEqualTo("pool-b");
            assertThat(side(pair, "pool-a").poolState()).isEqualTo("FailedOver");
            assertThat(d.events.since(refuse)).noneMatch(e -> e instanceof PoolFailoverState s && pool(s, "pool-b"));
        }
    }

    @Test
    void aSurvivingEdgeThatStillUsesTheFailedPoolAsNextHopBlocksItsFailoverUntilRepointed() {
        try (PoolUnderTest d = start(SETTINGS)) {
            int mark = d.events.mark();
            assertOk(d.deployment.injectPool("pool-a", FaultKind.KILL));
            d.events.awaitIndex(mark, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
            assertThat(d.deployment.status("edge-a").state()).as("site A's Edge survives").isEqualTo("serving");
            failOverCms(d);

            int refuse = d.events.mark();
            Reply r = d.deployment.admin(AdminVerb.FAILOVER_POOL, DISASTER_A);
            assertThat(r.ok()).isFalse();
            assertThat(r.message()).contains("edge-a").contains("next hop");
            assertThat(d.events.await(refuse, AdminVerbRefused.class, "failover-pool pool-a refused",
                    x -> x.verb().equals("failover-pool") && pool(x, "pool-a")).reason()).isEqualTo(r.message());
            assertThat(side(d.deployment.pairs().get(0), "pool-a").poolState()).isEqualTo("Active");

            int repoint = d.events.mark();
            assertOk(d.deployment.admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", "edge-a", "pool", "pool-b")));
            EdgeRouteChanged changed = d.events.await(repoint, EdgeRouteChanged.class, "next hop of edge-a changed",
                    x -> pool(x, "edge-a"));
            assertThat(changed.from()).isEqualTo("pool-a");
            assertThat(changed.to()).isEqualTo("pool-b");
            assertThat(d.deployment.site().edgeNextHops()).containsEntry("edge-a", "pool-b");

            int accept = d.events.mark();
            Reply ok = d.deployment.admin(AdminVerb.FAILOVER_POOL, DISASTER_A);
            assertOk(ok);
            d.events.awaitIndex(accept, "pool-a FailingOver", failoverState("pool-a", "FailingOver"));
            d.events.awaitIndex(accept, "pool-a FailedOver", failoverState("pool-a", "FailedOver"));
            assertThat(side(d.deployment.pairs().get(0), "pool-a").servedBy()).isEqualTo("pool-b");
        }
    }

    @Test
    void onceTheBackEndFailedOverToTheMirrorTheSqlWitnessNoLongerSavesAPoolRunningHalfItsFrontEnds() {
        try (PoolUnderTest d = start(SETTINGS)) {
            // for contrast: pool-b, whose primary SQL database is there to break the 3-of-6 tie, keeps running
            int contrast = d.events.mark();
            for (String s : List.of("b-fe1", "b-fe2", "b-fe3")) assertOk(d.deployment.inject(s, FaultKind.KILL));
            for (String s : List.of("b-fe1", "b-fe2", "b-fe3")) {
                d.events.awaitIndex(contrast, "server-down of " + s, event("server-down", "pool-b", s));
            }
            assertThat(d.deployment.status("pool-b").state()).isEqualTo("running");
            assertThat(d.events.since(contrast)).noneMatch(event("pool-quorum-lost", "pool-b", null));

            int mark = d.events.mark();
            assertOk(d.deployment.backEndFault("pool-a", "primary", true));
            BackEndState unavailable = d.events.await(mark, BackEndState.class, "back end of pool-a unavailable",
                    x -> pool(x, "pool-a") && x.state().equals("unavailable"));
            BackEndState failedOver = d.events.await(mark, BackEndState.class, "back end of pool-a failed over",
                    x -> pool(x, "pool-a") && x.state().equals("failed-over"));
            assertThat(unavailable.mode()).isEqualTo("mirroring-witness");
            assertThat(failedOver.principal()).isEqualTo("mirror");
            assertThat(failedOver.detail()).contains("automatic");
            assertThat(failedOver.time().emulatedMs()).isGreaterThanOrEqualTo(unavailable.time().emulatedMs());
            assertThat(d.deployment.status("pool-a").state()).as("6 of 6 Front Ends still run").isEqualTo("running");

            int kill = d.events.mark();
            for (String s : List.of("a-fe1", "a-fe2", "a-fe3")) assertOk(d.deployment.inject(s, FaultKind.KILL));
            PoolQuorumLost ql = d.events.await(kill, PoolQuorumLost.class, "pool-quorum-lost of pool-a", x -> pool(x, "pool-a"));
            assertThat(ql.running()).isEqualTo(3);
            assertThat(ql.rule()).contains("SQL witness");
            assertThat(ql.stopped()).containsExactlyInAnyOrder("a-fe4", "a-fe5", "a-fe6");
            d.events.awaitIndex(kill, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
        }
    }

    @Test
    void whenSiteAsEdgePoolDiesRemoteUsersFallToEdgeBButFederationWaitsForTheAdminToMoveTheRoute() {
        try (PoolUnderTest d = start(SETTINGS)) {
            assertThat(d.deployment.site().federationEdge()).isEqualTo("edge-a");
            assertThat(d.deployment.site().federationUp()).isTrue();

            int mark = d.events.mark();
            assertOk(d.deployment.injectPool("edge-a", FaultKind.KILL));
            ServiceDropped dropped = d.events.await(mark, ServiceDropped.class, "federation routes dropped",
                    x -> pool(x, "edge-a") && x.unit().equals("federation routes"));
            assertThat(dropped.reason()).contains("move-federation-route");
            LoadRedistributed fellBack = d.events.await(mark, LoadRedistributed.class, "edge-a's remote users on edge-b",
                    x -> pool(x, "edge-b") && x.reason().contains("edge-a"));
            assertThat(fellBack.reason()).contains("SRV");
            assertThat(fellBack.load().values().stream().mapToInt(Integer::intValue).sum())
                    .as("edge-b carries its own 6,000 remote users and edge-a's 6,000").isEqualTo(12_000);

            SiteView broken = d.deployment.site();
            assertThat(broken.federationEdge()).isEqualTo("edge-a");
            assertThat(broken.federationUp()).as("no automatic recovery of federation").isFalse();

            int move = d.events.mark();
            assertOk(d.deployment.admin(AdminVerb.MOVE_FEDERATION_ROUTE, Map.of("edge", "edge-b")));
            EdgeRouteChanged moved = d.events.await(move, EdgeRouteChanged.class, "federation route moved",
                    x -> x.route().equals("federation route"));
            assertThat(moved.to()).isEqualTo("edge-b");
            SiteView fixed = d.deployment.site();
            assertThat(fixed.federationEdge()).isEqualTo("edge-b");
            assertThat(fixed.federationUp()).isTrue();
        }
    }

    @Test
    void withTheAutomaticFailoverPolicyOnALostSiteIsFailedOverWithoutAnyAdminVerb() {
        try (PoolUnderTest d = start(AUTO_FAILOVER)) {
            int mark = d.events.mark();
            assertOk(d.deployment.siteFault("site-a", true));
            int out = d.events.awaitIndex(mark, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
            CmsMoved cms = d.events.await(out, CmsMoved.class, "CMS moved", x -> true);
            assertThat(cms.toPool()).isEqualTo("pool-b");
            int over = d.events.awaitIndex(out, "pool-a FailedOver", failoverState("pool-a", "FailedOver"));
            d.events.awaitIndex(over, "users of pool-a normal on pool-b",
                    e -> usersMoved("pool-a", "normal").test(e) && "pool-b".equals(((UsersMoved) e).servedBy()));

            assertThat(d.deployment.site().cmsPool()).isEqualTo("pool-b");
            PairView.Side a = side(d.deployment.pairs().get(0), "pool-a");
            assertThat(a.poolState()).isEqualTo("FailedOver");
            assertThat(a.mode()).isEqualTo("normal");
            assertThat(a.servedBy()).isEqualTo("pool-b");
        }
    }

    @Test
    void withTheDefaultSettingsALostPoolIsNeverFailedOverByItselfItsUsersStayInResiliencyMode() {
        try (PoolUnderTest d = start(SETTINGS)) {
            int mark = d.events.mark();
            assertOk(d.deployment.siteFault("site-a", true));
            int out = d.events.awaitIndex(mark, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
            long downAt = d.events.get(out).time().emulatedMs();
            int resiliency = d.events.awaitIndex(out, "users of pool-a in Resiliency mode on pool-b", usersMoved("pool-a", "resiliency"));

            // bound the negative check by a later positive event: refusals of pool-a's users in Resiliency mode,
            // reported every 10 s emulated, past the moment a policy (had it been on) would have completed a failover
            long horizon = downAt + SETTINGS.dr().autoFailoverAfterMs() + SETTINGS.dr().poolFailoverMs()
                    + SETTINGS.dr().backupSyncIntervalMs();
            int later = d.events.awaitIndex(resiliency, "refusals of pool-a's users in Resiliency mode after "
                    + horizon / 1000 + " s emulated", e -> e instanceof OperationsRefused o && pool(o, "pool-a")
                    && o.mode().equals("resiliency") && o.time().emulatedMs() >= horizon);

            assertThat(((OperationsRefused) d.events.get(later)).counts()).containsKey("add-contact");
            List<FailoverEvent> window = d.events.between(mark, later + 1);
            assertThat(window).noneMatch(e -> e instanceof PoolFailoverState);
            assertThat(window).noneMatch(e -> e instanceof CmsMoved);
            PairView.Side a = side(d.deployment.pairs().get(0), "pool-a");
            assertThat(a.poolState()).isEqualTo("Active");
            assertThat(a.mode()).isEqualTo("resiliency");
            assertThat(a.servedBy()).isEqualTo("pool-b");
            assertThat(d.deployment.site().cmsPool()).isEqualTo("pool-a");
        }
    }

    // ------------------------------------------------------------------------------------------ the shared path

    /** What {@link #loseSiteA} saw on its way to pool-a's users failed over to pool-b. */
    private record SiteALost(UsersMoved signedOut, UsersMoved resiliency, Reply cmsRefusal, AdminVerbRefused cmsRefusalEvent,
                             CmsMoved cmsMoved, int failoverMark, DataLost dataLost, UsersMoved normalOnB) {}

    /**
     * Site A is lost mid Backup Service interval (after at least one completed sync of pool-a to pool-b, with
     * pool-a's writes waiting for the next one), then the admin's procedure: a failover of pool-a is refused while
     * the CMS is there, the CMS is failed over with force, and pool-a's users are failed over in disaster mode.
     */
    private static SiteALost loseSiteA(PoolUnderTest d) {
        awaitView(d, "a completed sync of pool-a to pool-b", () -> d.deployment.pairs().get(0),
                v -> direction(v, "pool-a").shipped() > 0);
        awaitView(d, "writes of pool-a waiting for the next sync", () -> d.deployment.pairs().get(0),
                v -> direction(v, "pool-a").pending() > 0);

        int mark = d.events.mark();
        assertOk(d.deployment.siteFault("site-a", true));
        int out = d.events.awaitIndex(mark, "users of pool-a signed out", usersMoved("pool-a", "signed-out"));
        int res = d.events.awaitIndex(out, "users of pool-a in Resiliency mode", usersMoved("pool-a", "resiliency"));

        int refuse = d.events.mark();
        Reply refused = d.deployment.admin(AdminVerb.FAILOVER_POOL, DISASTER_A);
        assertThat(refused.ok()).as("failover-pool pool-a while the CMS is in pool-a: %s", refused.message()).isFalse();
        AdminVerbRefused refusedEvent = d.events.await(refuse, AdminVerbRefused.class,
                "failover-pool pool-a refused", x -> x.verb().equals("failover-pool") && pool(x, "pool-a"));
        assertThat(d.events.since(refuse)).noneMatch(e -> e instanceof PoolFailoverState);

        CmsMoved moved = failOverCms(d);

        int failover = d.events.mark();
        assertOk(d.deployment.admin(AdminVerb.FAILOVER_POOL, DISASTER_A));
        DataLost lost = d.events.await(failover, DataLost.class, "data-lost of pool-a", x -> pool(x, "pool-a"));
        int over = d.events.awaitIndex(failover, "pool-a FailedOver", failoverState("pool-a", "FailedOver"));
        int normal = d.events.awaitIndex(over, "users of pool-a normal", usersMoved("pool-a", "normal"));
        d.events.awaitIndex(failover, "LIS not replicated", e -> e instanceof NotReplicated n
                && n.what().equals("Location Information Server"));
        return new SiteALost((UsersMoved) d.events.get(out), (UsersMoved) d.events.get(res), refused, refusedEvent, moved,
                failover, lost, (UsersMoved) d.events.get(normal));
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** {@code failover-cms force=true}, and the wait until it completed (the active master moved). */
    private static CmsMoved failOverCms(PoolUnderTest d) {
        int mark = d.events.mark();
        assertOk(d.deployment.admin(AdminVerb.FAILOVER_CMS, Map.of("force", "true")));
        return d.events.await(mark, CmsMoved.class, "cms-moved", x -> true);
    }

    /** Starts the default topology and waits until both pools' users are signed in and both Edge pools serve. */
    private static PoolUnderTest start(EmulatorSettings settings) {
        PoolUnderTest d = PoolUnderTest.start(TOPOLOGY, "pool-a", settings);
        try {
            d.events.awaitIndex(0, "users of pool-a signed in", usersMoved("pool-a", "normal"));
            d.events.awaitIndex(0, "users of pool-b signed in", usersMoved("pool-b", "normal"));
            for (String edge : List.of("edge-a", "edge-b")) {
                awaitView(d, edge + " serving", () -> d.deployment.status(edge), v -> v.state().equals("serving"));
            }
            return d;
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    /**
     * Looks at a view until it satisfies {@code condition}, looking again whenever an event is published (or
     * after a short slice, for changes that publish nothing, such as a Backup Service sync that stays steady).
     */
    private static <T> T awaitView(PoolUnderTest d, String what, Supplier<T> look, Predicate<T> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EventRecorder.BOUND_SECONDS);
        while (true) {
            int mark = d.events.mark();
            T v = look.get();
            if (condition.test(v)) return v;
            if (System.nanoTime() > deadline) return fail("never saw " + what + "; last view " + v);
            d.events.awaitAnySince(mark, Duration.ofMillis(20));
        }
    }

    private static Predicate<FailoverEvent> usersMoved(String pool, String toMode) {
        return e -> e instanceof UsersMoved u && pool(u, pool) && u.toMode().equals(toMode);
    }

    private static Predicate<FailoverEvent> failoverState(String pool, String to) {
        return e -> e instanceof PoolFailoverState s && pool(s, pool) && s.to().equals(to);
    }

    private static boolean pool(FailoverEvent e, String pool) {
        return pool.equals(e.where().pool());
    }

    private static int indexOf(List<FailoverEvent> events, Predicate<FailoverEvent> match) {
        for (int i = 0; i < events.size(); i++) if (match.test(events.get(i))) return i;
        return fail("no such event in:\n" + EventRecorder.describe(events));
    }

    private static PairView.Side side(PairView v, String pool) {
        return v.sides().stream().filter(s -> s.pool().equals(pool)).findFirst()
                .orElseThrow(() -> new AssertionError("no side " + pool + " in " + v));
    }

    private static PairView.Direction direction(PairView v, String from) {
        return v.backup().stream().filter(x -> x.from().equals(from)).findFirst()
                .orElseThrow(() -> new AssertionError("no Backup Service direction from " + from + " in " + v));
    }

    private static void assertOk(Reply r) {
        assertThat(r.ok()).as("reply: %s", r.message()).isTrue();
    }
}
