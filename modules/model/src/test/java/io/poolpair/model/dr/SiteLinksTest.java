package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.FailoverEvent.SiteLinkCut;
import io.poolpair.model.event.FailoverEvent.SiteLinkHealed;
import io.poolpair.model.event.FailoverEvent.SiteLinkSlowed;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The links between sites: their conditions, what crosses each, and what a cut or slow link reports. */
class SiteLinksTest {

    /** Three sites: paired pools in A and B (the CMS on pool-a), an Edge pool in each, and a lone pool-c in C. */
    private static final Topology TOPOLOGY = TopologyLoader.parse("""
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" }, { name = "site-b" }, { name = "site-c" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1", "a-fe2", "a-fe3" ],
                users = 6000, backup-pool = "pool-b" }
              { name = "pool-b", role = front-end, site = "site-b", servers = [ "b-fe1", "b-fe2", "b-fe3" ],
                users = 6000, backup-pool = "pool-a" }
              { name = "pool-c", role = front-end, site = "site-c", servers = [ "c-fe1", "c-fe2", "c-fe3" ], users = 6000 }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "a-edge1", "a-edge2" ], next-hop = "pool-a" }
              { name = "edge-b", role = edge, site = "site-b", servers = [ "b-edge1", "b-edge2" ], next-hop = "pool-b" }
            ]
            """, "links.conf");

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static SiteServices site() {
        SiteServices s = new SiteServices(TOPOLOGY);
        for (String p : List.of("pool-a", "pool-b", "pool-c", "edge-a", "edge-b")) s.poolServing(p, true, at(0));
        return s;
    }

    @Test
    void everyLinkIsUpAtFirstAndALinkWithinOneSiteIsAlwaysUp() {
        SiteLinks links = new SiteLinks(TOPOLOGY);

        assertThat(links.between("site-a", "site-b")).isEqualTo(SiteLink.UP);
        assertThat(links.between("site-a", "site-a")).isEqualTo(SiteLink.UP);
        assertThat(links.forPair("pool-a", "pool-b")).isEqualTo(SiteLink.UP);
        assertThat(links.degraded()).isEmpty();
    }

    @Test
    void cuttingALinkReportsWhatCrossesItAndDropsTheFederationOfTheFarSide() {
        SiteLinks links = new SiteLinks(TOPOLOGY);

        SiteLinks.Change c = links.set("site-b", "site-a", SiteLink.CUT, site(), at(5_000));

        assertThat(c.changed()).isTrue();
        assertThat(c.message()).isEqualTo("site link site-a <-> site-b up -> cut");
        assertThat(links.between("site-a", "site-b")).isEqualTo(SiteLink.CUT);
        assertThat(links.between("site-b", "site-a")).isEqualTo(SiteLink.CUT);
        assertThat(links.forPair("pool-b", "pool-a")).isEqualTo(SiteLink.CUT);
        assertThat(links.between("site-a", "site-c")).as("other links are not touched").isEqualTo(SiteLink.UP);
        assertThat(links.degraded()).containsExactly("site-a <-> site-b: cut");

        List<FailoverEvent> ev = c.events();
        assertThat(ev).hasSize(2);
        SiteLinkCut cut = (SiteLinkCut) ev.get(0);
        assertThat(cut.siteA()).isEqualTo("site-a");
        assertThat(cut.siteB()).isEqualTo("site-b");
        assertThat(cut.time().emulatedMs()).isEqualTo(5_000);
        assertThat(cut.carries()).containsExactly(
                "Backup Service pool-a <-> pool-b (user data, conference content)",
                "CMS replication pool-a -> pool-b",
                "outbound federation and XMPP of pool-b through edge-a");
        assertThat(cut.describe()).startsWith("site link site-a <-> site-b CUT; it carries Backup Service pool-a <-> pool-b");
        ServiceDropped federation = (ServiceDropped) ev.get(1);
        assertThat(federation.where().pool()).isEqualTo("edge-a");
        assertThat(federation.unit()).isEqualTo("federation routes");
        assertThat(federation.reason()).contains("pool-b").contains("until it heals");
    }

    @Test
    void cuttingALinkThatIsAlreadyCutChangesNothing() {
        SiteLinks links = new SiteLinks(TOPOLOGY);
        links.set("site-a", "site-b", SiteLink.CUT, site(), at(1_000));

        SiteLinks.Change again = links.set("site-a", "site-b", SiteLink.CUT, site(), at(2_000));

        assertThat(again.changed()).isFalse();
        assertThat(again.events()).isEmpty();
        assertThat(again.message()).contains("already cut");
    }

