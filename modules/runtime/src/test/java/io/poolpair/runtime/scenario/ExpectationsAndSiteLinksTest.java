package io.poolpair.runtime.scenario;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.FailoverEvent.SiteLinkCut;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import io.poolpair.runtime.status.PairView;
import io.poolpair.runtime.testing.PoolUnderTest;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario expectations ({@code expect}, {@code expect-none}, end-of-run figures) and site-link faults, run on the
 * built-in two-site topology: what passes, what fails and why, and what a cut link does and does not do.
 */
@ExtendWith(LogCapturingExtension.class)
class ExpectationsAndSiteLinksTest {

    private static final Topology TOPOLOGY = TopologyLoader.loadResource("poolpair/default-topology.conf", "default");

    /** The automatic failover policy on (a pool down 60 s emulated is failed over by itself), 200 times faster than life. */
    private static final EmulatorSettings AUTO_FAILOVER = EmulatorSettings.fromConfig(ConfigFactory.parseString(
            "poolpair.dr.auto-failover.enabled=true\npoolpair.dr.auto-failover.after=60s").withFallback(ConfigFactory.load()))
            .withTimeScale(200);

    private static PoolUnderTest start() {
        PoolUnderTest d = PoolUnderTest.start(TOPOLOGY, "pool-a", AUTO_FAILOVER);
        try {
            for (String pool : List.of("pool-a", "pool-b")) {
                d.events.awaitIndex(0, "users of " + pool + " signed in",
                        e -> e instanceof UsersMoved u && pool.equals(u.where().pool()) && u.toMode().equals("normal"));
            }
            return d;
        } catch (RuntimeException | Error e) {
            d.close();
            throw e;
        }
    }

    private static List<StepResult> run(PoolUnderTest d, String steps, List<String> progress) throws InterruptedException {
        Scenario s = ScenarioLoader.parse("format-version = 1\nsteps = [\n" + steps + "\n]\n", "test.conf");
        assertThat(ScenarioLoader.validate(s, TOPOLOGY)).isEmpty();
        return new ScenarioRunner(d.deployment, progress::add).run(s);
    }

