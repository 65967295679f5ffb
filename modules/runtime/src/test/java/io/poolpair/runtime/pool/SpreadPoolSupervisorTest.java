package io.poolpair.runtime.pool;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.testing.PoolUnderTest;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static io.poolpair.runtime.testing.EventRecorder.event;
import static io.poolpair.runtime.testing.PoolUnderTest.server;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edge and Mediation pools running live in an embedded deployment: DNS load-balanced retry on the survivors,
 * dropped calls. The whole topology runs, so every wait names the pool it is about.
 */
@ExtendWith(LogCapturingExtension.class)
class SpreadPoolSupervisorTest {

    private static final EmulatorSettings SETTINGS = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(20);

    private static final Topology TOPOLOGY = TopologyLoader.parse("""
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a", servers = [ "fe1", "fe2", "fe3" ], users = 6000 }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "edge1", "edge2" ], remote-users = 6000,
                next-hop = "pool-a" }
              { name = "med-a", role = mediation, site = "site-a", servers = [ "med1", "med2" ], calls = 1000 }
            ]
            """, "spread-test.conf");

    private static void assertOk(Reply r) {
        assertThat(r.ok()).as("reply: %s", r.message()).isTrue();
    }

    @Test
    void whenOneEdgeServerDiesItsRemoteUsersRetryTheSurvivor() {
        try (PoolUnderTest edge = PoolUnderTest.start(TOPOLOGY, "edge-a", SETTINGS)) {
            PoolView before = edge.awaitAllUp();
            assertThat(before.state()).isEqualTo("serving");
            assertThat(server(before, "edge1").load() + server(before, "edge2").load()).isEqualTo(6000);

            int mark = edge.events.mark();
            assertOk(edge.inject("edge1", FaultKind.KILL));
            int downAt = edge.events.awaitIndex(mark, "server-down of edge1", event("server-down", "edge-a", "edge1"));
            assertThat(((ServerDown) edge.events.get(downAt)).detectedBy()).isEqualTo("terminated");
            LoadRedistributed moved = edge.events.await(downAt, LoadRedistributed.class, "load-redistributed of edge-a",
                    e -> "edge-a".equals(e.where().pool()));
            assertThat(moved.unit()).isEqualTo("remote-users");
            assertThat(moved.load()).isEqualTo(Map.of("edge2", 6000));

            PoolView after = edge.status();
            assertThat(after.state()).isEqualTo("degraded");
            assertThat(after.unserved()).isZero();
            assertThat(server(after, "edge2").load()).isEqualTo(6000);
            assertThat(server(after, "edge1").observed()).isEqualTo("down");
            assertThat(server(after, "edge1").fault()).isEqualTo("killed");
            assertThat(edge.events.since(mark)).as("remote-user sessions dropped in edge-a")
                    .noneMatch(e -> e instanceof ServiceDropped d && d.unit().equals("remote-users")
                            && "edge-a".equals(e.where().pool()));
        }
    }

    @Test
    void whenBothEdgeServersDieEveryRemoteSessionIsDropped() {
        try (PoolUnderTest edge = PoolUnderTest.start(TOPOLOGY, "edge-a", SETTINGS)) {
            edge.awaitAllUp();
            int mark = edge.events.mark();
            assertOk(edge.inject("edge1", FaultKind.KILL));
            assertOk(edge.inject("edge2", FaultKind.KILL));
            // (losing the whole Edge pool drops other things too, such as its federation route)
            ServiceDropped dropped = edge.events.await(mark, ServiceDropped.class, "remote-users dropped in edge-a",
                    e -> "edge-a".equals(e.where().pool()) && e.unit().equals("remote-users"));
            assertThat(dropped.count()).isEqualTo(6000);
            edge.events.awaitIndex(mark, "server-down of edge2", event("server-down", "edge-a", "edge2"));

            PoolView after = edge.status();
            assertThat(after.state()).isEqualTo("down");
            assertThat(after.unserved()).isEqualTo(6000);
        }
    }

    @Test
    void whenAMediationServerDiesItsCallsAreDroppedAndNewCallsGoToTheSurvivor() {
        try (PoolUnderTest med = PoolUnderTest.start(TOPOLOGY, "med-a", SETTINGS)) {
            PoolView before = med.awaitAllUp();
            int callsOnMed1 = server(before, "med1").load();
            assertThat(callsOnMed1).isPositive();

            int mark = med.events.mark();
            assertOk(med.inject("med1", FaultKind.KILL));
            int downAt = med.events.awaitIndex(mark, "server-down of med1", event("server-down", "med-a", "med1"));
            ServiceDropped dropped = med.events.await(downAt, ServiceDropped.class, "service-dropped of med-a",
                    e -> "med-a".equals(e.where().pool()));
            assertThat(dropped.unit()).isEqualTo("calls");
            assertThat(dropped.count()).isEqualTo(callsOnMed1);
            assertThat(dropped.reason()).contains("med1");

            PoolView after = med.status();
            assertThat(after.state()).isEqualTo("degraded");
            assertThat(server(after, "med2").load()).isEqualTo(1000);
            assertThat(server(after, "med1").load()).isZero();
        }
    }
}
