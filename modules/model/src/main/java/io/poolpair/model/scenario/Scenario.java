package io.poolpair.model.scenario;

import java.util.List;

/**
 * A timeline of steps run against a topology (docs/scenarios.md).
 *
 * @param timeScale optional override of the emulator's time-scale (null: keep the setting)
 */
public record Scenario(String name, String description, Double timeScale, List<Step> steps, String file) {
    public Scenario {
        steps = List.copyOf(steps);
    }

    /**
     * The end-of-run figure expectations ({@code { expect = lost-writes, equals = 0 }}), in step order: the
     * runner does not check them; after the run the caller evaluates them against the run's figures with
     * {@link io.poolpair.model.check.FigureExpectations#evaluate}.
     */
    public List<Step.ExpectFigure> figureExpectations() {
        return steps.stream().filter(Step.ExpectFigure.class::isInstance).map(Step.ExpectFigure.class::cast).toList();
    }
}
