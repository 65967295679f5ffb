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
 * six containers a1..b3 on networks site-a, site-b and wan, as docker/docker-compose.yml lays them out. It forms with
 * each site a data center; a site cut off wan ({@code docker network disconnect}) stays whole while the other site is
 * out of its reach, and the heal joins them again, nobody downed; {@code docker kill} of a node hosting Front Ends
 * (a3: a-fe3, a-fe6) is seen unreachable by its site and downed and removed; {@code docker pause} well beyond the
 * thresholds takes no healthy node down. Only membership is asserted, never a timing (docs/benchmarks.md).
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

    private DockerCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixContainers() throws Exception {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path runDir = Path.of(System.getProperty("poolpair.it.out", "target/it-runs")).resolve("docker-" + stamp).toAbsolutePath();
        Files.createDirectories(runDir);
        Path docker = Path.of(System.getProperty("poolpair.docker", "../../docker")).toAbsolutePath().normalize();
        Path jar = Path.of(System.getProperty("poolpair.jar", "../app/target/poolpair.jar")).toAbsolutePath().normalize();
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
        // each site serves itself: its own members Up and reachable among themselves, /ready on every node
        for (Node n : cluster.nodes.values()) {
            Members m = cluster.members(n);
            Set<String> mates = cluster.site(n.site).stream().map(x -> x.name).collect(Collectors.toSet());
            assertThat(mates).allSatisfy(x -> assertThat(m.status()).as(n.name + " sees its site-mates Up").containsEntry(x, "Up"));
            assertThat(m.unreachable()).as(n.name + ": unreachable only across the cut").doesNotContainAnyElementsOf(mates);
            assertThat(cluster.status(n, "/ready")).as(n.name + " /ready while cut").isEqualTo(200);
        }
        // (failover, once pools run on nodes: each site's pools keep serving their own users here)

        cluster.heal("site-b");
        for (Node n : cluster.nodes.values()) {
            cluster.await(n.name + " sees " + other.get(n.site) + " reachable again", DETECT,
                    () -> lastDc(n, other.get(n.site)).equals("dc-reachable"), () -> n.name + " last saw " + lastDc(n, other.get(n.site)));
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

        cluster.kill(victim);   // docker kill: SIGKILL to the container's JVM
        cluster.await("a3's container ends", DETECT, () -> !"running".equals(cluster.state(victim)), () -> cluster.state(victim));

        for (Node n : siteMates) {
            cluster.awaitMembership(n, e -> type(e, "member-removed") && "a3".equals(e.path("node").asText()),
                    n.name + " sees a3 unreachable, then removed", DETECT);
            assertThat(indexOf(n, "member-unreachable", "a3")).as(n.name + ": unreachable before removed " + about(n, "a3"))
                    .isNotNegative().isLessThan(indexOf(n, "member-removed", "a3"));
            assertThat(indexOf(n, "member-downed", "a3")).as(n.name + ": downed (by the split-brain resolver) " + about(n, "a3"))
                    .isNotNegative().isLessThan(indexOf(n, "member-removed", "a3"));
        }
        for (Node n : otherSite) {
            cluster.await(n.name + " sees a3 removed", DETECT, () -> saw(n, "member-removed", "a3"), () -> n.name + " saw " + about(n, "a3"));
        }
        // (failover, once pools run on nodes: a-fe3's and a-fe6's routing groups re-primaried on a1/a2, 0 acknowledged
        // writes lost, the verdict valid: awaitEvent(a1.dir, e -> type(e, "primary-promoted") ...))
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
    void aContainerPausedWellBeyondTheThresholdsTakesNoHealthyNodeDown() throws Exception {
        Node frozen = cluster.node("b3");
        List<Node> healthy = List.of(cluster.node("a1"), cluster.node("a2"), cluster.node("b1"), cluster.node("b2"));
        Set<String> healthyNames = healthy.stream().map(n -> n.name).collect(Collectors.toSet());

        cluster.pause(frozen);   // docker pause: the cgroup freezer
        try {
            assertThat(cluster.state(frozen)).isEqualTo("paused");
            Node b1 = cluster.node("b1");
            cluster.await("b3's site removes it while it is paused", DETECT, () -> saw(b1, "member-removed", "b3"),
                    () -> "b1 saw " + about(b1, "b3"));
        } finally {
            cluster.unpause(frozen);
        }
        assertThat(cluster.state(frozen)).isNotEqualTo("paused");

        // invariants only: the healthy nodes agree on a membership in which all of them are Up and nothing is
        // unreachable; whatever became of b3, no healthy node of either site was downed or removed
        for (Node n : healthy) {
            cluster.await(n.name + " sees every healthy node Up and nothing unreachable", DETECT, () -> {
                Members m = cluster.members(n);
                return m.status().keySet().containsAll(healthyNames) && m.unreachable().isEmpty()
                        && healthyNames.stream().allMatch(x -> "Up".equals(m.status().get(x)));
            }, () -> n.name + " sees " + cluster.members(n));
        }
        for (Node n : healthy) {
            assertThat(cluster.state(n)).as(n.name + " runs").isEqualTo("running");
            for (String x : healthyNames) {
                assertThat(saw(n, "member-removed", x)).as(n.name + " never saw " + x + " removed").isFalse();
                assertThat(saw(n, "member-downed", x)).as(n.name + " never saw " + x + " downed").isFalse();
            }
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static boolean type(JsonNode e, String type) {
        return type.equals(e.path("type").asText());
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
