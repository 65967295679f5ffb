package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolpair.it.DockerCluster.Members;
import io.poolpair.it.DockerCluster.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.poolpair.it.DockerCluster.about;
import static io.poolpair.it.DockerCluster.indexOf;
import static io.poolpair.it.DockerCluster.membership;
import static io.poolpair.it.DockerCluster.saw;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two-site cluster in containers (docs/docker.md): the image built from docker/Dockerfile with this build's jar,
 * six containers a1..b3 on networks site-a, site-b and wan, as docker/docker-compose.yml lays them out, each node
 * running the servers its placement gives it, each site's pools and users run by the site's singletons. It forms with
 * each site a data center and both pools run; a site cut off wan ({@code docker network disconnect}) stays whole
 * and keeps serving its own users (no cross-site failover) while the Backup Service backs up both ways, and after the
 * heal the backups catch up, nobody downed; {@code docker kill} of a node hosting Front Ends (a3: a-fe3, a-fe6) is
 * seen unreachable by its site, downed and removed, and its routing groups are re-primaried on the other Front Ends
 * without quorum loss; {@code docker pause} of b3 (b-fe3, b-fe6) until its Front Ends are declared down, then
 * unpause: its primaries moved, it steps down from the stale ones and nobody is downed. At the end both sites' users
 * read back their data (POST /api/final-read with the token) and {@code poolpair check} over the run folder finds no
 * acknowledged write lost: VALID. Waits are on the nodes' files, bounded; no timing is asserted (docs/benchmarks.md).
 *
 * <p>Without Docker the class is skipped ({@code disabledWithoutDocker}); under CI=true {@link DockerEngineTest}
 * fails instead. The base image: {@code -Dpoolpair.docker.base}, else poolpair-jre17:local when it exists
 * (scripts/docker-images), else eclipse-temurin:17-jre. Containers and networks are removed at the end.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DockerClusterTest {

    /** Generous bounds: 6 JVMs in containers share 2 cores with whatever else runs. */
    private static final Duration FORM = Duration.ofSeconds(120);
    private static final Duration DETECT = Duration.ofSeconds(60);
    private static final List<String> POOLS = List.of("pool-a", "pool-b");
    /** Events that must not follow the loss of one node: each routing group's replicas are on different nodes. */
    private static final Set<String> QUORUM_LOST = Set.of("routing-group-quorum-lost", "routing-group-lost", "pool-quorum-lost");
    private Path jar;

    private DockerCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixContainers() throws Exception {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path runDir = Path.of(System.getProperty("poolpair.it.out", "target/it-runs")).resolve("docker-" + stamp).toAbsolutePath();
        Files.createDirectories(runDir);
        Path docker = Path.of(System.getProperty("poolpair.docker", "../../docker")).toAbsolutePath().normalize();
        jar = Path.of(System.getProperty("poolpair.jar", "../app/target/poolpair.jar")).toAbsolutePath().normalize();
        Path examples = Path.of(System.getProperty("poolpair.examples", "../../examples")).toAbsolutePath().normalize();
        assertThat(jar).as("the jar a reactor build packages before this module's tests").exists();
        cluster = new DockerCluster(runDir, docker.resolve("Dockerfile"), jar, examples, baseImage());
        cluster.start();
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void removeContainersAndNetworks() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void sixContainersFormTwoDataCentersOfThreeAndEachSaysReady() throws Exception {
        for (Node n : cluster.nodes.values()) {
            cluster.await(n.name + " sees 6 members Up in their sites", FORM, () -> {
                Members m = cluster.members(n);
                return m.status().size() == 6 && m.status().values().stream().allMatch("Up"::equals) && m.unreachable().isEmpty()
                        && m.dataCenter().entrySet().stream().allMatch(e -> e.getValue().equals(cluster.node(e.getKey()).site));
            }, () -> n.name + " sees " + cluster.members(n));
            assertThat(cluster.status(n, "/ready")).as(n.name + " /ready").isEqualTo(200);
            // the node's own events.jsonl, on the host through the bind mount
            JsonNode up = cluster.awaitEvent(n.dir, e -> "node-up".equals(e.path("marker").asText()));
            assertThat(up.path("site").asText()).isEqualTo(n.site);
        }
        // the emulation runs: each site's pool supervisor (a singleton) says its pool runs, its users write
        for (String pool : POOLS) {
            cluster.await(pool + " runs", FORM, () -> cluster.events().stream()
                    .anyMatch(e -> type(e, "pool-quorum-regained") && pool.equals(e.path("pool").asText())),
                    () -> "events so far: " + cluster.events().size());
        }
        for (String pool : POOLS) awaitMoreAcknowledgedWrites(pool, 10);
    }

    @Test
    @Order(2)
    void aSiteCutOffTheWanStaysWholeWhileTheOtherIsOutOfReachAndTheHealJoinsThemDowningNobody() throws Exception {
        Map<String, String> other = Map.of("site-a", "site-b", "site-b", "site-a");
        cluster.partition("site-b");
        for (Node n : cluster.nodes.values()) {
            cluster.awaitMembership(n, e -> type(e, "dc-unreachable") && e.path("site").asText().equals(other.get(n.site)),
                    n.name + " sees " + other.get(n.site) + " unreachable", DETECT);
        }
        long cutAt = System.currentTimeMillis();
        // each site serves itself: its own members Up and reachable among themselves, /ready on every node
        for (Node n : cluster.nodes.values()) {
            Members m = cluster.members(n);
            Set<String> mates = cluster.site(n.site).stream().map(x -> x.name).collect(Collectors.toSet());
            assertThat(mates).allSatisfy(x -> assertThat(m.status()).as(n.name + " sees its site-mates Up").containsEntry(x, "Up"));
            assertThat(m.unreachable()).as(n.name + ": unreachable only across the cut").doesNotContainAnyElementsOf(mates);
            assertThat(cluster.status(n, "/ready")).as(n.name + " /ready while cut").isEqualTo(200);
        }
        // each site's users keep being served by their own site; the Backup Service cannot ship across: backlog both ways
        for (String pool : POOLS) awaitMoreAcknowledgedWrites(pool, 10);
        for (String from : POOLS) {
            cluster.await("the Backup Service from " + from + " in backlog", DETECT.multipliedBy(2), () -> cluster.eventsSince(cutAt,
                    cluster.nodes.values()).stream().anyMatch(e -> backup(e, from, "backlog")), () -> recent(cutAt));
        }
        assertThat(cluster.eventsSince(cutAt, cluster.nodes.values())).as("no cross-site failover without the automatic policy")
                .noneMatch(e -> type(e, "pool-failover-state") || type(e, "users-moved"));

        long healAt = System.currentTimeMillis();
        cluster.heal("site-b");
        for (Node n : cluster.nodes.values()) {
            cluster.await(n.name + " sees " + other.get(n.site) + " reachable again", DETECT,
                    () -> lastDc(n, other.get(n.site)).equals("dc-reachable"), () -> n.name + " last saw " + lastDc(n, other.get(n.site)));
        }
        for (String from : POOLS) {
            cluster.await("the Backup Service from " + from + " caught up (steady)", DETECT.multipliedBy(2), () -> cluster.eventsSince(
                    healAt, cluster.nodes.values()).stream().anyMatch(e -> backup(e, from, "steady")), () -> recent(healAt));
        }
        for (Node n : cluster.nodes.values()) {
            cluster.await(n.name + " sees 6 members Up and nothing unreachable", DETECT, () -> {
                Members m = cluster.members(n);
                return m.status().size() == 6 && m.status().values().stream().allMatch("Up"::equals) && m.unreachable().isEmpty();
            }, () -> n.name + " sees " + cluster.members(n));
            for (JsonNode e : membership(n)) {
                assertThat(e.path("type").asText()).as(n.name + ": " + e.path("text").asText())
                        .isNotIn("member-downed", "member-removed", "self-removed", "member-unreachable");
            }
        }
    }

    @Test
    @Order(3)
    void aKilledContainerHostingFrontEndsIsSeenUnreachableByItsSiteThenDownedAndRemoved() throws Exception {
        Node victim = cluster.node("a3");   // hosts a-fe3 and a-fe6 of pool-a, and a-dir2
        List<Node> siteMates = List.of(cluster.node("a1"), cluster.node("a2"));
        List<Node> otherSite = cluster.site("site-b");

        long from = System.currentTimeMillis();
        cluster.kill(victim);   // docker kill: SIGKILL to the container's JVM
        cluster.await("a3's container ends", DETECT, () -> !"running".equals(cluster.state(victim)), () -> cluster.state(victim));

        for (Node n : siteMates) {
            cluster.awaitMembership(n, e -> type(e, "member-removed") && "a3".equals(e.path("node").asText()),
                    n.name + " sees a3 unreachable, then removed", DETECT);
            assertThat(indexOf(n, "member-unreachable", "a3")).as(n.name + ": unreachable before removed " + about(n, "a3"))
                    .isNotNegative().isLessThan(indexOf(n, "member-removed", "a3"));
            // downed by the split-brain resolver, not left: a node may see the Down status only in the removal (gossip
            // can merge the two changes), which then says it was Down
            int downed = indexOf(n, "member-downed", "a3");
            int removed = indexOf(n, "member-removed", "a3");
            assertThat(downed >= 0 && downed < removed || DockerCluster.membership(n).stream().anyMatch(e -> type(e, "member-removed")
                    && "a3".equals(e.path("node").asText()) && "was Down".equals(e.path("detail").asText())))
                    .as(n.name + ": downed (by the split-brain resolver) " + about(n, "a3")).isTrue();
        }
        for (Node n : otherSite) {
            cluster.await(n.name + " sees a3 removed", DETECT, () -> saw(n, "member-removed", "a3"), () -> n.name + " saw " + about(n, "a3"));
        }
        // its Front Ends are declared down and their routing groups re-primaried on the other four (site-a's events:
        // pool-a's supervisor writes them on the node it runs on, a1 or a2)
        List<Node> siteA = cluster.site("site-a");
        for (String fe : List.of("a-fe3", "a-fe6")) {
            cluster.await(fe + " declared down", DETECT, () -> cluster.eventsSince(from, siteA).stream()
                    .anyMatch(e -> type(e, "server-down") && fe.equals(e.path("server").asText())), () -> recent(from));
            cluster.await(fe + "'s routing groups re-primaried", DETECT, () -> cluster.eventsSince(from, siteA).stream()
                    .anyMatch(e -> type(e, "primary-moved") && fe.equals(e.path("fromServer").asText())), () -> recent(from));
        }
        List<JsonNode> after = cluster.eventsSince(from, cluster.nodes.values());
        assertThat(after).as("each routing group lost one replica at most: no quorum lost")
                .noneMatch(e -> QUORUM_LOST.contains(e.path("type").asText()));
        assertThat(after).filteredOn(e -> type(e, "primary-moved") && Set.of("a-fe3", "a-fe6").contains(e.path("fromServer").asText()))
                .allSatisfy(e -> assertThat(e.path("toServer").asText()).isIn("a-fe1", "a-fe2", "a-fe4", "a-fe5"));
        awaitMoreAcknowledgedWrites("pool-a", 10);
        Set<String> five = Set.of("a1", "a2", "b1", "b2", "b3");
        for (String name : five) {
            Node n = cluster.node(name);
            cluster.await(name + " sees the five others Up and nothing unreachable", DETECT, () -> {
                Members m = cluster.members(n);
                return m.status().keySet().equals(five) && m.status().values().stream().allMatch("Up"::equals) && m.unreachable().isEmpty();
            }, () -> name + " sees " + cluster.members(n));
            assertThat(cluster.state(n)).as(name + " runs").isEqualTo("running");
        }
    }

    @Test
    @Order(4)
    void aPausedContainersPrimariesMoveAndOnceUnpausedItStepsDownAndNobodyIsDowned() throws Exception {
        // a node of site-b that does not run pool-b's supervisor (a singleton on the site's oldest node, which is not
        // always b1): freezing that one would freeze the supervisor, a different case (PoolFailoverClusterTest)
        Map<String, Set<String>> frontEndsOf = Map.of("b1", Set.of("b-fe1", "b-fe4"), "b2", Set.of("b-fe2", "b-fe5"),
                "b3", Set.of("b-fe3", "b-fe6"));
        String pick = null;
        for (String n : List.of("b3", "b2", "b1")) {
            if (!Files.readString(cluster.node(n).dir.resolve("events.jsonl")).contains("\"pool\":\"pool-b\"")) {
                pick = n;
                break;
            }
        }
        assertThat(pick).as("a site-b node not running pool-b's supervisor").isNotNull();
        String victim = pick;
        Node frozen = cluster.node(victim);
        List<Node> siteB = cluster.site("site-b");
        Set<String> alive = Set.of("a1", "a2", "b1", "b2", "b3");
        Set<String> frontEnds = frontEndsOf.get(victim);
        Node observer = cluster.node(List.of("b1", "b2", "b3").stream().filter(n -> !n.equals(victim)).findFirst().orElseThrow());

        long from = System.currentTimeMillis();
        cluster.pause(frozen);   // docker pause: the cgroup freezer
        try {
            assertThat(cluster.state(frozen)).isEqualTo("paused");
            // unpaused as soon as its Front Ends are declared down and a primary moved: well before its site's
            // split-brain resolver would down it (unreachable after about 2 s, downed 3 s later)
            for (String fe : frontEnds) {
                cluster.await(fe + " declared down while its container is paused", DETECT, () -> cluster.eventsSince(from, siteB)
                        .stream().anyMatch(e -> type(e, "server-down") && fe.equals(e.path("server").asText())), () -> recent(from));
            }
            cluster.await(frontEnds + "'s routing groups promoted elsewhere", DETECT, () -> cluster.eventsSince(from, siteB)
                    .stream().anyMatch(e -> type(e, "primary-moved") && frontEnds.contains(e.path("fromServer").asText())),
                    () -> recent(from));
        } finally {
            cluster.unpause(frozen);
        }
        assertThat(cluster.state(frozen)).isEqualTo("running");
        if (saw(observer, "member-downed", victim)) {
            // the resolver was quicker than the unpause (a slow machine): the node leaves the cluster and its container
            // ends; what must hold then is what holds for a killed node, asserted below for the others
            cluster.await(victim + ", downed, is removed", DETECT, () -> saw(observer, "member-removed", victim),
                    () -> observer.name + " saw " + about(observer, victim));
        } else {
            for (String fe : frontEnds) {
                cluster.await(fe + " up again after its container was unpaused", DETECT, () -> cluster.eventsSince(from, siteB).stream()
                        .anyMatch(e -> type(e, "server-up") && fe.equals(e.path("server").asText())), () -> recent(from));
            }
            // the operations sent to it before it was declared down wake up with it, tried with its old epochs: the
            // group's other replicas refuse and it steps down (the sanity checker finds no stale primary's answer)
            cluster.await(victim + " stepped down from its stale primaries", DETECT, () -> cluster.eventsSince(from, siteB).stream()
                    .anyMatch(e -> type(e, "primary-stepped-down") && frontEnds.contains(e.path("server").asText())), () -> recent(from));
            for (String name : alive) {
                Node n = cluster.node(name);
                cluster.await(name + " sees the five Up and nothing unreachable", DETECT, () -> {
                    Members m = cluster.members(n);
                    return m.status().keySet().equals(alive) && m.status().values().stream().allMatch("Up"::equals)
                            && m.unreachable().isEmpty();
                }, () -> name + " sees " + cluster.members(n));
            }
        }
        // whatever became of it: no healthy node was downed or removed, pool-b kept its quorum, its users are served
        Set<String> healthy = new java.util.TreeSet<>(alive);
        healthy.remove(victim);
        for (String h : healthy) {
            Node n = cluster.node(h);
            assertThat(cluster.state(n)).as(h + " runs").isEqualTo("running");
            for (String x : healthy) {
                assertThat(saw(n, "member-removed", x)).as(n.name + " never saw " + x + " removed").isFalse();
                assertThat(saw(n, "member-downed", x)).as(n.name + " never saw " + x + " downed").isFalse();
            }
        }
        assertThat(cluster.eventsSince(from, cluster.nodes.values())).noneMatch(e -> QUORUM_LOST.contains(e.path("type").asText()));
        awaitMoreAcknowledgedWrites("pool-b", 10);
    }

    @Test
    @Order(5)
    void bothSitesReadBackTheirDataAndTheCheckOfTheRunFolderIsValidWithNothingLost() throws Exception {
        Path runDir = cluster.runDir;
        for (String site : List.of("site-a", "site-b")) {
            Node n = cluster.site(site).stream().filter(x -> "running".equals(cluster.state(x))).findFirst().orElseThrow();
            DockerCluster.Answer read = cluster.post(n, "/api/final-read", "{}", Duration.ofSeconds(60));
            assertThat(read.status()).as("final read of " + site + " on " + n.name + ": " + read.body()).isEqualTo(200);
            assertThat(read.body()).contains("\"site\":\"" + site + "\"").contains("\"writes\":");
            Files.writeString(runDir.resolve("final-read-" + site + ".json"), read.body());
        }
        Path out = runDir.resolve("check.txt");
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                jar.toString(), "check", runDir.toString()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(check.waitFor(2, TimeUnit.MINUTES)).as("poolpair check ends").isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(report).as(report).contains("lost 0 (0 outside a declared loss window)").contains("checker sanity      valid")
                .endsWith("VALID\n");
        assertThat(check.exitValue()).as(report).isZero();
        assertThat(Files.readString(runDir.resolve("history.jsonl"))).as("the nemesis records merged into the run's history")
                .contains("\"f\":\"kill-node\"").contains("\"f\":\"cut-link\"");
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static boolean type(JsonNode e, String type) {
        return type.equals(e.path("type").asText());
    }

    /** A backup-state event of the Backup Service shipping from {@code from} in {@code state}. */
    private static boolean backup(JsonNode e, String from, String state) {
        return type(e, "backup-state") && from.equals(e.path("fromPool").asText()) && state.equals(e.path("state").asText());
    }

    private String recent(long from) {
        return "events since the fault: " + cluster.eventsSince(from, cluster.nodes.values()).stream()
                .map(e -> e.path("type").asText() + " " + e.path("server").asText(e.path("pool").asText(""))).distinct().limit(40).toList();
    }

    /** Acknowledged writes of {@code home}'s users so far, whichever node their singleton ran on. */
    private long acknowledged(String home) {
        return cluster.historyLines(l -> l.startsWith("{\"type\":\"ok\"") && l.contains("\"home\":\"" + home + "\"")
                && l.contains("\"value\":") && !l.contains("\"f\":\"read\""));
    }

    private void awaitMoreAcknowledgedWrites(String home, int more) throws Exception {
        long target = acknowledged(home) + more;
        cluster.await(more + " more acknowledged writes of " + home + "'s users", DETECT, () -> acknowledged(home) >= target,
                () -> acknowledged(home) + " acknowledged so far");
    }

    /** The last data-center event a node journaled about a site ("" when none). */
    private static String lastDc(Node n, String site) {
        String last = "";
        for (JsonNode e : membership(n)) {
            String t = e.path("type").asText();
            if (t.startsWith("dc-") && e.path("site").asText().equals(site)) last = t;
        }
        return last;
    }

    /** -Dpoolpair.docker.base, else the local JRE 17 image of scripts/docker-images when present, else Temurin's. */
    private static String baseImage() {
        String asked = System.getProperty("poolpair.docker.base", "");
        if (!asked.isBlank()) return asked;
        try {
            DockerClientFactory.instance().client().inspectImageCmd("poolpair-jre17:local").exec();
            return "poolpair-jre17:local";
        } catch (RuntimeException e) {
            return "eclipse-temurin:17-jre";
        }
    }
}
