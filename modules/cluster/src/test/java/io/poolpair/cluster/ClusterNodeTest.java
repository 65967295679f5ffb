package io.poolpair.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.runtime.CborSerializable;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One node in this JVM (the multi-node behaviour is tested with real processes in modules/it): its settings, its
 * data center and role, its serialization, its journals, and a graceful leave.
 */
@ExtendWith(LogCapturingExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClusterNodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A message that may cross JVMs. */
    record Ping(String text, int count, List<String> servers) implements CborSerializable {}

    /** A message that may not. */
    record Local(String text) {}

    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static NodeSettings lone(String name, String site, int port, Path folder) {
        return new NodeSettings(name, site, "127.0.0.1", port, List.of(new NodeSettings.Seed(name, "127.0.0.1", port)),
                List.of("a-fe1", "a-edge1"), folder);
    }

    @Test
    void theSettingsLayerTheCommandLineOverPoolpairsOverPekkos() {
        NodeSettings s = new NodeSettings("b2", "site-b", "127.0.0.1", 25524,
                List.of(new NodeSettings.Seed("a1", "127.0.0.1", 25520), new NodeSettings.Seed("b1", "127.0.0.1", 25523)),
                List.of(), dir);
        Config c = ClusterNode.config(s, ConfigFactory.parseString("pekko.cluster.split-brain-resolver.stable-after = 7s"));
        assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
        assertThat(c.getString("pekko.remote.artery.transport")).isEqualTo("tcp");
        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25524);
        assertThat(c.getStringList("pekko.cluster.seed-nodes"))
                .containsExactly("pekko://poolpair@127.0.0.1:25520", "pekko://poolpair@127.0.0.1:25523");
        assertThat(c.getString("pekko.cluster.multi-data-center.self-data-center")).isEqualTo("site-b");
        assertThat(c.getStringList("pekko.cluster.roles")).containsExactly("node-b2");
        assertThat(c.getString("pekko.cluster.downing-provider-class")).endsWith("SplitBrainResolverProvider");
        assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
        assertThat(c.getString("pekko.cluster.split-brain-resolver.down-all-when-unstable")).isEqualTo("off");
        assertThat(c.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis()).as("overrides win").isEqualTo(7000);
        assertThat(c.getDuration("pekko.cluster.seed-node-timeout").toMillis()).isEqualTo(1000);
        assertThat(c.getDuration("pekko.cluster.failure-detector.heartbeat-interval").toMillis()).isEqualTo(200);
        assertThat(c.getBoolean("pekko.actor.allow-java-serialization")).isFalse();
        assertThat(c.getString("pekko.actor.serialization-bindings.\"io.poolpair.runtime.CborSerializable\""))
                .isEqualTo("jackson-cbor");
    }

    @Test
    void aLoneSeedIsUpInItsSitesDataCenterSerializesAsCborAndLeavesGracefully() throws Exception {
        Path folder = dir.resolve("a1");
        ClusterNode node = ClusterNode.start(lone("a1", "site-a", freePort(), folder), ConfigFactory.empty());
        try {
            node.up().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Member self = Cluster.get(node.system()).selfMember();
            assertThat(self.dataCenter()).isEqualTo("site-a");
            assertThat(self.getRoles()).contains("node-a1", "dc-site-a");
            assertThat(node.selfAddress()).isEqualTo("pekko://poolpair@127.0.0.1:" + node.boundPort());
            assertThat(node.shutdownReason()).isEmpty();

            Serialization serialization = SerializationExtension.get(Adapter.toClassic(node.system()));
            Ping ping = new Ping("hello", 3, List.of("a-fe1", "a-fe2"));
            assertThat(serialization.findSerializerFor(ping)).isInstanceOf(JacksonCborSerializer.class);
            new SerializationTestKit(node.system()).verifySerialization(ping, true);
            // what crosses JVMs with actor references inside: the merged event stream's lines and its repair, a site's
            // copy of the CMS and the Edge routes
            org.apache.pekko.actor.typed.ActorRef<Object> ref = node.system().systemActorOf(
                    org.apache.pekko.actor.typed.javadsl.Behaviors.empty(), "serialization-probe",
                    org.apache.pekko.actor.typed.Props.empty());
            DeploymentEvents.Line line = new DeploymentEvents.Line("a1", 17L, 3L, 1_000L, "server-down", "{\"type\":\"server-down\"}", ref);
            SerializationTestKit kit = new SerializationTestKit(node.system());
            kit.verifySerialization(line, true);
            kit.verifySerialization(new DeploymentEvents.Resend(1, 2, 0, ref), true);
            kit.verifySerialization(new DeploymentEvents.Resent("a1", 17L, List.of(line)), true);
            io.poolpair.model.dr.CmsReplica.Snapshot snap = new io.poolpair.model.dr.CmsReplica.Snapshot(2, 5, "site-b",
                    new io.poolpair.model.dr.SiteServices.State("pool-b", null, -1, "disaster (force)", java.util.Map.of("edge-a", "pool-b"),
                            "edge-b"));
            kit.verifySerialization(new io.poolpair.runtime.site.SiteServicesActor.Replicate(snap, "site-b", ref.unsafeUpcast()), true);
            kit.verifySerialization(new io.poolpair.runtime.site.SiteServicesActor.Admin(
                    io.poolpair.model.scenario.AdminVerb.FAILOVER_CMS, java.util.Map.of("force", "true"), true, ref.unsafeUpcast()), true);
            assertThat(serialization.serialize(new Local("no")).isFailure())
                    .as("Java serialization is off: a message without the marker cannot cross JVMs").isTrue();

            node.leave();
            node.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(node.shutdownReason()).hasValue("leave");
        } finally {
            if (!node.terminated().toCompletableFuture().isDone()) node.close();
        }

        List<JsonNode> cluster = lines(folder.resolve("cluster.jsonl"));
        assertThat(cluster).extracting(j -> j.get("type").asText()).contains("member-up", "self-up", "member-left");
        JsonNode up = cluster.stream().filter(j -> j.get("type").asText().equals("self-up")).findFirst().orElseThrow();
        assertThat(up.get("schema").asInt()).isEqualTo(1);
        assertThat(up.get("observer").asText()).isEqualTo("a1");
        assertThat(up.get("node").asText()).isEqualTo("a1");
        assertThat(up.get("site").asText()).isEqualTo("site-a");
        assertThat(up.get("status").asText()).isEqualTo("Up");
        assertThat(up.get("wallMs").asLong()).isPositive();

        List<JsonNode> events = lines(folder.resolve("events.jsonl"));
        // a lone node shuts down as it is removed, so it may not live to see its own removal (node-removed)
        assertThat(events).extracting(j -> j.get("marker").asText())
                .startsWith("node-started", "node-up").endsWith("node-stopped");
        assertThat(events).allSatisfy(j -> {
            assertThat(j.get("type").asText()).isEqualTo("run-marker");
            assertThat(j.get("site").asText()).isEqualTo("site-a");
        });
        assertThat(events.get(0).get("detail").asText()).endsWith("hosts a-fe1, a-edge1");
        assertThat(events.get(events.size() - 1).get("detail").asText()).endsWith("stopped: leave");
    }

    @Test
    void aTakenPortStopsTheNodeBeforeItStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            NodeSettings s = lone("a1", "site-a", taken.getLocalPort(), dir.resolve("a1"));
            Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ClusterNode.start(s, ConfigFactory.empty()));
            assertThat(t).isNotNull();
            assertThat(ClusterNode.describeStartFailure(t)).contains("127.0.0.1:" + taken.getLocalPort());
        }
    }

    static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }
}
