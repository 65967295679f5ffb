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
}