    @Test
    void aSlowLinkReportsItsDelayAndHealingReportsWhatItWasAndForHowLong() {
        SiteLinks links = new SiteLinks(TOPOLOGY);
        SiteLinks.Change slow = links.set("site-a", "site-b", SiteLink.slow(30_000), site(), at(10_000));

        assertThat(slow.events()).singleElement().isInstanceOfSatisfying(SiteLinkSlowed.class, e -> {
            assertThat(e.delayMs()).isEqualTo(30_000);
            assertThat(e.describe()).contains("every crossing delayed 30s");
        });
        assertThat(links.between("site-a", "site-b").delayMs()).isEqualTo(30_000);

        SiteLinks.Change cut = links.set("site-a", "site-b", SiteLink.CUT, site(), at(20_000));
        assertThat(cut.events()).first().isInstanceOf(SiteLinkCut.class);
        SiteLinks.Change healed = links.set("site-a", "site-b", SiteLink.UP, site(), at(70_000));

        assertThat(healed.events()).singleElement().isInstanceOfSatisfying(SiteLinkHealed.class, e -> {
            assertThat(e.was()).isEqualTo("cut");
            assertThat(e.degradedMs()).as("degraded since it was slowed").isEqualTo(60_000);
            assertThat(e.describe()).contains("the Backup Service catches up at its next sync");
        });
        assertThat(links.between("site-a", "site-b")).isEqualTo(SiteLink.UP);
        assertThat(links.degraded()).isEmpty();
    }

    @Test
    void healingAnUpLinkChangesNothing() {
        SiteLinks.Change c = new SiteLinks(TOPOLOGY).set("site-a", "site-b", SiteLink.UP, site(), at(0));

        assertThat(c.changed()).isFalse();
        assertThat(c.events()).isEmpty();
        assertThat(c.message()).contains("already up");
    }

    @Test
    void healAllHealsEveryLinkThatIsCutOrSlow() {
        SiteLinks links = new SiteLinks(TOPOLOGY);
        links.set("site-a", "site-b", SiteLink.CUT, site(), at(0));
        links.set("site-c", "site-a", SiteLink.slow(5_000), site(), at(0));

        List<SiteLinks.Change> healed = links.healAll(site(), at(1_000));

        assertThat(healed).hasSize(2).allSatisfy(c -> assertThat(c.events()).singleElement().isInstanceOf(SiteLinkHealed.class));
        assertThat(links.degraded()).isEmpty();
        assertThat(links.healAll(site(), at(2_000))).isEmpty();
    }

    @Test
    void aLinkNothingOfTheDeploymentCrossesSaysSo() {
        SiteLinks links = new SiteLinks(TOPOLOGY);
        SiteLinks.Change c = links.set("site-b", "site-c", SiteLink.CUT, site(), at(0));

        assertThat(c.message()).endsWith("(nothing of this deployment crosses it)");
        assertThat(c.events()).singleElement().isInstanceOfSatisfying(SiteLinkCut.class, e -> assertThat(e.carries()).isEmpty());

        // pool-c's outbound federation goes through edge-a, in site-a: that link carries it
        assertThat(links.carries("site-a", "site-c", site())).containsExactly("outbound federation and XMPP of pool-c through edge-a");
    }

    @Test
    void whatCrossesFollowsTheCmsTheFederationRouteAndTheEdgeNextHops() {
        SiteServices s = site();
        s.setEdgeNextHop("edge-a", "pool-b", at(0));
        s.moveFederationRoute("edge-b", at(0));
        s.failoverCms(null, false, at(0));

        List<String> carries = new SiteLinks(TOPOLOGY).carries("site-a", "site-b", s);

        assertThat(carries).containsExactly(
                "Backup Service pool-a <-> pool-b (user data, conference content)",
                "CMS replication pool-b -> pool-a",
                "outbound federation and XMPP of pool-a through edge-b",
                "next hop of edge-a (pool-b)");
    }

    @Test
    void aPlannedCmsFailoverCannotCompleteItsReplicationAcrossACutLinkButAForcedOneDoesNotWaitForIt() {
        SiteServices s = site();

        var planned = s.failoverCms(null, false, at(1_000), 60_000, SiteLink.CUT);

        assertThat(planned.refused()).isTrue();
        assertThat(planned.message()).contains("site link between site-a and site-b is cut")
                .contains("cannot complete the replication to the standby CMS on pool-b");
        assertThat(s.cmsDueMs()).isEqualTo(-1);
        assertThat(s.failoverCms(null, false, at(1_000), 60_000, SiteLink.slow(30_000)).refused()).as("slow still carries").isFalse();

        SiteServices forced = site();
        assertThat(forced.failoverCms(null, true, at(1_000), 0, SiteLink.CUT).refused()).isFalse();
        assertThat(forced.cmsPool()).isEqualTo("pool-b");
    }

    @Test
    void unknownSitesAndALinkFromASiteToItselfAreRejected() {
        SiteLinks links = new SiteLinks(TOPOLOGY);

        assertThatThrownBy(() -> links.set("site-a", "site-z", SiteLink.CUT, site(), at(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no site named 'site-z'");
        assertThatThrownBy(() -> links.set("site-a", "site-a", SiteLink.CUT, site(), at(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two different sites");
    }
}
