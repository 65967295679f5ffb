package io.poolpair.model.frontend;

import io.poolpair.model.dr.WriteRecord;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.frontend.FrontEndPool.HeldReplica;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.ProductVersion;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool supervisor that moved to another node (multi-node runs) rebuilds its pool from what the surviving
 * servers report: nothing they hold is forgotten, a group whose primary died gets a new one with a higher epoch.
 */
class FrontEndPoolRebuildTest {

    private static final List<String> SERVERS = IntStream.rangeClosed(1, 6).mapToObj(i -> "fe" + i).toList();

    private static FrontEndPool fresh() {
        return new FrontEndPool("pool1", "site1", SERVERS, 1200, 24, ProductVersion.SFB_2019, FrontEndSettings.DEFAULT);
    }

    /** A pool that ran, with a few acknowledged writes per group not flushed yet. */
    private static FrontEndPool running(Time now) {
        FrontEndPool p = fresh();
        for (String s : SERVERS) p.serverUp(s, now);
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        long id = 1;
        for (int g = 0; g < p.routingGroupCount(); g++) {
            for (int k = 0; k < 3; k++) {
                assertThat(p.serve(g, true, null).acknowledged()).isTrue();
                p.recordAcknowledged(g, new WriteRecord(id++, g, "pool1", "pool1", now.emulatedMs() + k));
            }
        }
        return p;
    }

    /** What each live server would report: the groups it holds, their epochs, whether it is primary, the writes. */
    private static Map<String, List<HeldReplica>> reports(FrontEndPool p, List<String> dead) {
        Map<String, List<HeldReplica>> out = new LinkedHashMap<>();
        for (String s : SERVERS) if (!dead.contains(s)) out.put(s, new ArrayList<>());
        for (RoutingGroupView g : p.groups()) {
            for (String r : g.live()) {
                if (dead.contains(r)) continue;
                out.get(r).add(new HeldReplica(g.id(), g.epoch(), r.equals(g.primary()), p.unflushed(g.id())));
            }
        }
        return out;
    }

    @Test
    void aRebuiltPoolKeepsEveryGroupsWritesAndPrimariesAndPromotesWhereThePrimaryDied() {
        Time t0 = Time.ofEmulated(0);
        FrontEndPool before = running(t0);
        String dead = "fe2";
        Map<String, List<HeldReplica>> reports = reports(before, List.of(dead));

        FrontEndPool after = fresh();
        List<FailoverEvent> ev = after.rebuild(reports, Time.ofEmulated(60_000));

        assertThat(ev.get(0)).isInstanceOf(FailoverEvent.PoolRebuilt.class);
        FailoverEvent.PoolRebuilt rebuilt = (FailoverEvent.PoolRebuilt) ev.get(0);
        assertThat(rebuilt.reporting()).doesNotContain(dead).hasSize(5);
        assertThat(rebuilt.unflushedWrites()).isEqualTo(24 * 3);
        assertThat(after.state()).isEqualTo(PoolState.RUNNING);
        assertThat(after.status(dead)).isEqualTo(ServerStatus.DOWN);
        int promoted = 0;
        for (RoutingGroupView g : before.groups()) {
            RoutingGroupView now = after.group(g.id());
            assertThat(after.unflushed(g.id())).containsExactlyElementsOf(before.unflushed(g.id()));
            assertThat(now.primary()).isNotEqualTo(dead).isNotNull();
            assertThat(now.serving()).isTrue();
            if (g.primary().equals(dead)) {
                promoted++;
                assertThat(now.epoch()).isGreaterThan(g.epoch());
                assertThat(g.live()).contains(now.primary());
            } else {
                assertThat(now.primary()).isEqualTo(g.primary());
                assertThat(now.epoch()).isEqualTo(g.epoch());
            }
        }
        assertThat(promoted).isPositive().isEqualTo(rebuilt.primariesPromoted());
        assertThat(ev).filteredOn(e -> e instanceof FailoverEvent.PrimaryMoved).hasSize(promoted);
        assertThat(ev).filteredOn(e -> e instanceof FailoverEvent.ServerDown).singleElement().satisfies(e -> {
            assertThat(e.where().server()).isEqualTo(dead);
            assertThat(((FailoverEvent.ServerDown) e).detectedBy()).isEqualTo("supervisor-rebuilt");
        });
        // the missing replicas are rebuilt later, as after any loss
        assertThat(after.placementDue()).isPresent();
    }

