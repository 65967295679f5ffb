package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SfB's pool failover procedure on a real cluster (the 6 JVMs of examples/cluster-two-sites.conf), through the nodes'
 * control planes: a configuration change asked at a site-b node is published at the CMS master's site and both sites'
 * copies hold it; a pool failover is refused while its pool hosts the CMS, or while a serving Edge uses it as next hop.
 * Then site-a, the CMS's site, is killed (SIGKILL): the CMS is failed over to pool-b (refused without force, done with
 * it), then pool-a's users (disaster mode); LIS and Response Groups are missing on pool-b until restored and imported,
 * and the conference content cannot go home while pool-a is down. The merged histories of the nodes still check valid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SiteServicesClusterTest {

    private static final Duration FORM = Duration.ofSeconds(150);
    private static final Duration DETECT = Duration.ofSeconds(60);
    private static final Duration ASK = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixNodesAndWaitForBothPools() throws Exception {
        cluster = LocalCluster.start(LocalCluster.example("cluster-two-sites.conf"));
        cluster.awaitUpAndRunning(FORM, List.of("pool-a", "pool-b"));
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killEveryNode() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void aChangeAskedAnywhereIsPublishedAtTheCmsMastersSiteAndThePoolFailoverPreconditionsHold() throws Exception {
        long from = System.currentTimeMillis();
        LocalCluster.HttpAnswer moved = post("b1", "/api/admin/move-federation-route", "{\"edge\":\"edge-b\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.body()).contains("outbound federation and XMPP now go through edge-b");
        // run at site-a, where the CMS master is: its events are in a site-a node's journal
        cluster.await("edge-route-changed from site-a", DETECT, () -> cluster.events(List.of("a1", "a2", "a3")).stream()
                .anyMatch(e -> e.path("wallMs").asLong() >= from && type(e, "edge-route-changed") && "edge-b".equals(e.path("to").asText())),
                () -> "no edge-route-changed in a site-a node's events.jsonl yet");
        cluster.await("both sites' copies hold the federation route on edge-b", DETECT, () -> {
            JsonNode s = status("b2").path("siteServices");
            return "edge-b".equals(s.path("site-a").path("federationRoute").path("edge").asText())
                    && "edge-b".equals(s.path("site-b").path("federationRoute").path("edge").asText())
                    && s.path("site-a").path("replicated").asBoolean();
        }, () -> "status: " + status("b2").path("siteServices"));

        LocalCluster.HttpAnswer cms = post("b1", "/api/admin/failover-pool", "{\"pool\":\"pool-a\",\"disaster\":true}");
        assertThat(cms.status()).as(cms.body()).isEqualTo(409);
        assertThat(cms.body()).contains("pool pool-a hosts the active Central Management Store: fail the CMS over first");
        LocalCluster.HttpAnswer edge = post("a1", "/api/admin/failover-pool", "{\"pool\":\"pool-b\"}");
        assertThat(edge.status()).as(edge.body()).isEqualTo(409);
        assertThat(edge.body()).contains("Edge pool edge-b uses pool-b as its next hop: re-point it first");
        LocalCluster.HttpAnswer bad = post("a1", "/api/admin/set-edge-next-hop", "{\"edge\":\"pool-a\",\"pool\":\"pool-b\"}");
        assertThat(bad.status()).as(bad.body()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void withTheCmsSiteGoneTheCmsMovesFirstThenThePoolsUsersAndWhatTheBackupServiceDoesNotCarryIsMissing() throws Exception {
        for (String n : List.of("a1", "a2", "a3")) {
            NodeProcess victim = cluster.node(n);
            victim.process.destroyForcibly();
            assertThat(victim.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        long from = System.currentTimeMillis();
        LocalCluster.HttpAnswer planned = post("b1", "/api/admin/failover-cms", "{}");
        assertThat(planned.status()).as(planned.body()).isEqualTo(409);
        assertThat(planned.body()).contains("the CMS master pool pool-a is down: a disaster-mode CMS failover needs force");
        LocalCluster.HttpAnswer forced = post("b1", "/api/admin/failover-cms", "{\"force\":true}");
        assertThat(forced.status()).as(forced.body()).isEqualTo(200);
        assertThat(forced.body()).contains("CMS failover to pool-b started (disaster (force))");
        cluster.await("cms-moved to pool-b", DETECT, () -> has(from, e -> type(e, "cms-moved") && "pool-b".equals(e.path("toPool").asText())),
                () -> "no cms-moved yet");

        LocalCluster.HttpAnswer over = post("b2", "/api/admin/failover-pool", "{\"pool\":\"pool-a\",\"disaster\":true}");
        assertThat(over.status()).as(over.body()).isEqualTo(200);
        assertThat(over.body()).contains("served by pool-b").contains("disaster");
        cluster.await("pool-a FailedOver", DETECT, () -> has(from, e -> type(e, "pool-failover-state")
                && "pool-a".equals(e.path("pool").asText()) && "FailedOver".equals(e.path("to").asText())), () -> "not yet");
        cluster.await("LIS not-replicated on pool-b", DETECT, () -> has(from, e -> type(e, "not-replicated")
                && e.path("what").asText().equals("Location Information Server")), () -> "not yet");

        LocalCluster.HttpAnswer content = post("b3", "/api/admin/sync-conference-content", "{\"pool\":\"pool-a\"}");
        assertThat(content.status()).as(content.body()).isEqualTo(409);
        assertThat(content.body()).contains("both pool-a and pool-b must be running");
        LocalCluster.HttpAnswer lis = post("b3", "/api/admin/restore-lis", "{\"pool\":\"pool-a\"}");
        assertThat(lis.status()).as(lis.body()).isEqualTo(200);
        assertThat(lis.body()).contains("LIS data of pool-a restored on pool-b");
        LocalCluster.HttpAnswer rgs = post("b3", "/api/admin/import-response-groups", "{\"pool\":\"pool-a\"}");
        assertThat(rgs.status()).as(rgs.body()).isEqualTo(200);
        assertThat(rgs.body()).contains("Response Groups of pool-a imported on pool-b");
    }

    @Test
    @Order(3)
    void theMergedHistoriesCheckValid() throws Exception {
        LocalCluster.HttpAnswer a = post("b1", "/api/final-read", "{}");
        assertThat(a.status()).as("final read: " + a.body()).isEqualTo(200);
        Path out = cluster.folder.resolve("check.txt");
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                LocalCluster.jar().toString(), "check", cluster.folder.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(check.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String report = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(report).as(report).contains("(0 outside a declared loss window)").contains("checker sanity      valid")
                .endsWith("VALID\n");
        assertThat(check.exitValue()).as(report).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private LocalCluster.HttpAnswer post(String node, String path, String body) throws IOException, InterruptedException {
        return cluster.post(cluster.node(node), path, body, ASK);
    }

    private JsonNode status(String node) {
        try {
            LocalCluster.HttpAnswer a = cluster.get(cluster.node(node), "/api/status");
            return a.status() == 200 ? JSON.readTree(a.body()) : JSON.createObjectNode();
        } catch (IOException | InterruptedException e) {
            return JSON.createObjectNode();
        }
    }

    private static boolean type(JsonNode e, String t) {
        return t.equals(e.path("type").asText());
    }

    private boolean has(long fromWallMs, Predicate<JsonNode> p) {
        return cluster.events().stream().filter(e -> e.path("wallMs").asLong() >= fromWallMs).anyMatch(p);
    }
}
