package io.poolpair.model.check;

import io.poolpair.model.check.FigureExpectations.Result;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;

/** End-of-run figure expectations evaluated against figures made by hand, as a run's checkers would hand them over. */
class FigureExpectationsTest {

    /** Figures by name and pool ("" for the whole run); anything not put is absent. */
    private static final class HandMade implements Figures {
        private final Map<String, Double> values = new HashMap<>();
        private final List<String> asked = new java.util.ArrayList<>();

        HandMade put(String figure, String pool, double v) {
            values.put(figure + "@" + (pool == null ? "" : pool), v);
            return this;
        }

        @Override
        public OptionalDouble get(String figure, String poolOrNull) {
            asked.add(figure + "@" + (poolOrNull == null ? "" : poolOrNull));
            Double v = values.get(figure + "@" + (poolOrNull == null ? "" : poolOrNull));
            return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
        }
    }

    private static Scenario scenario(String steps) {
        return ScenarioLoader.parse("steps = [\n" + steps + "\n]\n", "figures.conf");
    }

    private static Result only(String step, Figures f) {
        List<Result> r = FigureExpectations.evaluate(scenario(step), f);
        assertThat(r).hasSize(1);
        return r.get(0);
    }

    @Test
    void aCountThatMatchesPassesAndOneThatDoesNotFailsSayingBoth() {
        Result ok = only("{ expect = lost-writes, equals = 0 }", new HandMade().put("lost-writes", null, 0));
        Result bad = only("{ expect = lost-writes, equals = 0 }", new HandMade().put("lost-writes", null, 3));

        assertThat(ok.ok()).isTrue();
        assertThat(ok.message()).isEqualTo("lost-writes = 0, expected 0");
        assertThat(bad.ok()).isFalse();
        assertThat(bad.message()).isEqualTo("lost-writes = 3, expected 0");
        assertThat(bad.actual()).hasValue(3);
    }

    @Test
    void durationsAreComparedInEmulatedMillisecondsAndShownAsDurations() {
        HandMade f = new HandMade().put("rpo", null, 150_000).put("outage-max", "pool-a", 170_000);

        Result rpo = only("{ expect = rpo, at-most = 2m }", f);
        Result outage = only("{ expect = outage-max, pool = \"pool-a\", at-most = 3m }", f);
        Result atLeast = only("{ expect = outage-max, pool = \"pool-a\", at-least = 3m }", f);

        assertThat(rpo.ok()).isFalse();
        assertThat(rpo.message()).isEqualTo("rpo = 2m30s, expected at most 2m");
        assertThat(outage.ok()).isTrue();
        assertThat(outage.message()).isEqualTo("outage-max of pool-a = 2m50s, expected at most 3m");
        assertThat(atLeast.ok()).isFalse();
        assertThat(atLeast.message()).isEqualTo("outage-max of pool-a = 2m50s, expected at least 3m");
        assertThat(f.asked).contains("rpo@", "outage-max@pool-a");
    }

    @Test
    void boundsAreInclusive() {
        HandMade f = new HandMade().put("affected-users", null, 18_000).put("procedural-rto", null, 180_000);

        assertThat(only("{ expect = affected-users, at-most = 18000 }", f).ok()).isTrue();
        assertThat(only("{ expect = affected-users, at-least = 18000 }", f).ok()).isTrue();
        assertThat(only("{ expect = procedural-rto, at-most = 3m }", f).ok()).isTrue();
        assertThat(only("{ expect = procedural-rto, at-least = 180000 }", f).ok()).as("a bare number is milliseconds").isTrue();
    }

    @Test
    void anAbsentCountIsZero() {
        HandMade none = new HandMade();

        Result zero = only("{ expect = sanity-violations, equals = 0 }", none);
        Result some = only("{ expect = refused-by-resiliency, at-least = 1 }", none);

        assertThat(zero.ok()).isTrue();
        assertThat(zero.actual()).isEmpty();
        assertThat(zero.message()).isEqualTo("sanity-violations = 0 (none counted), expected 0");
        assertThat(some.ok()).isFalse();
        assertThat(some.message()).isEqualTo("refused-by-resiliency = 0 (none counted), expected at least 1");
    }

    @Test
    void anAbsentDurationPassesAtMostAndFailsEqualsAndAtLeastSayingItWasNotMeasured() {
        HandMade none = new HandMade();

        Result atMost = only("{ expect = outage-max, pool = \"pool-b\", at-most = 3m }", none);
        Result atLeast = only("{ expect = outage-p50, at-least = 1m }", none);
        Result equals = only("{ expect = rpo, equals = 0 }", none);

        assertThat(atMost.ok()).isTrue();
        assertThat(atMost.message()).isEqualTo("outage-max of pool-b: not measured (nothing to time in this run), expected at most 3m");
        assertThat(atLeast.ok()).isFalse();
        assertThat(atLeast.message()).isEqualTo("outage-p50: not measured (nothing to time in this run), expected at least 1m");
        assertThat(equals.ok()).isFalse();
        assertThat(equals.message()).contains("rpo: not measured").endsWith("expected 0ms");
    }

    @Test
    void everyFigureExpectationIsEvaluatedInStepOrderWithItsStepIndexAndOtherStepsAreLeftAlone() {
        Scenario s = scenario("""
                { kill = "a-fe1" }
                { expect = lost-writes, equals = 0 }
                { await = server-down, within = 10s }
                { expect = unexplained-lost-writes, pool = "pool-a", equals = 0 }
                { expect = failed-operations, at-most = 100 }
                """);
        HandMade f = new HandMade().put("lost-writes", null, 0).put("unexplained-lost-writes", "pool-a", 2)
                .put("failed-operations", null, 99);

        List<Result> r = FigureExpectations.evaluate(s, f);

        assertThat(s.figureExpectations()).hasSize(3);
        assertThat(r).extracting(Result::step).containsExactly(1, 3, 4);
        assertThat(r).extracting(Result::ok).containsExactly(true, false, true);
        assertThat(r.get(1).message()).isEqualTo("unexplained-lost-writes of pool-a = 2, expected 0");
        assertThat(FigureExpectations.describe(r.get(1).expectation())).isEqualTo("expect unexplained-lost-writes pool=pool-a equals 0");
        assertThat(FigureExpectations.describe(s.figureExpectations().get(0))).isEqualTo("expect lost-writes equals 0");
    }

    @Test
    void everyFigureHasAUniqueLabelAUnitAndAMeaning() {
        assertThat(Figure.values()).extracting(Figure::label).doesNotHaveDuplicates().containsExactly(
                "lost-writes", "unexplained-lost-writes", "rpo", "outage-p50", "outage-p99", "outage-max", "affected-users",
                "refused-by-resiliency", "failed-operations", "procedural-rto", "sanity-violations");
        assertThat(Figure.values()).filteredOn(Figure::isDuration).extracting(Figure::label)
                .containsExactly("rpo", "outage-p50", "outage-p99", "outage-max", "procedural-rto");
        assertThat(Figure.values()).allSatisfy(f -> assertThat(f.meaning()).isNotBlank());
        assertThat(Figure.parse("rpo")).isEqualTo(Figure.RPO);
        assertThat(Figure.parse("RPO")).isNull();
    }
}
