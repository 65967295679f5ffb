package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.CmsMoved;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each site's copy of the CMS and the Edge routes in a multi-node run: one writer at a time, the newer snapshot wins,
 * and the old master's unreplicated changes are lost after a forced CMS failover during a cut (spec §3.3, [P4][S11]).
 */
class CmsReplicaTest {

    private static final Topology T = TopologyLoader.parse(SiteServicesTest.TOPOLOGY, "t.conf");

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static CmsReplica copy(String site, boolean... up) {
        CmsReplica c = new CmsReplica(T, site);
        List<String> pools = List.of("pool-a", "pool-b", "edge-a", "edge-b");
        for (int i = 0; i < pools.size(); i++) c.services().poolServing(pools.get(i), up.length == 0 || up[i], at(0));
        return c;
    }

    @Test
    void configurationChangesRunAtTheMastersSiteAndACmsFailoverAtItsTargets() {
        CmsReplica b = copy("site-b");
        assertThat(b.masterSite()).isEqualTo("site-a");
        assertThat(b.cmsFailoverSite(null)).isEqualTo("site-b");
        assertThat(b.cmsFailoverSite("pool-a")).isEqualTo("site-a");
    }

    @Test
    void aChangeReachesTheOtherSiteAndOnceAcknowledgedIsNoLongerAtRisk() {
        CmsReplica a = copy("site-a");
        CmsReplica b = copy("site-b");
        AdminResult r = a.setEdgeNextHop("edge-b", "pool-a", at(1_000));
        assertThat(r.refused()).isFalse();
        assertThat(a.unreplicated()).isTrue();
        assertThat(a.oldestUnreplicatedMs()).isEqualTo(1_000);

        assertThat(b.receive(a.snapshot(), at(1_100))).isEmpty();
        assertThat(b.services().nextHopOf("edge-b")).isEqualTo("pool-a");
        a.acknowledged(b.snapshot());
        assertThat(a.unreplicated()).isFalse();
        // an older snapshot changes nothing
        assertThat(a.receive(copy("site-b").snapshot(), at(1_200))).isEmpty();
        assertThat(a.services().nextHopOf("edge-b")).isEqualTo("pool-a");
    }

    @Test
    void aCmsFailoverAtTheStandbyWhileTheMasterIsCutOffWinsAndTheOldMastersUnreplicatedChangesAreLost() {
        CmsReplica a = copy("site-a");
        // site-b sees pool-a and edge-a down: the link is cut
        CmsReplica b = copy("site-b", false, true, false, true);

        // the old master goes on publishing changes nobody receives
        assertThat(a.moveFederationRoute("edge-b", at(5_000)).refused()).isFalse();
        assertThat(a.setEdgeNextHop("edge-a", "pool-b", at(6_000)).refused()).isFalse();

        assertThat(b.failoverCms(null, false, at(7_000), 60_000, false).message()).contains("needs force");
        AdminResult started = b.failoverCms(null, true, at(7_000), 60_000, false);
        assertThat(started.message()).isEqualTo("CMS failover to pool-b started (disaster (force))");
        assertThat(b.completesCmsHere()).isTrue();
        // until it completes, no pool failover anywhere, once the copies meet
        assertThat(b.services().failoverPrecondition("pool-a")).contains("still running");
        List<FailoverEvent> moved = b.completeCms(at(67_000));
        assertThat(moved).singleElement().isInstanceOf(CmsMoved.class);
        assertThat(b.masterSite()).isEqualTo("site-b");

        // the link heals: site-a takes site-b's newer epoch and reports what it published alone
        List<FailoverEvent> ev = a.receive(b.snapshot(), at(90_000));
        assertThat(ev).singleElement().isInstanceOfSatisfying(DataLost.class, d -> {
            assertThat(d.writes()).isEqualTo(2);
            assertThat(d.windowFromEmulatedMs()).isEqualTo(5_000);
            assertThat(d.windowToEmulatedMs()).isEqualTo(6_000);
            assertThat(d.reason()).contains("configuration changes on pool-a not yet replicated");
        });
        assertThat(a.services().cmsPool()).isEqualTo("pool-b");
        assertThat(a.services().federationEdge()).isEqualTo("edge-a");
        assertThat(a.services().nextHopOf("edge-a")).isEqualTo("pool-a");
        // and site-b ignores site-a's stale copy
        assertThat(b.receive(copy("site-a").snapshot(), at(90_000))).isEmpty();
        assertThat(b.services().cmsPool()).isEqualTo("pool-b");
    }

    @Test
    void aNewIncarnationTakesBackTheSnapshotItsPredecessorKept() {
        CmsReplica b = copy("site-b");
        b.failoverCms(null, true, at(1_000), 60_000, true);
        CmsReplica again = copy("site-b");
        again.restore(b.snapshot());
        assertThat(again.completesCmsHere()).isTrue();
        assertThat(again.services().cmsDueMs()).isEqualTo(61_000);
        assertThat(again.snapshot()).isEqualTo(b.snapshot());
    }

    @Test
    void twoEqualVersionsFromDifferentWritersSettleOnTheSameOneAtBothSites() {
        CmsReplica.Snapshot x = new CmsReplica.Snapshot(1, 3, "site-a", copy("site-a").snapshot().state());
        CmsReplica.Snapshot y = new CmsReplica.Snapshot(1, 3, "site-b", copy("site-b").snapshot().state());
        assertThat(x.newerThan(y)).isTrue();
        assertThat(y.newerThan(x)).isFalse();
    }

    @Test
    void eachVerbRunsAtTheSiteThatWritesIt() {
        CmsReplica b = copy("site-b");
        assertThat(b.writerSite(io.poolpair.model.scenario.AdminVerb.SET_EDGE_NEXT_HOP, "pool-b")).isEqualTo("site-a");
        assertThat(b.writerSite(io.poolpair.model.scenario.AdminVerb.MOVE_FEDERATION_ROUTE, null)).isEqualTo("site-a");
        assertThat(b.writerSite(io.poolpair.model.scenario.AdminVerb.FAILOVER_CMS, null)).isEqualTo("site-b");
        assertThat(b.writerSite(io.poolpair.model.scenario.AdminVerb.FAILOVER_POOL, "pool-a")).isEqualTo("site-b");
    }
}
