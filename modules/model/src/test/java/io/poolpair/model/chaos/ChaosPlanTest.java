package io.poolpair.model.chaos;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.dr.BackEnd;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.scenario.ScenarioText;
import io.poolpair.model.scenario.Step;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a seed draws: the same schedule every time, only targets the topology has, within the settings' limits. */
class ChaosPlanTest {

    private static final EmulatorSettings EMULATOR = EmulatorSettings.fromConfig(ConfigFactory.load());
    private static final ChaosSettings CHAOS = ChaosSettings.fromConfig(ConfigFactory.load());
    private static final Topology DEFAULT = TopologyLoader.loadResource("poolpair/default-topology.conf", "default");
    private static final long MINUTE = 60_000;

    private static ChaosPlan draw(Topology t, ChaosSettings s, long seed, long durationMs) {
        return ChaosPlan.draw(t, s, EMULATOR, seed, durationMs);
    }

    private static List<Topology> examples() {
        List<Topology> out = new ArrayList<>(List.of(DEFAULT));
        for (String name : List.of("nine-fe-2015.conf", "two-fe-2015.conf", "pchat-stretched-2015.conf",
                "mirroring-no-witness-2015.conf", "sixteen-fe-2019.conf", "twelve-fe-2015.conf")) {
            Path p = Path.of("../../examples", name);
            if (Files.isRegularFile(p)) out.add(TopologyLoader.load(p));
        }
        return out;
    }

    @Test
    void theSameSeedDrawsTheSameScheduleAndAnotherSeedAnother() {
        ChaosPlan a = draw(DEFAULT, CHAOS, 7, 30 * MINUTE);
        ChaosPlan b = draw(DEFAULT, CHAOS, 7, 30 * MINUTE);
        assertThat(b.header()).isEqualTo(a.header());
        assertThat(ScenarioText.render(b.scenario(), List.of())).isEqualTo(ScenarioText.render(a.scenario(), List.of()));
        assertThat(a.faults()).isNotEmpty();
        assertThat(a.header()).first().asString().startsWith("seed 7: 30m emulated");
        assertThat(a.scenario().name()).isEqualTo("chaos-7");

        ChaosPlan other = draw(DEFAULT, CHAOS, 8, 30 * MINUTE);
        assertThat(other.header()).isNotEqualTo(a.header());
    }

    @Test
    void everyDrawnStepNamesSomethingTheTopologyHasAndCanTake() {
        for (Topology t : examples()) {
            for (long seed = 1; seed <= 40; seed++) {
                ChaosPlan plan = draw(t, CHAOS, seed, 45 * MINUTE);
                Scenario s = plan.scenario();
                assertThat(ScenarioLoader.validate(s, t)).as("%s seed %d", t.file(), seed).isEmpty();
                for (Step step : s.steps()) {
                    if (step instanceof Step.BackEndFault bf) {
                        PoolSpec p = t.pool(bf.pool()).orElseThrow();
                        assertThat(BackEnd.exists(p.backendMode(), BackEnd.Component.parse(bf.component())))
                                .as("%s has a %s (%s)", p.name(), bf.component(), p.backendMode()).isTrue();
                    }
                    if (step instanceof Step.FileServerFault ff) assertThat(t.pool(ff.pool()).orElseThrow().fileStore()).isNotNull();
                }
            }
        }
    }