    @Test
    void unmetExpectationsFailTheirStepSayingWhyAndTheRunGoesOnToTheEnd() throws InterruptedException {
        try (PoolUnderTest d = start()) {
            List<String> progress = new CopyOnWriteArrayList<>();
            List<StepResult> r = run(d, """
                    { kill = "a-fe1" }
                    { expect = server-down, server = "a-fe1", within = 10s }
                    { expect-none = pool-quorum-lost, pool = "pool-a", within = 5s }
                    { expect = pool-quorum-lost, pool = "pool-a", within = 2s }
                    { expect-none = primary-moved, pool = "pool-a", within = 5s }
                    { expect = lost-writes, equals = 0 }
                    { heal = "a-fe1" }
                    """, progress);

            assertThat(r).hasSize(7);
            assertThat(r).extracting(StepResult::ok).containsExactly(true, true, true, false, false, true, true);
            assertThat(r.get(1).message()).startsWith("as expected: saw server-down at");
            assertThat(r.get(2).message()).isEqualTo("as expected: no pool-quorum-lost pool=pool-a within 5.0 s emulated");
            assertThat(r.get(3).message()).isEqualTo("expected pool-quorum-lost pool=pool-a within 2.0 s emulated: none seen");
            assertThat(r.get(4).message()).startsWith("expected no primary-moved pool=pool-a within 5.0 s emulated, but saw primary-moved at");
            assertThat(r.get(4).step()).isEqualTo("expect-none primary-moved pool=pool-a within 5.0s");
            assertThat(r.get(5).message()).isEqualTo(ScenarioRunner.FIGURE_DEFERRED);
            assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("step 4/7 expect pool-quorum-lost").contains("FAILED: "));
            assertThat(progress).noneMatch(l -> l.startsWith("step 6/7"));
            assertThat(progress).anySatisfy(l -> assertThat(l).startsWith("step 7/7 heal a-fe1"));

            // the caller evaluates the figure expectation against the run's figures
            Scenario s = ScenarioLoader.parse("steps = [ { kill = \"a-fe1\" }, { expect = lost-writes, equals = 0 } ]", "f.conf");
            List<StepResult> figures = ScenarioRunner.checkFigures(s, (figure, pool) -> figure.equals("lost-writes") && pool == null
                    ? OptionalDouble.of(3) : OptionalDouble.empty(), 1_000);
            assertThat(figures).singleElement().satisfies(f -> {
                assertThat(f.index()).isEqualTo(1);
                assertThat(f.ok()).isFalse();
                assertThat(f.step()).isEqualTo("expect lost-writes equals 0");
                assertThat(f.message()).isEqualTo("lost-writes = 3, expected 0");
            });
        }
    }

    @Test
    void aCutSiteLinkStallsTheBackupServiceButFailsNothingOverEvenWithTheAutomaticPolicyAndTheHealCatchesUp()
            throws InterruptedException {
        try (PoolUnderTest d = start()) {
            int mark = d.events.mark();
            List<String> progress = new CopyOnWriteArrayList<>();
            List<StepResult> r = run(d, """
                    { cut-link = ["site-a", "site-b"] }
                    { expect = site-link-cut, within = 5s }
                    { expect = service-dropped, pool = "edge-a", text = "federation", within = 5s }
                    { expect = backup-state, pool = "pool-a", text = "is backlog", within = 150s }
                    { expect-none = pool-failover-state, within = 400s }
                    { expect-none = users-moved, within = 1s }
                    { expect-none = cms-moved, within = 1s }
                    { cut-link = ["site-b", "site-a"] }
                    { heal-link = ["site-b", "site-a"] }
                    { expect = site-link-healed, text = "was cut", within = 5s }
                    { expect = backup-state, pool = "pool-a", text = "is steady", within = 150s }
                    { expect = backup-state, pool = "pool-b", text = "is steady", within = 1s }
                    """, progress);

            assertThat(r).extracting(StepResult::ok).containsExactly(true, true, true, true, true, true, true, false, true, true, true, true);
            assertThat(r.get(7).message()).isEqualTo("site link site-a <-> site-b is already cut");
            List<FailoverEvent> seen = d.events.since(mark);
            SiteLinkCut cut = seen.stream().filter(SiteLinkCut.class::isInstance).map(SiteLinkCut.class::cast).findFirst().orElseThrow();
            assertThat(cut.carries()).contains("Backup Service pool-a <-> pool-b (user data, conference content)",
                    "CMS replication pool-a -> pool-b");
            BackupState backlog = seen.stream().filter(e -> e instanceof BackupState b && b.state().equals("backlog")
                    && b.fromPool().equals("pool-a") && b.module().equals("UserServices.PresenceFocus"))
                    .map(BackupState.class::cast).findFirst().orElseThrow();
            assertThat(backlog.pending()).as("pool-a's users kept writing across the cut").isPositive();

            PairView pair = d.deployment.pairs().get(0);
            assertThat(pair.sides()).allSatisfy(s -> {
                assertThat(s.poolState()).isEqualTo("Active");
                assertThat(s.mode()).isEqualTo("normal");
                assertThat(s.servedBy()).isEqualTo(s.pool());
            });
            assertThat(pair.lostWrites()).isZero();
            assertThat(d.deployment.site().cmsPool()).isEqualTo("pool-a");
        }
    }

    @Test
    void aSlowLinkIsHealedByHealAllToo() throws InterruptedException {
        try (PoolUnderTest d = start()) {
            List<StepResult> r = run(d, """
                    { slow-link = ["site-a", "site-b"], delay = 30s }
                    { expect = site-link-slowed, text = "delayed 30s", within = 5s }
                    { heal-all = true }
                    { expect = site-link-healed, text = "was slow (30s)", within = 5s }
                    { heal-link = ["site-a", "site-b"] }
                    """, new CopyOnWriteArrayList<>());

            assertThat(r).extracting(StepResult::ok).containsOnly(true);
            assertThat(r.get(2).message()).contains("site link site-a <-> site-b slow (30s) -> up");
            assertThat(r.get(4).message()).startsWith("nothing to heal");
        }
    }
}
