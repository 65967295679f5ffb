package io.poolpair.model.check;

import java.util.OptionalDouble;

/**
 * The figures a finished run measured, as its checkers computed them from the run's history: the contract
 * between the checkers (which implement it) and a scenario's end-of-run figure expectations
 * ({@link FigureExpectations}, docs/scenarios.md). Every name is one of {@link Figure}; the unit is
 * {@link Figure#unit()}: emulated milliseconds for durations, a plain number for counts.
 */
public interface Figures {

    /**
     * The value of a figure for the whole run ({@code poolOrNull} null) or for one Front End pool's users
     * ({@code poolOrNull} a home pool name: its users' outages, its users' lost writes, the failover of that
     * home pool, ...). Empty when the run did not measure it: for a count, nothing was counted (the evaluator
     * reads it as 0); for a duration, there was nothing to time (no outage, no loss window, no failover).
     * A figure that has no per-pool value ({@link Figure#perPool()} false) is only asked with null.
     *
     * @param figure a {@link Figure#label()}, e.g. {@code "lost-writes"}
     */
    OptionalDouble get(String figure, String poolOrNull);
}