    @Test
    void aStaleClaimToBePrimaryLosesToTheHighestEpoch() {
        Time t0 = Time.ofEmulated(0);
        FrontEndPool before = running(t0);
        RoutingGroupView g = before.group(0);
        Map<String, List<HeldReplica>> reports = reports(before, List.of());
        // a secondary that froze long ago still believes it was primary at an older epoch
        String secondary = g.live().stream().filter(s -> !s.equals(g.primary())).findFirst().orElseThrow();
        List<HeldReplica> its = new ArrayList<>(reports.get(secondary));
        its.replaceAll(h -> h.group() == 0 ? new HeldReplica(0, g.epoch() - 1, true, h.unflushed()) : h);
        reports.put(secondary, its);

        FrontEndPool after = fresh();
        after.rebuild(reports, Time.ofEmulated(60_000));
        assertThat(after.group(0).primary()).isEqualTo(g.primary());
    }

    @Test
    void whenNoServerHoldsAnythingThePoolSimplyStarts() {
        Map<String, List<HeldReplica>> reports = new HashMap<>();
        for (String s : SERVERS) reports.put(s, List.of());
        FrontEndPool p = fresh();
        List<FailoverEvent> ev = p.rebuild(reports, Time.ofEmulated(0));
        assertThat(p.state()).isEqualTo(PoolState.RUNNING);
        assertThat(ev).noneMatch(e -> e instanceof FailoverEvent.PoolRebuilt);
        assertThat(ev).anyMatch(e -> e instanceof FailoverEvent.PoolQuorumRegained);
    }

    @Test
    void writesAServerReportsLateJoinTheirGroupOnce() {
        FrontEndPool before = running(Time.ofEmulated(0));
        Map<String, List<HeldReplica>> reports = reports(before, List.of("fe3"));
        FrontEndPool after = fresh();
        after.rebuild(reports, Time.ofEmulated(60_000));
        int size0 = after.unflushed(0).size();
        WriteRecord extra = new WriteRecord(9_999, 0, "pool1", "pool1", 10);
        List<HeldReplica> late = List.of(new HeldReplica(0, 1, false, List.of(extra, after.unflushed(0).get(0))));
        assertThat(after.adoptWrites(late)).isEqualTo(1);
        assertThat(after.unflushed(0)).hasSize(size0 + 1).contains(extra);
        after.flushed(0, List.of(extra.id()), Time.ofEmulated(61_000));
        assertThat(after.unflushed(0)).hasSize(size0).doesNotContain(extra);
    }

    @Test
    void replicasOfAGroupSitOnDifferentNodesSoThatLosingANodeLosesOneReplicaPerGroup() {
        Map<String, String> node = Map.of("fe1", "n1", "fe4", "n1", "fe2", "n2", "fe5", "n2", "fe3", "n3", "fe6", "n3");
        FrontEndPool p = fresh();
        p.placeAcrossDomains(node);
        Time t0 = Time.ofEmulated(0);
        for (String s : SERVERS) p.serverUp(s, t0);
        p.placementTick(Time.ofEmulated(3_600_000));
        for (RoutingGroupView g : p.groups()) {
            assertThat(g.replicas().stream().map(node::get).distinct().count()).as("group %d %s", g.id(), g.replicas()).isEqualTo(3);
        }
        Time t1 = Time.ofEmulated(3_700_000);
        p.serverDown("fe2", "membership", t1);
        p.serverDown("fe5", "membership", t1);
        for (RoutingGroupView g : p.groups()) {
            assertThat(g.state()).isNotEqualTo(GroupState.QUORUM_LOSS).isNotEqualTo(GroupState.LOST);
            assertThat(g.serving()).isTrue();
        }
    }
}