    @Test
    void aTopologyWithoutMediationOrPersistentChatPoolsNeverDrawsThoseFaults() {
        ChaosPlan plan = draw(DEFAULT, CHAOS, 3, 60 * MINUTE);
        assertThat(plan.notDrawn()).containsKeys(ChaosFault.KILL_MEDIATION, ChaosFault.KILL_PERSISTENT_CHAT);
        assertThat(plan.menu()).doesNotContainKeys(ChaosFault.KILL_MEDIATION, ChaosFault.KILL_PERSISTENT_CHAT);
        assertThat(plan.menu().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(plan.header()).contains("not drawn here: kill-mediation (no Mediation pool), kill-persistent-chat (no Persistent Chat pool)");
        for (long seed = 1; seed <= 40; seed++) {
            assertThat(draw(DEFAULT, CHAOS, seed, 60 * MINUTE).faults()).extracting(DrawnFault::kind)
                    .doesNotContain(ChaosFault.KILL_MEDIATION, ChaosFault.KILL_PERSISTENT_CHAT);
        }
    }

    @Test
    void aWeightOfZeroLeavesAFaultOut() {
        Map<ChaosFault, Double> w = new EnumMap<>(CHAOS.weights());
        w.put(ChaosFault.KILL_FRONT_END, 0.0);
        for (long seed = 1; seed <= 20; seed++) {
            ChaosPlan plan = draw(DEFAULT, CHAOS.withWeights(w), seed, 30 * MINUTE);
            assertThat(plan.faults()).extracting(DrawnFault::kind).doesNotContain(ChaosFault.KILL_FRONT_END);
            assertThat(plan.notDrawn()).containsEntry(ChaosFault.KILL_FRONT_END, "weight 0");
        }
    }

    @Test
    void neverMoreFaultsAtOnceThanTheCapAndNeverTwoOnTheSameTarget() {
        for (int cap : List.of(1, 2, 4)) {
            ChaosSettings s = CHAOS.withMaxConcurrentFaults(cap).withMeanTimeBetweenFaults(15_000);
            for (Topology t : examples()) {
                for (long seed = 1; seed <= 25; seed++) {
                    ChaosPlan plan = draw(t, s, seed, 40 * MINUTE);
                    String what = t.file() + " seed " + seed + " cap " + cap;
                    for (DrawnFault f : plan.faults()) {
                        if (f.healAtMs() < 0) continue;
                        long overlapping = plan.faults().stream()
                                .filter(g -> g.healAtMs() >= 0 && g.atMs() <= f.atMs() && g.healAtMs() > f.atMs()).count();
                        assertThat(overlapping).as("%s: faults active at %s", what, ChaosPlan.at(f.atMs())).isLessThanOrEqualTo(cap);
                    }
                    assertNoStepHitsAFaultedTarget(t, plan.scenario(), what);
                }
                assertThat(draw(t, s, 1, 40 * MINUTE).skippedAtCap() + draw(t, s, 2, 40 * MINUTE).skippedAtCap())
                        .as("a mean gap of 15 s meets the cap of %d on %s", cap, t.file()).isPositive();
            }
        }
    }

    /** Replays the steps as the pools would take them: a kill or hang of a faulted server would fail its step. */
    private static void assertNoStepHitsAFaultedTarget(Topology t, Scenario s, String what) {
        Set<String> faulted = new HashSet<>();
        for (Step step : s.steps()) {
            if (step instanceof Step.Fault f) {
                List<String> servers = f.pool() ? t.pool(f.target()).orElseThrow().serverNames() : List.of(f.target());
                for (String sv : servers) {
                    assertThat(faulted).as("%s: %s on a server already faulted", what, ScenarioText.brief(f)).doesNotContain(sv);
                    if (f.kind() != FaultKind.RESTART) faulted.add(sv);
                }
            } else if (step instanceof Step.Heal h) {
                List<String> servers = h.pool() ? t.pool(h.target()).orElseThrow().serverNames() : List.of(h.target());
                assertThat(faulted).as("%s: %s heals what it faulted", what, ScenarioText.brief(h)).containsAll(servers);
                servers.forEach(faulted::remove);
            } else if (step instanceof Step.SiteFault sf) {
                for (PoolSpec p : t.pools()) {
                    for (var sv : p.servers()) {
                        if (!sf.site().equals(p.siteOf(sv))) continue;
                        if (sf.kill()) {
                            assertThat(faulted).as("%s: kill-site %s", what, sf.site()).doesNotContain(sv.name());
                            faulted.add(sv.name());
                        } else {
                            faulted.remove(sv.name());
                        }
                    }
                }
            } else if (step instanceof Step.HealAll) {
                faulted.clear();
            }
        }
        assertThat(faulted).as("%s: healed by the end", what).isEmpty();
    }

    @Test
    void theRunEndsWithAHealOfEverythingThenTheSettleWait() {
        for (Topology t : examples()) {
            for (long seed = 1; seed <= 25; seed++) {
                ChaosPlan plan = draw(t, CHAOS, seed, 30 * MINUTE);
                List<Step> steps = plan.scenario().steps();
                Step last = steps.get(steps.size() - 1);
                assertThat(last).isInstanceOf(Step.Wait.class);
                assertThat(((Step.Wait) last).emulatedMs()).isEqualTo(CHAOS.settleMs());
                assertThat(steps.get(steps.size() - 2)).isInstanceOf(Step.HealAll.class);
                assertThat(plan.healAllAtMs()).isEqualTo(30 * MINUTE - CHAOS.settleMs());
                // back ends, file servers and sites left faulted are healed just before heal-all
                Set<String> open = new HashSet<>();
                for (Step step : steps) {
                    if (step instanceof Step.BackEndFault bf) toggle(open, "backend " + bf.pool() + " " + bf.component(), bf.fail());
                    if (step instanceof Step.FileServerFault ff) toggle(open, "fs " + ff.pool() + " " + ff.server(), ff.fail());
                    if (step instanceof Step.SiteFault sf) toggle(open, "site " + sf.site(), sf.kill());
                }
                assertThat(open).as("%s seed %d", t.file(), seed).isEmpty();
                boolean episodes = plan.faults().stream().anyMatch(f -> !f.reactions().isEmpty());
                if (!episodes) {
                    long waited = steps.stream().filter(x -> x instanceof Step.Wait).mapToLong(x -> ((Step.Wait) x).emulatedMs()).sum();
                    assertThat(waited).as("the waits add up to the duration").isEqualTo(30 * MINUTE);
                }
                for (DrawnFault f : plan.faults()) {
                    assertThat(f.atMs()).isGreaterThan(CHAOS.warmUpMs()).isLessThan(plan.healAllAtMs());
                    if (f.healAtMs() >= 0) assertThat(f.healAtMs()).isLessThanOrEqualTo(plan.healAllAtMs());
                    if (f.healedAtEnd()) assertThat(f.healAtMs()).isEqualTo(plan.healAllAtMs());
                }
            }
        }
    }

    private static void toggle(Set<String> open, String key, boolean fail) {
        if (fail) assertThat(open.add(key)).as("%s failed twice", key).isTrue();
        else open.remove(key);
    }

    @Test
    void aRestartNeedsNoHeal() {
        Map<ChaosFault, Double> w = new EnumMap<>(ChaosFault.class);
        w.put(ChaosFault.RESTART_FRONT_END, 1.0);
        ChaosPlan plan = draw(DEFAULT, CHAOS.withWeights(w), 5, 20 * MINUTE);
        assertThat(plan.faults()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(ChaosFault.RESTART_FRONT_END);
            assertThat(f.healAtMs()).isEqualTo(-1);
            assertThat(f.lines().get(0)).contains("restart").contains("no heal");
        });
        assertThat(plan.scenario().steps()).noneMatch(s -> s instanceof Step.Heal);
    }

