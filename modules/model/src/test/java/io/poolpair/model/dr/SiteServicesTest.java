package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.CmsMoved;
import io.poolpair.model.event.FailoverEvent.EdgeRouteChanged;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Deployment-wide preconditions of a pool failover and the Edge routes (spec §3.3, §3.4, §6.2; §8 items 9, 12, 15). */
class SiteServicesTest {

    /** Two sites, a paired Front End pool and an Edge pool in each; the CMS on pool-a (CmsReplicaTest uses it too). */
    static final String TOPOLOGY = """
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
            """;

    private static final List<String> POOLS = List.of("pool-a", "pool-b", "edge-a", "edge-b");

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static SiteServices running() {
        Topology t = TopologyLoader.parse(TOPOLOGY, "t.conf");
        SiteServices s = new SiteServices(t);
        for (String p : POOLS) assertThat(s.poolServing(p, true, at(0))).isEmpty();
        return s;
    }

    private static AdminVerbRefused refusal(AdminResult r) {
        assertThat(r.refused()).isTrue();
        assertThat(r.events()).singleElement().isInstanceOf(AdminVerbRefused.class);
        return (AdminVerbRefused) r.events().get(0);
    }

    // ------------------------------------------------------------------ §8 item 9: CMS first, then the Edge next hop

    @Test
    void failoverOfThePoolHostingTheCmsIsBlockedUntilTheCmsMoves() {
        SiteServices s = running();
        s.poolServing("pool-a", false, at(1_000));

        String why = s.failoverPrecondition("pool-a");

        assertThat(why).contains("Central Management Store").contains("pool-a").contains("failover-cms");
        assertThat(s.failoverPrecondition("pool-b")).doesNotContain("Central Management Store");
    }

    @Test
    void disasterCmsFailoverNeedsForceWhenTheMasterIsDown() {
        SiteServices s = running();
        s.poolServing("pool-a", false, at(1_000));

        AdminResult noForce = s.failoverCms(null, false, at(2_000));

        AdminVerbRefused e = refusal(noForce);
        assertThat(e.verb()).isEqualTo("failover-cms");
        assertThat(e.reason()).contains("force");
        assertThat(s.cmsPool()).isEqualTo("pool-a");

        AdminResult forced = s.failoverCms(null, true, at(3_000));

        assertThat(forced.refused()).isFalse();
        assertThat(forced.events()).singleElement().isInstanceOfSatisfying(CmsMoved.class, m -> {
            assertThat(m.fromPool()).isEqualTo("pool-a");
            assertThat(m.toPool()).isEqualTo("pool-b");
            assertThat(m.mode()).contains("disaster");
            assertThat(m.where().site()).isEqualTo("site-b");
        });
        assertThat(s.cmsPool()).isEqualTo("pool-b");
    }

    @Test
    void plannedCmsFailoverWithTheMasterUpNeedsNoForce() {
        SiteServices s = running();

        AdminResult r = s.failoverCms("pool-b", false, at(1_000));

        assertThat(r.refused()).isFalse();
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(CmsMoved.class,
                m -> assertThat(m.mode()).contains("planned"));
        assertThat(s.cmsPool()).isEqualTo("pool-b");
    }

    @Test
    void cmsFailoverIsRefusedWhenTheTargetPoolIsNotRunning() {
        SiteServices s = running();
        s.poolServing("pool-b", false, at(1_000));

        AdminVerbRefused e = refusal(s.failoverCms(null, true, at(2_000)));

        assertThat(e.reason()).contains("pool-b").contains("not running");
        assertThat(s.cmsPool()).isEqualTo("pool-a");
    }

    @Test
    void cmsFailoverOnlyGoesToTheStandbyOnThePartnerPool() {
        SiteServices s = running();

        AdminVerbRefused e = refusal(s.failoverCms("edge-b", true, at(1_000)));

        assertThat(e.reason()).contains("standby CMS").contains("pool-b");
        assertThat(s.cmsPool()).isEqualTo("pool-a");
    }

    @Test
    void afterTheCmsMovesASurvivingEdgeThatForwardsToTheFailedPoolBlocksUntilRepointed() {
        SiteServices s = running();
        s.poolServing("pool-a", false, at(1_000));
        s.failoverCms(null, true, at(2_000));

        String why = s.failoverPrecondition("pool-a");

        assertThat(why).contains("Edge pool edge-a").contains("next hop").contains("set-edge-next-hop");

        AdminResult r = s.setEdgeNextHop("edge-a", "pool-b", at(3_000));

        assertThat(r.refused()).isFalse();
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(EdgeRouteChanged.class, e -> {
            assertThat(e.route()).isEqualTo("next hop");
            assertThat(e.from()).isEqualTo("pool-a");
            assertThat(e.to()).isEqualTo("pool-b");
            assertThat(e.where().pool()).isEqualTo("edge-a");
        });
        assertThat(s.nextHopOf("edge-a")).isEqualTo("pool-b");
        assertThat(s.failoverPrecondition("pool-a")).isNull();
    }

    @Test
    void aDeadEdgeForwardingToTheFailedPoolDoesNotBlockTheFailover() {
        SiteServices s = running();
        s.poolServing("pool-a", false, at(1_000));
        s.poolServing("edge-a", false, at(1_000));
        s.failoverCms(null, true, at(2_000));

        assertThat(s.nextHopOf("edge-a")).isEqualTo("pool-a");
        assertThat(s.failoverPrecondition("pool-a")).isNull();
    }

