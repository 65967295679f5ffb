package io.poolpair.model.scenario;

import io.poolpair.model.check.Comparison;
import io.poolpair.model.check.Figure;
import io.poolpair.model.dr.SiteLink;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The scenario steps for expectations ({@code expect}, {@code expect-none}, end-of-run figures) and site-link
 * faults ({@code cut-link}, {@code slow-link}, {@code heal-link}): what they read as, and each mistake reported
 * as one {@code FILE:LINE: field: message} line.
 */
class ScenarioExpectationsLoaderTest {

    private static final Topology TOPOLOGY = TopologyLoader.loadResource("poolpair/default-topology.conf", "default.conf");

    private static Scenario parse(String steps) {
        return ScenarioLoader.parse("format-version = 1\nsteps = [\n" + steps + "\n]\n", "s.conf");
    }

    /** Every problem, formatted; the steps start on line 3. */
    private static List<String> problems(String steps) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> parse(steps));
        assertThat(e).as("expected input errors").isNotNull();
        return e.problems().stream().map(Problem::format).toList();
    }

    private static List<String> against(String steps) {
        return ScenarioLoader.validate(parse(steps), TOPOLOGY).stream().map(Problem::format).toList();
    }

    // ------------------------------------------------------------------ event expectations

    @Test
    void anEventExpectationReadsLikeAnAwait() {
        Scenario s = parse("""
                { expect = pool-quorum-lost, pool = "pool-a", within = 10s }
                { expect-none = pool-failover-state, pool = "pool-b", text = "-> FailedOver", within = 60s }
                { expect = server-down, server = "a-fe1" }
                """);

        assertThat(s.steps()).containsExactly(
                new Step.ExpectEvent(false, "pool-quorum-lost", "pool-a", null, null, 10_000, new io.poolpair.model.topology.Origin("s.conf", 3)),
                new Step.ExpectEvent(true, "pool-failover-state", "pool-b", null, "-> FailedOver", 60_000,
                        new io.poolpair.model.topology.Origin("s.conf", 4)),
                new Step.ExpectEvent(false, "server-down", null, "a-fe1", null, 60_000, new io.poolpair.model.topology.Origin("s.conf", 5)));
        assertThat(((Step.ExpectEvent) s.steps().get(1)).asAwait())
                .isEqualTo(new Step.Await("pool-failover-state", "pool-b", null, "-> FailedOver", 60_000, s.steps().get(1).origin()));
        assertThat(s.figureExpectations()).isEmpty();
        assertThat(ScenarioLoader.validate(s, TOPOLOGY)).isEmpty();
    }

    @Test
    void expectIsStillTheModifierOfAnAdminStep() {
        Scenario s = parse("{ admin = failover-pool, pool = \"pool-a\", disaster = true, expect = refused }");

        assertThat(s.steps()).singleElement().isInstanceOfSatisfying(Step.Admin.class, a -> assertThat(a.expectRefused()).isTrue());
    }

    @Test
    void eventExpectationMistakesAreReportedOnTheirLine() {
        assertThat(problems("""
                { expect = pool-exploded, within = 10s }
                { expect = pool-quorum-lost, equals = 0 }
                { expect-none = server-down, within = soon }
                { kill = "a-fe1", expect = server-down }
                """)).containsExactly(
                "s.conf:3: steps[0].expect: unknown event type or figure 'pool-exploded' (event types: see docs/events.md;"
                        + " figures: " + Figure.allowed() + ")",
                "s.conf:4: steps[1].equals: 'equals' compares an end-of-run figure (" + Figure.allowed()
                        + "); 'pool-quorum-lost' is an event type, expected with pool, server, text, within",
                "s.conf:5: steps[2].within: not a duration: 'soon' (write e.g. 10s, 2m, 500ms)",
                "s.conf:6: steps[3].expect: a step has one action; found 'kill' and 'expect' (expect is an action of its own,"
                        + " and a modifier of admin only)");
    }

    @Test
    void eventExpectationsNameExistingPoolsAndServers() {
        assertThat(against("""
                { expect = server-down, server = "z-fe9" }
                { expect-none = pool-quorum-lost, pool = "pool-z" }
                """)).containsExactly(
                "s.conf:3: steps[0].server: no server named 'z-fe9' in default.conf",
                "s.conf:4: steps[1].pool: no pool named 'pool-z' in default.conf");
    }

    // ------------------------------------------------------------------ figure expectations

    @Test
    void aFigureExpectationReadsItsComparisonAndValueInTheFiguresUnit() {
        Scenario s = parse("""
                { expect = lost-writes, equals = 0 }
                { expect = rpo, at-most = 2m }
                { expect = outage-max, pool = "pool-a", at-most = 3m }
                { expect = procedural-rto, at-least = 90000 }
                { expect = affected-users, pool = "pool-a", at-least = 18000 }
                """);

        assertThat(s.figureExpectations()).extracting(Step.ExpectFigure::figure, Step.ExpectFigure::pool,
                Step.ExpectFigure::comparison, Step.ExpectFigure::value).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Figure.LOST_WRITES, null, Comparison.EQUALS, 0.0),
                org.assertj.core.groups.Tuple.tuple(Figure.RPO, null, Comparison.AT_MOST, 120_000.0),
                org.assertj.core.groups.Tuple.tuple(Figure.OUTAGE_MAX, "pool-a", Comparison.AT_MOST, 180_000.0),
                org.assertj.core.groups.Tuple.tuple(Figure.PROCEDURAL_RTO, null, Comparison.AT_LEAST, 90_000.0),
                org.assertj.core.groups.Tuple.tuple(Figure.AFFECTED_USERS, "pool-a", Comparison.AT_LEAST, 18_000.0));
        assertThat(ScenarioLoader.validate(s, TOPOLOGY)).isEmpty();
    }

    @Test
    void figureExpectationMistakesAreReportedOnTheirLine() {
        assertThat(problems("""
                { expect = lost-writes }
                { expect = lost-writes, equals = 0, at-most = 1 }
                { expect = lost-writes, equals = 2m }
                { expect = lost-writes, equals = -1 }
                { expect = rpo, at-most = 2 parsecs }
                { expect = rpo, at-most = 2m, within = 10s }
                { expect-none = lost-writes }
                { expect = sanity-violations, pool = "pool-a", equals = 0 }
                """)).containsExactly(
                "s.conf:3: steps[0]: figure expectation lost-writes needs one of equals, at-most, at-least (e.g. equals = 0)",
                "s.conf:4: steps[1]: figure expectation lost-writes takes one comparison; found equals and at-most",
                "s.conf:5: steps[2].equals: lost-writes is a count: give a whole number >= 0, got '2m'",
                "s.conf:6: steps[3].equals: lost-writes is a count: give a whole number >= 0, got '-1'",
                "s.conf:7: steps[4].at-most: not a duration: '2 parsecs' (write e.g. 10s, 2m, 500ms)",
                "s.conf:8: steps[5].within: a figure expectation takes pool and one of equals, at-most, at-least, not 'within'"
                        + " ('rpo' is checked at the end of the run)",
                "s.conf:9: steps[6].expect-none: expect-none takes an event type; 'lost-writes' is a figure: write"
                        + " { expect = lost-writes, equals = 0 }",
                "s.conf:10: steps[7].pool: sanity-violations is measured for the whole run: it takes no pool");
    }

    @Test
    void aFigureOfAPoolNamesAFrontEndPool() {
        assertThat(against("""
                { expect = outage-max, pool = "edge-a", at-most = 3m }
                { expect = lost-writes, pool = "pool-z", equals = 0 }
                """)).containsExactly(
                "s.conf:3: steps[0].pool: no Front End pool named 'edge-a' in default.conf (figures are per home pool of users)",
                "s.conf:4: steps[1].pool: no Front End pool named 'pool-z' in default.conf (figures are per home pool of users)");
    }

    // ------------------------------------------------------------------ site links

    @Test
    void siteLinkStepsNameTwoSitesAndASlowLinkItsDelay() {
        Scenario s = parse("""
                { cut-link = ["site-a", "site-b"] }
                { slow-link = ["site-b", "site-a"], delay = 30s }
                { heal-link = ["site-a", "site-b"] }
                """);

        assertThat(s.steps()).extracting(st -> ((Step.SiteLinkFault) st).link())
                .containsExactly(SiteLink.CUT, SiteLink.slow(30_000), SiteLink.UP);
        assertThat(s.steps().get(1)).isInstanceOfSatisfying(Step.SiteLinkFault.class, l -> {
            assertThat(l.siteA()).isEqualTo("site-b");
            assertThat(l.siteB()).isEqualTo("site-a");
        });
        assertThat(ScenarioLoader.validate(s, TOPOLOGY)).isEmpty();
    }

    @Test
    void siteLinkMistakesAreReportedOnTheirLine() {
        assertThat(problems("""
                { cut-link = "site-a" }
                { cut-link = ["site-a", "site-b", "site-c"] }
                { heal-link = ["site-a", "site-a"] }
                { slow-link = ["site-a", "site-b"] }
                { slow-link = ["site-a", "site-b"], delay = 0s }
                { cut-link = ["site-a", "site-b"], delay = 30s }
                """)).containsExactly(
                "s.conf:3: steps[0].cut-link: must be a list of two site names, e.g. [\"site-a\", \"site-b\"]",
                "s.conf:4: steps[1].cut-link: must be a list of two site names, e.g. [\"site-a\", \"site-b\"]",
                "s.conf:5: steps[2].heal-link: a site link joins two different sites; got 'site-a' twice",
                "s.conf:6: steps[3].delay: slow-link needs a delay, e.g. delay = 30s (emulated)",
                "s.conf:7: steps[4].delay: must be > 0",
                "s.conf:8: steps[5].delay: only slow-link takes a delay");
    }

    @Test
    void siteLinkStepsNameSitesOfTheTopology() {
        assertThat(against("{ cut-link = [\"site-a\", \"site-z\"] }"))
                .containsExactly("s.conf:3: steps[0]: no site named 'site-z' in default.conf");
    }
}
