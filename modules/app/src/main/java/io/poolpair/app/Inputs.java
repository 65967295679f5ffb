package io.poolpair.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.model.topology.TopologyValidator;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Loads and checks what the user gives: topology, scenario, settings. Errors become exit code 2. */
final class Inputs {

    static final String DEFAULT_TOPOLOGY = "poolpair/default-topology.conf";
    static final String DEFAULT_SCENARIO = "poolpair/default-scenario.conf";
    static final String STEADY_SCENARIO = "poolpair/steady-scenario.conf";

    private Inputs() {}

    /** The topology from a file, or the built-in default; warnings go to {@code err}. */
    static Topology topology(Path file, PrintWriter err) {
        Topology t;
        if (file == null) {
            t = TopologyLoader.loadResource(DEFAULT_TOPOLOGY, "built-in:default-topology.conf");
        } else {
            requireFile(file, "topology");
            t = TopologyLoader.load(file);
        }
        List<Problem> problems = TopologyValidator.validate(t);
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        for (Problem p : problems) err.println(p.format());
        return t;
    }

    static Scenario scenario(Path file, Topology t) {
        return scenario(file, t, false);
    }

    /**
     * The scenario from a file; without one, the built-in default for the built-in topology, or a steady run
     * (no faults) for a topology of the user's own, which the default scenario's names would not fit.
     */
    static Scenario scenario(Path file, Topology t, boolean ownTopology) {
        Scenario s;
        if (file == null && ownTopology) {
            s = ScenarioLoader.loadResource(STEADY_SCENARIO, "built-in:steady-scenario.conf");
        } else if (file == null) {
            s = ScenarioLoader.loadResource(DEFAULT_SCENARIO, "built-in:default-scenario.conf");
        } else {
            requireFile(file, "scenario");
            s = ScenarioLoader.load(file);
        }
        List<Problem> problems = ScenarioLoader.validate(s, t);
        if (!problems.isEmpty()) throw new InvalidInputException(problems);
        return s;
    }

    /**
     * Settings: system properties, then the topology's {@code settings} section, then reference.conf;
     * a scenario's time-scale and the CLI's win over those. On the virtual clock the time-scale is 1 inside
     * and the wall floors are off, so the checks do not limit the time-scale.
     */
    static EmulatorSettings settings(Path topologyFile, Scenario scenario, Double cliTimeScale) {
        return settings(topologyFile, scenario, cliTimeScale, false);
    }

    static EmulatorSettings settings(Path topologyFile, Scenario scenario, Double cliTimeScale, boolean virtualClock) {
        EmulatorSettings s = EmulatorSettings.fromConfig(config(topologyFile));
        if (scenario != null && scenario.timeScale() != null) s = s.withTimeScale(scenario.timeScale());
        if (cliTimeScale != null) s = s.withTimeScale(cliTimeScale);
        if (virtualClock) s = s.withVirtualClock();
        List<Problem> order = s.checkTimerOrder();
        if (!order.isEmpty()) throw new InvalidInputException(order);
        return s;
    }

    /**
     * Every setting as the run sees them: system properties, then the topology's {@code settings} section (keys
     * without the {@code poolpair.} prefix), then reference.conf.
     */
    static Config config(Path topologyFile) {
        Config overrides = ConfigFactory.empty();
        if (topologyFile != null) {
            Config file = ConfigFactory.parseFile(topologyFile.toFile(), ConfigParseOptions.defaults());
            if (file.hasPath("settings")) {
                var v = file.getValue("settings");
                if (v.valueType() != com.typesafe.config.ConfigValueType.OBJECT) {
                    throw new InvalidInputException(Problem.error(new Origin(topologyFile.toString(),
                            Math.max(0, v.origin().lineNumber())), "settings", "must be an object of emulator settings,"
                            + " e.g. settings { time-scale = 20 }"));
                }
                overrides = file.getConfig("settings").atPath("poolpair");
            }
        }
        return ConfigFactory.systemProperties().withFallback(overrides).withFallback(ConfigFactory.load());
    }

    /**
     * Pekko's settings. The runtime's reference.conf turns Pekko's JVM shutdown hook off, but in the shaded jar Pekko's
     * own reference.conf comes after it and would turn it back on: a Ctrl-C must not terminate the actors while a run
     * ({@code --serve}) still has its final read and verdict to do, so the runtime's choice is made to hold here.
     */
    static Config pekkoConfig() {
        return ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                .withFallback(ConfigFactory.load());
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(Problem.error(new Origin(file.toString(), 0), what,
                    Files.exists(file) ? "not a regular file" : "no such file"));
        }
    }
}