    @Test
    void aLostSiteIsFailedOverCmsFirstThenEdgeNextHopThenThePoolAndFailedBackAfterItsHeal() {
        // edge-b (site-b) forwards to pool-a: it must be re-pointed before pool-a can be failed over
        Topology t = TopologyLoader.parse(DEFAULT_WITH_EDGE_B_TO_POOL_A, "edge-b-to-pool-a.conf");
        Map<ChaosFault, Double> w = new EnumMap<>(ChaosFault.class);
        w.put(ChaosFault.KILL_SITE, 1.0);
        ChaosPlan plan = null;
        for (long seed = 1; seed < 100 && plan == null; seed++) {
            ChaosPlan p = draw(t, CHAOS.withWeights(w), seed, 60 * MINUTE);
            if (p.faults().stream().anyMatch(f -> f.action().equals("kill-site site-a"))) plan = p;
        }
        assertThat(plan).as("a seed that loses site-a").isNotNull();
        assertThat(ScenarioLoader.validate(plan.scenario(), t)).isEmpty();
        List<String> lines = plan.scenario().steps().stream().filter(s -> !(s instanceof Step.Wait) && !(s instanceof Step.Note))
                .map(ScenarioText::brief).toList();
        int kill = lines.indexOf("kill-site site-a");
        assertThat(lines.subList(kill, kill + 14)).containsExactly(
                "kill-site site-a",
                "admin failover-cms force=true",
                "await cms-moved within " + (EMULATOR.dr().cmsFailoverMs() + ChaosPlan.AWAIT_MARGIN_MS) / 1000 + "s",
                "admin set-edge-next-hop edge=edge-b pool=pool-b",
                "admin failover-pool disaster=true pool=pool-a",
                "await pool-failover-state pool=pool-a \"-> FailedOver\" within "
                        + (EMULATOR.dr().poolFailoverMs() + ChaosPlan.AWAIT_MARGIN_MS) / 1000 + "s",
                "admin restore-lis pool=pool-a",
                "admin import-response-groups pool=pool-a",
                "heal-site site-a",
                "await pool-quorum-regained pool=pool-a within " + ChaosPlan.AWAIT_MARGIN_MS / 1000 + "s",
                "admin failback-pool pool=pool-a",
                "await pool-failover-state pool=pool-a \"-> FailedBack\" within "
                        + (EMULATOR.dr().failbackPer20000UsersMs() * 18 / 20 + ChaosPlan.AWAIT_MARGIN_MS) / 1000 + "s",
                "admin sync-conference-content pool=pool-a",
                "admin set-edge-next-hop edge=edge-b pool=pool-a");
        DrawnFault site = plan.faults().stream().filter(f -> f.action().equals("kill-site site-a")).findFirst().orElseThrow();
        assertThat(site.reactions()).extracting(DrawnFault.Reaction::step).first().isEqualTo("admin failover-cms force=true");
        long failedOver = site.atMs() + CHAOS.siteFailoverDecisionMs() + EMULATOR.dr().cmsFailoverMs() + EMULATOR.dr().poolFailoverMs();
        assertThat(site.healAtMs()).as("the site returns once its pool is failed over").isGreaterThanOrEqualTo(failedOver);
        // nothing else happens meanwhile
        int next = plan.faults().indexOf(site) + 1;
        if (next < plan.faults().size()) {
            assertThat(plan.faults().get(next).atMs()).isGreaterThan(site.healAtMs() + EMULATOR.dr().failbackPer20000UsersMs() * 18 / 20);
        }
        // the CMS now lives in pool-b: losing site-b later moves it back first
        ChaosPlan later = null;
        for (long seed = 1; seed < 400 && later == null; seed++) {
            ChaosPlan p = draw(t, CHAOS.withWeights(w), seed, 120 * MINUTE);
            List<String> sites = p.faults().stream().map(DrawnFault::action).toList();
            int a = sites.indexOf("kill-site site-a");
            if (a >= 0 && sites.subList(a, sites.size()).contains("kill-site site-b")) later = p;
        }
        assertThat(later).as("a seed that loses site-a, then site-b").isNotNull();
        DrawnFault b = later.faults().stream().filter(f -> f.action().equals("kill-site site-b")).findFirst().orElseThrow();
        assertThat(b.reactions()).extracting(DrawnFault.Reaction::step).first().isEqualTo("admin failover-cms force=true");
    }