    @Test
    void edgeNextHopMustBeAFrontEndOrDirectorPoolOfAKnownEdge() {
        SiteServices s = running();

        assertThat(refusal(s.setEdgeNextHop("pool-a", "pool-b", at(0))).reason()).contains("no Edge pool named pool-a");
        assertThat(refusal(s.setEdgeNextHop("edge-a", "edge-b", at(0))).reason()).contains("no Front End or Director pool");
        assertThat(refusal(s.setEdgeNextHop("edge-a", "nowhere", at(0))).verb()).isEqualTo("set-edge-next-hop");
        assertThat(s.nextHopOf("edge-a")).isEqualTo("pool-a");
    }

    // ------------------------------------------------------------------ §8 item 12: the CMS stays where it was failed over

    @Test
    void failbackOfTheUsersLeavesTheCmsWhereItWasFailedOver() {
        SiteServices s = running();
        PoolPair pair = new PoolPair("pool-a", "site-a", 6000, "pool-b", "site-b", 6000, DrSettings.DEFAULT, 0);
        pair.poolServing("pool-a", true, at(0));
        pair.poolServing("pool-b", true, at(0));
        pair.poolServing("pool-a", false, at(1_000));
        s.poolServing("pool-a", false, at(1_000));
        s.failoverCms(null, true, at(2_000));
        s.setEdgeNextHop("edge-a", "pool-b", at(3_000));
        assertThat(s.failoverPrecondition("pool-a")).isNull();
        pair.failover("pool-a", true, true, at(4_000));
        pair.tick(at(4_000 + DrSettings.DEFAULT.poolFailoverMs()), true);

        pair.poolServing("pool-a", true, at(500_000));
        s.poolServing("pool-a", true, at(500_000));
        assertThat(pair.failback("pool-a", false, true, at(510_000)).refused()).isFalse();
        pair.tick(at(510_000 + 3_600_000), true);

        assertThat(pair.state("pool-a")).isEqualTo(PoolPair.DrState.FAILED_BACK);
        assertThat(s.cmsPool()).isEqualTo("pool-b");
    }

    // ------------------------------------------------------------------ §8 item 15: federation route

    @Test
    void theFederationEdgeIsTheEdgeInTheCmsSite() {
        SiteServices s = running();

        assertThat(s.federationEdge()).isEqualTo("edge-a");
        assertThat(s.federationUp()).isTrue();
    }

    @Test
    void losingTheFederationEdgeDropsFederationRoutes() {
        SiteServices s = running();

        List<FailoverEvent> ev = s.poolServing("edge-a", false, at(1_000));

        assertThat(ev).singleElement().isInstanceOfSatisfying(ServiceDropped.class, e -> {
            assertThat(e.unit()).isEqualTo("federation routes");
            assertThat(e.where().pool()).isEqualTo("edge-a");
            assertThat(e.reason()).contains("move-federation-route");
        });
        assertThat(s.federationUp()).isFalse();
    }

    @Test
    void losingAnEdgeThatDoesNotCarryFederationDropsNothing() {
        SiteServices s = running();

        assertThat(s.poolServing("edge-b", false, at(1_000))).isEmpty();
        assertThat(s.federationUp()).isTrue();
    }

    @Test
    void movingTheFederationRouteToARunningEdgeRestoresFederation() {
        SiteServices s = running();
        s.poolServing("edge-a", false, at(1_000));

        AdminResult r = s.moveFederationRoute("edge-b", at(2_000));

        assertThat(r.refused()).isFalse();
        assertThat(r.events()).singleElement().isInstanceOfSatisfying(EdgeRouteChanged.class, e -> {
            assertThat(e.route()).isEqualTo("federation route");
            assertThat(e.from()).isEqualTo("edge-a");
            assertThat(e.to()).isEqualTo("edge-b");
        });
        assertThat(s.federationEdge()).isEqualTo("edge-b");
        assertThat(s.federationUp()).isTrue();
        // the old Edge going down again no longer matters
        assertThat(s.poolServing("edge-a", true, at(3_000))).isEmpty();
        assertThat(s.poolServing("edge-a", false, at(4_000))).isEmpty();
    }

    @Test
    void federationRouteCannotMoveToADownOrUnknownEdge() {
        SiteServices s = running();
        s.poolServing("edge-a", false, at(1_000));
        s.poolServing("edge-b", false, at(1_000));

        AdminVerbRefused down = refusal(s.moveFederationRoute("edge-b", at(2_000)));
        AdminVerbRefused unknown = refusal(s.moveFederationRoute("edge-z", at(2_000)));
        AdminVerbRefused notEdge = refusal(s.moveFederationRoute("pool-b", at(2_000)));

        assertThat(down.verb()).isEqualTo("move-federation-route");
        assertThat(down.reason()).contains("edge-b is down");
        assertThat(unknown.reason()).contains("no Edge pool named edge-z");
        assertThat(notEdge.reason()).contains("no Edge pool named pool-b");
        assertThat(s.federationEdge()).isEqualTo("edge-a");
        assertThat(s.federationUp()).isFalse();
    }

    @Test
    void theEdgesToRepointBeforeAFailoverAreTheServingOnesThatForwardToThePool() {
        SiteServices s = running();
        assertThat(s.edgesToRepoint("pool-b")).containsExactly("edge-b");
        s.poolServing("edge-b", false, at(1_000));
        assertThat(s.edgesToRepoint("pool-b")).isEmpty();
        s.setEdgeNextHop("edge-a", "pool-b", at(2_000));
        assertThat(s.edgesToRepoint("pool-b")).containsExactly("edge-a");
        assertThat(s.edgesToRepoint("pool-a")).isEmpty();
    }
}
