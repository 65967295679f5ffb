package io.poolpair.model.pool;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.CapacityExceeded;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.pool.SpreadPool.OnLoss;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.ProductVersion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Edge, Director, Mediation and Persistent Chat pools: load without replicas (spec §1, §6, §8 items 16 and 19). */
class SpreadPoolTest {

    private static final int EDGE_GUIDELINE_2015 = ProductVersion.SFB_2015.remoteUsersPerEdgeOrDirector();

    private static Time t(long ms) { return Time.ofEmulated(ms); }

    private static <T extends FailoverEvent> List<T> ofType(List<FailoverEvent> ev, Class<T> type) {
        return ev.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static SpreadPool pool(String kind, List<String> servers, List<Boolean> eligible, String unit, int offered,
                                   int guideline, OnLoss onLoss) {
        return new SpreadPool(kind + "-pool", "site1", kind, servers, Collections.nCopies(servers.size(), "site1"),
                eligible, unit, offered, guideline, onLoss);
    }

    private static List<FailoverEvent> upAll(SpreadPool p, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        for (String s : p.servers()) ev.addAll(p.serverUp(s, now));
        return ev;
    }

    private static int sum(Map<String, Integer> m) { return m.values().stream().mapToInt(Integer::intValue).sum(); }

    // ------------------------------------------------------------------ Edge / Director (DNS load balancing)

    private static SpreadPool edge(int offered) {
        return pool("edge", List.of("edge1", "edge2"), List.of(true, true), "remote-users", offered,
                EDGE_GUIDELINE_2015, OnLoss.RETRY_OTHERS);
    }

    @Test
    @DisplayName("Edge: load is shared by both members while both are up")
    void edgeShared() {
        SpreadPool p = edge(16_000);
        assertThat(p.unserved()).as("nothing is up yet").isEqualTo(16_000);
        List<FailoverEvent> first = p.serverUp("edge1", t(0));
        assertThat(p.load("edge1")).as("the first member up takes everyone").isEqualTo(16_000);
        assertThat(ofType(first, CapacityExceeded.class)).hasSize(1);
        List<FailoverEvent> second = p.serverUp("edge2", t(0));
        assertThat(p.loadPerServer()).containsExactly(Map.entry("edge1", 8_000), Map.entry("edge2", 8_000));
        assertThat(p.unserved()).isZero();
        assertThat(ofType(second, CapacityExceeded.class)).isEmpty();
        assertThat(ofType(second, LoadRedistributed.class)).singleElement()
                .satisfies(e -> assertThat(e.load()).containsEntry("edge2", 8_000));
    }

    @Test
    @DisplayName("Edge (§8 item 16): kill one of two, every session retries onto the other, over 12,000 is reported")
    void edgeKillOne() {
        SpreadPool p = edge(16_000);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("edge1", "terminated", t(1_000));
        assertThat(ofType(ev, ServerDown.class)).singleElement()
                .satisfies(e -> assertThat(e.where().server()).isEqualTo("edge1"));
        assertThat(ofType(ev, ServiceDropped.class)).as("clients retry, nothing is dropped").isEmpty();
        assertThat(p.load("edge2")).isEqualTo(16_000);
        assertThat(p.load("edge1")).isZero();
        assertThat(p.loadPerServer()).containsOnlyKeys("edge2");
        assertThat(p.unserved()).isZero();
        assertThat(ofType(ev, LoadRedistributed.class)).singleElement()
                .satisfies(e -> assertThat(e.load()).containsExactly(Map.entry("edge2", 16_000)));
        assertThat(ofType(ev, CapacityExceeded.class)).singleElement().satisfies(e -> {
            assertThat(e.where().server()).isEqualTo("edge2");
            assertThat(e.load()).isEqualTo(16_000);
            assertThat(e.guideline()).isEqualTo(12_000);
        });
    }

    @Test
    @DisplayName("Edge: one survivor within the guideline raises no capacity warning")
    void edgeKillOneWithinGuideline() {
        SpreadPool p = edge(12_000);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("edge2", "heartbeat", t(1_000));
        assertThat(p.load("edge1")).isEqualTo(12_000);
        assertThat(ofType(ev, CapacityExceeded.class)).isEmpty();
    }

    @Test
    @DisplayName("Edge: kill both, every session is dropped once no member is left")
    void edgeKillBoth() {
        SpreadPool p = edge(16_000);
        upAll(p, t(0));
        p.serverDown("edge1", "terminated", t(1_000));
        List<FailoverEvent> ev = p.serverDown("edge2", "terminated", t(2_000));
        assertThat(ofType(ev, ServiceDropped.class)).singleElement().satisfies(e -> {
            assertThat(e.count()).isEqualTo(16_000);
            assertThat(e.unit()).isEqualTo("remote-users");
            assertThat(e.where().pool()).isEqualTo("edge-pool");
        });
        assertThat(p.unserved()).isEqualTo(16_000);
        assertThat(p.loadPerServer()).isEmpty();
    }

    @Test
    @DisplayName("Edge: a member coming back takes its share again, and the capacity warning is raised anew later")
    void edgeBack() {
        SpreadPool p = edge(16_000);
        upAll(p, t(0));
        p.serverDown("edge1", "terminated", t(1_000));
        List<FailoverEvent> back = p.serverUp("edge1", t(2_000));
        assertThat(p.loadPerServer()).containsExactly(Map.entry("edge1", 8_000), Map.entry("edge2", 8_000));
        assertThat(ofType(back, CapacityExceeded.class)).isEmpty();
        List<FailoverEvent> again = p.serverDown("edge2", "terminated", t(3_000));
        assertThat(ofType(again, CapacityExceeded.class)).singleElement()
                .satisfies(e -> assertThat(e.where().server()).isEqualTo("edge1"));
    }

    @Test
    @DisplayName("Director pools behave like Edge: retry onto the survivor")
    void director() {
        SpreadPool p = pool("director", List.of("dir1", "dir2", "dir3"), List.of(true, true, true), "remote-users",
                30_000, EDGE_GUIDELINE_2015, OnLoss.RETRY_OTHERS);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("dir3", "terminated", t(1_000));
        assertThat(p.load("dir1") + p.load("dir2")).isEqualTo(30_000);
        assertThat(p.load("dir1")).isEqualTo(15_000);
        assertThat(ofType(ev, ServiceDropped.class)).isEmpty();
        assertThat(ofType(ev, CapacityExceeded.class)).hasSize(2);
    }

    // ------------------------------------------------------------------ Mediation

    private static SpreadPool mediation() {
        return pool("mediation", List.of("med1", "med2", "med3"), List.of(true, true, true), "calls", 3_000,
                ProductVersion.SFB_2015.standaloneMediationCalls(), OnLoss.DROP);
    }

    @Test
    @DisplayName("Mediation: kill one, exactly its calls are dropped, new calls spread on the survivors")
    void mediationKill() {
        SpreadPool p = mediation();
        upAll(p, t(0));
        assertThat(p.load("med2")).isEqualTo(1_000);
        List<FailoverEvent> ev = p.serverDown("med2", "terminated", t(1_000));
        assertThat(ofType(ev, ServiceDropped.class)).singleElement().satisfies(e -> {
            assertThat(e.count()).isEqualTo(1_000);
            assertThat(e.unit()).isEqualTo("calls");
            assertThat(e.where().server() != null ? e.where().server() : e.reason()).as("names the failed server")
                    .contains("med2");
        });
        assertThat(p.loadPerServer()).containsExactly(Map.entry("med1", 1_500), Map.entry("med3", 1_500));
        assertThat(sum(p.loadPerServer())).isEqualTo(3_000);
        assertThat(ofType(ev, CapacityExceeded.class)).as("1,500 is the standalone guideline, not above it").isEmpty();
    }

    @Test
    @DisplayName("Mediation: kill a second, its calls are dropped and the last server goes over capacity")
    void mediationKillTwo() {
        SpreadPool p = mediation();
        upAll(p, t(0));
        p.serverDown("med1", "terminated", t(1_000));
        List<FailoverEvent> ev = p.serverDown("med3", "terminated", t(2_000));
        assertThat(ofType(ev, ServiceDropped.class)).singleElement()
                .satisfies(e -> assertThat(e.count()).isEqualTo(1_500));
        assertThat(p.load("med2")).isEqualTo(3_000);
        assertThat(ofType(ev, CapacityExceeded.class)).singleElement()
                .satisfies(e -> assertThat(e.where().server()).isEqualTo("med2"));
    }

    @Test
    @DisplayName("Mediation: the last server's calls are dropped and nothing is served")
    void mediationKillAll() {
        SpreadPool p = mediation();
        upAll(p, t(0));
        p.serverDown("med1", "terminated", t(1_000));
        p.serverDown("med2", "terminated", t(2_000));
        List<FailoverEvent> ev = p.serverDown("med3", "terminated", t(3_000));
        int dropped = ofType(ev, ServiceDropped.class).stream().mapToInt(ServiceDropped::count).sum();
        assertThat(dropped).as("each call is counted once").isEqualTo(3_000);
        assertThat(p.unserved()).isEqualTo(3_000);
    }

    // ------------------------------------------------------------------ Persistent Chat

    private static final List<String> CHAT = List.of("pc1", "pc2", "pc3", "pc4", "pc5", "pc6", "pc7", "pc8");
    private static final List<Boolean> FOUR_ACTIVE = List.of(true, true, true, true, false, false, false, false);

    private static SpreadPool chat(int users) {
        return pool("persistent-chat", CHAT, FOUR_ACTIVE, "users", users,
                ProductVersion.SFB_2015.persistentChatUsersPerServer(), OnLoss.RETRY_OTHERS);
    }

    @Test
    @DisplayName("Persistent Chat: only the 4 active servers carry users")
    void chatActiveOnly() {
        SpreadPool p = chat(60_000);
        upAll(p, t(0));
        assertThat(p.loadPerServer()).containsOnlyKeys("pc1", "pc2", "pc3", "pc4");
        for (String s : List.of("pc1", "pc2", "pc3", "pc4")) assertThat(p.load(s)).isEqualTo(15_000);
        for (String s : List.of("pc5", "pc6", "pc7", "pc8")) assertThat(p.load(s)).isZero();
    }

    @Test
    @DisplayName("Persistent Chat (§8 item 19): kill one active, its users move to the other 3 active; standby gets nothing")
    void chatKillActive() {
        SpreadPool p = chat(60_000);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("pc2", "terminated", t(1_000));
        assertThat(p.loadPerServer()).containsExactly(Map.entry("pc1", 20_000), Map.entry("pc3", 20_000),
                Map.entry("pc4", 20_000));
        for (String s : List.of("pc5", "pc6", "pc7", "pc8")) assertThat(p.load(s)).as(s).isZero();
        assertThat(ofType(ev, ServiceDropped.class)).isEmpty();
        assertThat(ofType(ev, CapacityExceeded.class)).as("20,000 each is at, not over, the guideline").isEmpty();
        assertThat(p.unserved()).isZero();
    }

    @Test
    @DisplayName("Persistent Chat: a full pool losing an active server goes over capacity on the other 3")
    void chatFullPoolKillActive() {
        SpreadPool p = chat(80_000);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("pc1", "terminated", t(1_000));
        assertThat(sum(p.loadPerServer())).isEqualTo(80_000);
        assertThat(ofType(ev, CapacityExceeded.class)).extracting(e -> e.where().server())
                .containsExactlyInAnyOrder("pc2", "pc3", "pc4");
    }

    @Test
    @DisplayName("Persistent Chat: killing a standby changes nothing; with every active down, standby still serves no one")
    void chatStandbyNeverServes() {
        SpreadPool p = chat(60_000);
        upAll(p, t(0));
        List<FailoverEvent> ev = p.serverDown("pc6", "terminated", t(1_000));
        assertThat(ofType(ev, LoadRedistributed.class)).isEmpty();
        assertThat(ofType(ev, ServiceDropped.class)).isEmpty();
        assertThat(p.load("pc1")).isEqualTo(15_000);
        List<FailoverEvent> last = new ArrayList<>();
        for (String s : List.of("pc1", "pc2", "pc3", "pc4")) last = p.serverDown(s, "terminated", t(2_000));
        assertThat(ofType(last, ServiceDropped.class)).singleElement()
                .satisfies(e -> assertThat(e.count()).isEqualTo(60_000));
        for (String s : List.of("pc5", "pc7", "pc8")) {
            assertThat(p.isUp(s)).isTrue();
            assertThat(p.load(s)).isZero();
        }
        assertThat(p.unserved()).isEqualTo(60_000);
    }

    @Test
    @DisplayName("Persistent Chat: after the admin makes the standby servers active, they carry the users")
    void chatSiteFailover() {
        SpreadPool p = chat(60_000);
        upAll(p, t(0));
        for (String s : List.of("pc1", "pc2", "pc3", "pc4")) p.serverDown(s, "terminated", t(1_000));
        p.setEligible(List.of("pc5", "pc6", "pc7", "pc8"), t(2_000), "Set-CsPersistentChatActiveServer");
        assertThat(p.loadPerServer()).containsOnlyKeys("pc5", "pc6", "pc7", "pc8");
        assertThat(sum(p.loadPerServer())).isEqualTo(60_000);
        assertThat(p.unserved()).isZero();
        assertThat(p.isEligible("pc1")).isFalse();
    }
}
