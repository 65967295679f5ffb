package io.poolpair.it;

import io.poolpair.it.LocalCluster.Members;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real two-site cluster: the 6 nodes of examples/cluster-two-sites.conf (3 per site) as 6 JVMs on loopback. It
 * forms with each site as a data center; a node killed with SIGKILL is seen unreachable by its site and removed by
 * the split-brain resolver while the 5 others stay Up; a node frozen with SIGSTOP well beyond the thresholds never
 * takes a healthy node down. Only membership is asserted, never a timing (timings: docs/benchmarks.md). The tests run
 * in order on one cluster; every JVM is killed by PID at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TwoSiteClusterTest {

    /** Generous bounds: 6 JVMs share 2 cores with whatever else runs. */
    private static final Duration FORM = Duration.ofSeconds(150);
    private static final Duration DETECT = Duration.ofSeconds(60);

    private LocalCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixNodes() throws Exception {
        cluster = LocalCluster.start(LocalCluster.example("cluster-two-sites.conf"));
        for (NodeProcess n : cluster.nodes.values()) {
            cluster.await(n.name + " Up in the cluster", FORM, () -> n.printed(": Up in data center " + n.site),
                    () -> describe(n) + " (exit " + (n.process.isAlive() ? "-" : n.process.exitValue()) + ")");
        }
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killEveryNode() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void sixNodesFormTwoDataCentersOfThreeAndEachSaysReady() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        cluster.nodes.values().forEach(n -> expected.put(n.name, n.site));
        assertThat(expected.values().stream().filter("site-a"::equals)).hasSize(3);
        for (NodeProcess n : cluster.nodes.values()) {
            cluster.await(n.name + " sees 6 members Up in their sites", FORM, () -> {
                Members m = members(n);
                return m.allUp() && m.dataCenter().equals(expected);
            }, () -> n.name + " sees " + members(n));
            assertThat(cluster.get(n, "/ready").status()).as(n.name + " /ready").isEqualTo(200);
            assertThat(cluster.get(n, "/alive").status()).as(n.name + " /alive").isEqualTo(200);
        }
        // every node journaled the others joining, with their data center
        for (NodeProcess n : cluster.nodes.values()) {
            for (NodeProcess other : cluster.nodes.values()) {
                assertThat(n.seen()).as(n.name + " saw " + other.name + " Up")
                        .anyMatch(s -> s.type().equals("member-up") && s.node().equals(other.name) && s.site().equals(other.site));
            }
        }
    }

    @Test
    @Order(2)
    void aKilledNodeIsSeenUnreachableByItsSiteThenRemovedWhileTheOtherFiveStayUp() throws Exception {
        NodeProcess victim = cluster.node("a1");   // the first seed node and the oldest member of site-a
        List<NodeProcess> siteMates = List.of(cluster.node("a2"), cluster.node("a3"));
        List<NodeProcess> otherSite = List.of(cluster.node("b1"), cluster.node("b2"), cluster.node("b3"));

        victim.process.destroyForcibly();   // SIGKILL
        assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        for (NodeProcess n : siteMates) {
            cluster.await(n.name + " sees a1 unreachable, then removed", DETECT,
                    () -> n.saw("member-removed", "a1"), () -> n.name + " saw " + about(n, "a1"));
            assertThat(n.indexOf("member-unreachable", "a1")).as(n.name + ": unreachable before removed")
                    .isNotNegative().isLessThan(n.indexOf("member-removed", "a1"));
            assertThat(n.seen()).as(n.name + ": a1 was downed (by the split-brain resolver), not left")
                    .anyMatch(s -> s.type().equals("member-removed") && s.node().equals("a1") && s.rest().endsWith("was Down"));
        }
        for (NodeProcess n : otherSite) {
            // another site learns the removal by gossip (Pekko publishes member reachability within a data center only)
            cluster.await(n.name + " sees a1 removed", DETECT, () -> n.saw("member-removed", "a1"),
                    () -> n.name + " saw " + about(n, "a1"));
        }
        List<NodeProcess> survivors = new ArrayList<>(siteMates);
        survivors.addAll(otherSite);
        Set<String> five = survivors.stream().map(n -> n.name).collect(Collectors.toCollection(TreeSet::new));
        for (NodeProcess n : survivors) {
            cluster.await(n.name + " sees the five others Up and nothing unreachable", DETECT, () -> {
                Members m = members(n);
                return m.allUp() && m.status().keySet().equals(five);
            }, () -> n.name + " sees " + members(n));
            assertThat(n.process.isAlive()).as(n.name + " runs").isTrue();
            assertThat(cluster.get(n, "/ready").status()).as(n.name + " /ready").isEqualTo(200);
        }
    }

    @Test
    @Order(3)
    void aNodeFrozenWellBeyondTheThresholdsTakesNoHealthyNodeDown() throws Exception {
        NodeProcess frozen = cluster.node("b3");
        List<NodeProcess> healthy = cluster.live().stream().filter(n -> n != frozen).toList();
        assertThat(healthy).extracting(n -> n.name).containsExactlyInAnyOrder("a2", "a3", "b1", "b2");
        Set<String> healthyNames = healthy.stream().map(n -> n.name).collect(Collectors.toSet());

        frozen.signal("STOP");
        try {
            // "well beyond the thresholds": frozen until its own site has removed it
            NodeProcess b1 = cluster.node("b1");
            cluster.await("b3's site removes it while it is frozen", DETECT, () -> b1.saw("member-removed", "b3"),
                    () -> "b1 saw " + about(b1, "b3"));
        } finally {
            frozen.signal("CONT");
        }

        // invariants only: the healthy nodes agree on a membership in which all of them are Up (a majority of each
        // site) and nothing is unreachable; whatever became of b3, no healthy node of either site was removed
        for (NodeProcess n : healthy) {
            cluster.await(n.name + " sees every healthy node Up and nothing unreachable", DETECT, () -> {
                Members m = members(n);
                return m.allUp() && m.status().keySet().containsAll(healthyNames);
            }, () -> n.name + " sees " + members(n));
        }
        for (NodeProcess n : healthy) {
            assertThat(n.process.isAlive()).as(n.name + " runs").isTrue();
            for (String other : healthyNames) {
                assertThat(n.saw("member-removed", other)).as(n.name + " never saw " + other + " removed").isFalse();
                assertThat(n.saw("member-downed", other)).as(n.name + " never saw " + other + " downed").isFalse();
            }
            Members m = members(n);
            assertThat(m.status().keySet().stream().filter(x -> cluster.node(x).site.equals("site-b")))
                    .as(n.name + ": a majority of site-b is Up").hasSizeGreaterThanOrEqualTo(2);
            assertThat(m.status().keySet()).as(n.name + ": the other site is untouched").contains("a2", "a3");
        }
    }

    private Members members(NodeProcess n) {
        try {
            return cluster.members(n);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Members.NONE;
        }
    }

    private static String about(NodeProcess n, String node) {
        return n.seen().stream().filter(s -> node.equals(s.node())).map(NodeProcess.Seen::type).toList().toString();
    }

    private static String describe(NodeProcess n) {
        List<String> l = n.lines();
        return n + ": last lines " + l.subList(Math.max(0, l.size() - 3), l.size());
    }
}
