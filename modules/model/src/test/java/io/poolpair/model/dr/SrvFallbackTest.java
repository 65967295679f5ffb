package io.poolpair.model.dr;

import io.poolpair.model.time.Time;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Remote users of a dead Edge or Director pool fall to another site's pool by SRV priority (spec §6.2, §6.3). */
class SrvFallbackTest {

    private static final Time T = Time.ofEmulated(0);

    private static SiteServices site() {
        return new SiteServices(TopologyLoader.loadResource("poolpair/default-topology.conf", "default"));
    }

    @Test
    void aDeadEdgePoolsUsersReachTheOtherSitesEdgeWhenItIsUp() {
        SiteServices s = site();
        s.poolServing("edge-a", true, T);
        assertThat(s.srvFallback("edge-a")).as("edge-b not up yet").isNull();
        s.poolServing("edge-b", true, T);
        s.poolServing("edge-a", false, T);
        assertThat(s.srvFallback("edge-a")).isEqualTo("edge-b");
        assertThat(s.srvFallback("dir-a")).as("directors fall only to directors").isNull();
    }

    @Test
    void clientsReachADirectorWhileAnyDirectorPoolIsUp() {
        SiteServices s = site();
        assertThat(s.directorsReachable()).isFalse();
        s.poolServing("dir-b", true, T);
        assertThat(s.directorsReachable()).isTrue();
        s.poolServing("dir-b", false, T);
        assertThat(s.directorsReachable()).isFalse();
    }
}
