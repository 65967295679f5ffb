package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pools on a real cluster: the 6 nodes of examples/cluster-two-sites.conf as 6 JVMs, each running the servers its
 * placement gives it, each site's pools supervised by cluster singletons (on the site's oldest node), each site's users
 * writing all along. A node of site-a frozen (SIGSTOP) while it holds primaries is replaced and, once continued,
 * acknowledges nothing stale; the other node of site-a not running the supervisors is killed (SIGKILL) and its
 * routing groups are re-primaried on the other nodes; the node running site-b's singletons is killed and a new
 * supervisor rebuilds pool-b from the servers' reports. Then the rest of site-b is killed: its pool is failed over to
 * pool-a through a site-a node's control plane (refused without disaster mode, done with it), pool-b's users are served from
 * site-a, and at the end the checkers over the merged histories find every lost write inside the window the disaster
 * failover declared, no stale primary: valid. Waits are on events, bounded; no timing is asserted (timings:
 * docs/benchmarks.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PoolFailoverClusterTest {

    private static final Duration FORM = Duration.ofSeconds(150);
    private static final Duration DETECT = Duration.ofSeconds(60);

    private LocalCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixNodesAndWaitForBothPools() throws Exception {
        cluster = LocalCluster.start(LocalCluster.example("cluster-two-sites.conf"));
        cluster.awaitUpAndRunning(FORM, List.of("pool-a", "pool-b"));
        awaitMoreAcknowledgedWrites(20);
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killEveryNode() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void aFrozenNodesPrimariesMoveAndOnceContinuedItAcknowledgesNothingStale() throws Exception {
        // a node of site-a that does not run pool-a's supervisor (that is the next test's case)
        NodeProcess frozen = cluster.node(others("pool-a", List.of("a1", "a2", "a3")).get(0));
        List<String> fes = frontEnds(frozen.name);
        awaitPrimariesOn(fes);
        long from = System.currentTimeMillis();
        frozen.signal("STOP");
        try {
            for (String fe : fes) {
                cluster.await(fe + " declared down while its node is frozen", DETECT,
                        () -> hasAfter(from, e -> type(e, "server-down") && fe.equals(e.path("server").asText())), () -> recent(from));
            }
            cluster.await(fes + "'s routing groups promoted elsewhere", DETECT, () -> hasAfter(from,
                    e -> type(e, "primary-moved") && fes.contains(e.path("fromServer").asText())), () -> recent(from));
        } finally {
            frozen.signal("CONT");
        }
        for (String fe : fes) {
            cluster.await(fe + " up again after its node continued", DETECT,
                    () -> hasAfter(from, e -> type(e, "server-up") && fe.equals(e.path("server").asText())), () -> recent(from));
        }
        // the users' operations the pool had sent it before declaring it down wake up with it: it tries them with its
        // old epochs, its group's other replicas refuse, and it steps down (the sanity checker at the end finds no
        // operation a stale primary served)
        cluster.await("the resumed node stepped down from its stale primaries", DETECT, () -> hasAfter(from,
                e -> type(e, "primary-stepped-down") && fes.contains(e.path("server").asText())), () -> recent(from));
        awaitMoreAcknowledgedWrites(20);
    }

    @Test
    @Order(2)
    void aKilledNodesRoutingGroupsAreRePrimariedOnTheOtherNodesWithoutQuorumLoss() throws Exception {
        NodeProcess victim = cluster.node(others("pool-a", List.of("a1", "a2", "a3")).get(1));
        List<String> fes = frontEnds(victim.name);
        List<String> rest = new ArrayList<>(List.of("a-fe1", "a-fe2", "a-fe3", "a-fe4", "a-fe5", "a-fe6"));
        rest.removeAll(fes);
        awaitPrimariesOn(fes);
        long from = System.currentTimeMillis();
        victim.process.destroyForcibly();
        assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        for (String fe : fes) {
            cluster.await(fe + " down", DETECT, () -> hasAfter(from, e -> type(e, "server-down") && fe.equals(e.path("server").asText())),
                    () -> recent(from));
        }
        cluster.await(fes + "'s groups re-primaried", DETECT, () -> hasAfter(from,
                e -> type(e, "primary-moved") && fes.contains(e.path("fromServer").asText())), () -> recent(from));
        List<JsonNode> after = since(from);
        assertThat(after).as("each routing group lost one replica at most: its replicas are on different nodes")
                .noneMatch(e -> type(e, "routing-group-quorum-lost") || type(e, "routing-group-lost") || type(e, "pool-quorum-lost"));
        assertThat(after).filteredOn(e -> type(e, "primary-moved") && fes.contains(e.path("fromServer").asText()))
                .allSatisfy(e -> assertThat(e.path("toServer").asText()).isIn(rest));
        awaitMoreAcknowledgedWrites(20);
    }

    @Test
    @Order(3)
    void killingTheNodeOfASitesPoolSupervisorsLosesNothing() throws Exception {
        // the oldest node of site-b runs its singletons: the node whose events.jsonl has pool-b's events
        String host = null;
        for (String n : List.of("b1", "b2", "b3")) {
            if (Files.readString(cluster.folder.resolve(n).resolve("events.jsonl")).contains("\"pool\":\"pool-b\"")) host = n;
        }
        assertThat(host).as("the node running pool-b's supervisor").isNotNull();
        NodeProcess victim = cluster.node(host);
        List<String> survivors = new ArrayList<>(List.of("b-fe1", "b-fe2", "b-fe3", "b-fe4", "b-fe5", "b-fe6"));
        survivors.removeAll(cluster.topology.placement().node(host).orElseThrow().servers());
        long from = System.currentTimeMillis();
        victim.process.destroyForcibly();
        assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        cluster.await("a new supervisor of pool-b rebuilt it from its servers' reports", DETECT,
                () -> hasAfter(from, e -> type(e, "pool-rebuilt") && "pool-b".equals(e.path("pool").asText())), () -> recent(from));
        JsonNode rebuilt = since(from).stream()
                .filter(e -> type(e, "pool-rebuilt") && "pool-b".equals(e.path("pool").asText())).findFirst().orElseThrow();
        List<String> reporting = new ArrayList<>();
        rebuilt.path("reporting").forEach(r -> reporting.add(r.asText()));
        assertThat(reporting).containsExactlyInAnyOrderElementsOf(survivors);
        awaitMoreAcknowledgedWrites(20);
    }

    @Test
    @Order(4)
    void aWholeSiteLostItsPoolIsFailedOverThroughTheControlPlaneAndItsUsersAreServedFromTheOtherSite() throws Exception {
        long from = System.currentTimeMillis();
        for (String n : List.of("b1", "b2", "b3")) {
            NodeProcess victim = cluster.node(n);
            if (!victim.process.isAlive()) continue;
            victim.process.destroyForcibly();
            assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        NodeProcess a1 = liveNodeOfSiteA();
        // without disaster mode the partner refuses: pool-b does not answer
        LocalCluster.HttpAnswer refused = cluster.post(a1, "/api/admin/failover-pool", "{\"pool\":\"pool-b\"}", Duration.ofSeconds(60));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("pool-b does not answer").contains("disaster=true");
        LocalCluster.HttpAnswer done = cluster.post(a1, "/api/admin/failover-pool", "{\"pool\":\"pool-b\",\"disaster\":true}",
                Duration.ofSeconds(60));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("served by pool-a").contains("disaster");
        cluster.await("pool-b FailedOver to pool-a", DETECT, () -> hasAfter(from, e -> type(e, "pool-failover-state")
                && "pool-b".equals(e.path("pool").asText()) && "FailedOver".equals(e.path("to").asText())), () -> recent(from));
        long before = servedFromOtherSite();
        cluster.await("pool-b's users served by pool-a", DETECT, () -> servedFromOtherSite() >= before + 10,
                () -> servedFromOtherSite() + " operations of pool-b's users acknowledged by pool-a");
    }

    @Test
    @Order(5)
    void everyAcknowledgedWriteIsReadBackOrFallsInTheDisastersDeclaredWindowAndTheVerdictIsValid() throws Exception {
        LocalCluster.HttpAnswer a = cluster.post(liveNodeOfSiteA(), "/api/final-read", "{}", Duration.ofSeconds(60));
        assertThat(a.status()).as("final read: " + a.body()).isEqualTo(200);
        assertThat(a.body()).as("site-a reads its own users and pool-b's it hosts").contains("\"users\":400");
        Path out = cluster.folder.resolve("check.txt");
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                LocalCluster.jar().toString(), "check", cluster.folder.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(check.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(report).as(report).contains("(0 outside a declared loss window)").contains("checker sanity      valid")
                .endsWith("VALID\n");
        assertThat(check.exitValue()).as(report).isZero();
        assertThat(report).doesNotContain("unread-writes");
    }

    // ------------------------------------------------------------------ helpers

    /** The nodes of {@code nodes} that do not run {@code pool}'s supervisor (a singleton: its events are in its node's file). */
    private List<String> others(String pool, List<String> nodes) throws IOException {
        List<String> out = new ArrayList<>();
        for (String n : nodes) {
            if (!Files.readString(cluster.folder.resolve(n).resolve("events.jsonl")).contains("\"pool\":\"" + pool + "\"")) out.add(n);
        }
        assertThat(out).as("the nodes not running " + pool + "'s supervisor").hasSize(nodes.size() - 1);
        return out;
    }

    /**
     * Waits until some of these Front Ends are primaries (a Front End that joined its pool after the first start gets
     * primaries only at the next rebalance): freezing or killing them must move primaries for the test to mean anything.
     */
    private void awaitPrimariesOn(List<String> fes) throws InterruptedException {
        cluster.await(fes + " hold primaries", DETECT, () -> {
            try {
                LocalCluster.HttpAnswer a = cluster.get(liveNodeOfSiteA(), "/api/pools/pool-a");
                if (a.status() != 200) return false;
                for (JsonNode g : new com.fasterxml.jackson.databind.ObjectMapper().readTree(a.body()).path("pool").path("routingGroups")) {
                    if (fes.contains(g.path("primary").asText())) return true;
                }
                return false;
            } catch (IOException | InterruptedException e) {
                return false;
            }
        }, () -> "no primary on " + fes + " yet");
    }

    private NodeProcess liveNodeOfSiteA() {
        return cluster.live().stream().filter(n -> n.site.equals("site-a")).findFirst().orElseThrow();
    }

    /** The Front Ends a node hosts (by the placement). */
    private List<String> frontEnds(String node) {
        return cluster.topology.placement().node(node).orElseThrow().servers().stream().filter(s -> s.contains("-fe")).toList();
    }

    private static boolean type(JsonNode e, String t) {
        return t.equals(e.path("type").asText());
    }

    private boolean has(Predicate<JsonNode> p) {
        return cluster.events().stream().anyMatch(p);
    }

    /** Events of every node written at or after {@code wallMs} (the nodes' files are read whole, then filtered). */
    private List<JsonNode> since(long wallMs) {
        return cluster.events().stream().filter(e -> e.path("wallMs").asLong() >= wallMs).toList();
    }

    private boolean hasAfter(long from, Predicate<JsonNode> p) {
        return since(from).stream().anyMatch(p);
    }

    private String recent(long from) {
        List<String> types = since(from).stream().map(e -> e.path("type").asText() + " " + e.path("server").asText(""))
                .distinct().limit(40).toList();
        return "events since the fault: " + types;
    }

    /** Operations of pool-b's users acknowledged by pool-a (after its failover there). */
    private long servedFromOtherSite() {
        long n = 0;
        for (String name : List.of("a1", "a2", "a3")) {
            Path f = cluster.folder.resolve(name).resolve("history.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try (var lines = Files.lines(f)) {
                n += lines.filter(l -> l.startsWith("{\"type\":\"ok\"") && l.contains("\"home\":\"pool-b\"")
                        && l.contains("\"pool\":\"pool-a\"")).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // being written: counted next time
            }
        }
        return n;
    }

    /** Acknowledged writes in the nodes' histories so far. */
    private long acknowledgedWrites() {
        long n = 0;
        for (String name : cluster.nodes.keySet()) {
            Path f = cluster.folder.resolve(name).resolve("history.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try (var lines = Files.lines(f)) {
                n += lines.filter(l -> l.startsWith("{\"type\":\"ok\"") && l.contains("\"value\":") && !l.contains("\"f\":\"read\"")).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // being written: counted next time
            }
        }
        return n;
    }

    private void awaitMoreAcknowledgedWrites(int more) throws InterruptedException {
        long target = acknowledgedWrites() + more;
        cluster.await(more + " more acknowledged writes", DETECT, () -> acknowledgedWrites() >= target,
                () -> acknowledgedWrites() + " acknowledged so far");
    }
}
