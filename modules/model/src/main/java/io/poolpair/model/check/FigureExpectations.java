package io.poolpair.model.check;

import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.Step;
import io.poolpair.model.time.Durations;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Evaluates a scenario's end-of-run figure expectations ({@code { expect = lost-writes, equals = 0 }},
 * {@code { expect = rpo, at-most = 2m }}) against the figures a run's checkers measured.
 *
 * <p>A figure the run did not measure ({@link Figures#get} empty) is read explicitly: a count was not
 * counted, so it is 0 and compared as 0; a duration had nothing to time (no outage, no loss, no failover),
 * so {@code at-most} holds and {@code equals} and {@code at-least} fail, saying it was not measured.
 */
public final class FigureExpectations {

    private FigureExpectations() {}

    /**
     * One expectation's verdict.
     *
     * @param step        the expectation's step index in the scenario (0-based, as the runner's step results)
     * @param actual      the figure as measured, empty when it was not
     * @param message     e.g. {@code lost-writes = 3, expected 0} or {@code rpo = 2m30s, expected at most 2m}
     */
    public record Result(int step, Step.ExpectFigure expectation, boolean ok, OptionalDouble actual, String message) {}

    /** Every figure expectation of the scenario, in step order. */
    public static List<Result> evaluate(Scenario scenario, Figures figures) {
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < scenario.steps().size(); i++) {
            if (scenario.steps().get(i) instanceof Step.ExpectFigure e) out.add(evaluate(i, e, figures));
        }
        return out;
    }

    /** One expectation (step {@code step} of its scenario). */
    public static Result evaluate(int step, Step.ExpectFigure e, Figures figures) {
        Figure f = e.figure();
        OptionalDouble got = figures.get(f.label(), e.pool());
        String name = f.label() + (e.pool() == null ? "" : " of " + e.pool());
        String expected = "expected " + e.comparison().phrase() + format(f, e.value());
        if (got.isPresent()) {
            double v = got.getAsDouble();
            return new Result(step, e, e.comparison().holds(v, e.value()), got, name + " = " + format(f, v) + ", " + expected);
        }
        if (!f.isDuration()) {
            return new Result(step, e, e.comparison().holds(0, e.value()), got, name + " = 0 (none counted), " + expected);
        }
        boolean ok = e.comparison() == Comparison.AT_MOST;
        return new Result(step, e, ok, got, name + ": not measured (nothing to time in this run), " + expected);
    }

    /** The expectation as a person reads it: {@code expect outage-max pool=pool-a at-most 3m}. */
    public static String describe(Step.ExpectFigure e) {
        return "expect " + e.figure().label() + (e.pool() == null ? "" : " pool=" + e.pool()) + " " + e.comparison().key() + " "
                + format(e.figure(), e.value());
    }

    /** A figure's value in its unit: a duration as {@code 2m30s}, a count as a whole number where it is one. */
    public static String format(Figure f, double v) {
        if (f.isDuration()) return Durations.format(Math.round(v));
        return v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