    @Test
    void aSiteFailoverThatCannotFinishBeforeTheEndIsNotDrawnAndWithoutTheReactionTheSiteIsSimplyLost() {
        Map<ChaosFault, Double> w = new EnumMap<>(ChaosFault.class);
        w.put(ChaosFault.KILL_SITE, 1.0);
        for (long seed = 1; seed <= 20; seed++) {
            // decision 2 min + CMS 1 min + failover 2 min + failback 9 min do not fit in 10 minutes
            assertThat(draw(DEFAULT, CHAOS.withWeights(w), seed, 10 * MINUTE).faults()).isEmpty();
            ChaosPlan plain = draw(DEFAULT, CHAOS.withWeights(w).withSiteFailover(false), seed, 10 * MINUTE);
            assertThat(plain.faults()).isNotEmpty().allSatisfy(f -> assertThat(f.reactions()).isEmpty());
            assertThat(plain.scenario().steps()).noneMatch(s -> s instanceof Step.Admin);
        }
    }

    @Test
    void aDurationWithNoRoomForFaultsIsRefused() {
        assertThat(CHAOS.durationProblem(80_000)).contains("warm-up (20s)").contains("settle (1m)").contains("1m20s");
        assertThat(CHAOS.durationProblem(0)).isEqualTo("must be > 0");
        assertThat(CHAOS.durationProblem(81_000)).isNull();
        assertThatThrownBy(() -> draw(DEFAULT, CHAOS, 1, 60_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaves no time for faults");
    }

    @Test
    void theScenarioReadsBackAsAScenarioFile() {
        ChaosPlan plan = draw(DEFAULT, CHAOS, 11, 60 * MINUTE);
        String text = ScenarioText.render(plan.scenario(), plan.header());
        Scenario back = ScenarioLoader.parse(text, "chaos-11.conf");
        assertThat(back.name()).isEqualTo("chaos-11");
        assertThat(ScenarioText.render(back, List.of())).isEqualTo(ScenarioText.render(plan.scenario(), List.of()));
        assertThat(ScenarioLoader.validate(back, DEFAULT)).isEmpty();
    }

    @Test
    void theHeaderHasTheSeedTheSettingsAndOneLinePerFault() {
        ChaosPlan plan = draw(DEFAULT, CHAOS, 7, 30 * MINUTE);
        List<String> h = plan.header();
        assertThat(h.get(0)).isEqualTo("seed 7: 30m emulated; faults from +20s, final heal at +29m00s, end at +30m00s"
                + " (times from the scenario's start)");
        assertThat(h.get(1)).startsWith("settings: mean-time-between-faults 1m, fault-duration 20s-2m, max-concurrent-faults 2");
        assertThat(h.get(2)).startsWith("menu: kill-front-end ");
        for (DrawnFault f : plan.faults()) {
            assertThat(h).contains(f.lines().get(0));
            assertThat(f.lines().get(0)).matches("fault \\d+: \\+\\d+(m\\d\\d)?s \\S+ .*");
        }
        assertThat(h.get(h.size() - 1)).startsWith("final: +29m00s ").contains("heal-all").endsWith("settle 1m until +30m00s");
    }

    private static final String DEFAULT_WITH_EDGE_B_TO_POOL_A = """
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" }, { name = "site-b" } ]
            pools = [
              { name = "pool-a", role = front-end, edition = enterprise, site = "site-a",
                servers = [ "a-fe1", "a-fe2", "a-fe3", "a-fe4", "a-fe5", "a-fe6" ], users = 18000, routing-groups = 120,
                collocated-mediation = true, calls = 300, file-store = "fs-a", backup-pool = "pool-b", backend-mode = mirroring-witness }
              { name = "pool-b", role = front-end, edition = enterprise, site = "site-b",
                servers = [ "b-fe1", "b-fe2", "b-fe3", "b-fe4", "b-fe5", "b-fe6" ], users = 18000, routing-groups = 120,
                collocated-mediation = true, calls = 300, file-store = "fs-b", backup-pool = "pool-a", backend-mode = mirroring-witness }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "a-edge1", "a-edge2" ], remote-users = 6000, next-hop = "pool-a" }
              { name = "edge-b", role = edge, site = "site-b", servers = [ "b-edge1", "b-edge2" ], remote-users = 6000, next-hop = "pool-a" }
            ]
            """;
}
