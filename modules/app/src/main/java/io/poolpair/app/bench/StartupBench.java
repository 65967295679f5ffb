package io.poolpair.app.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.model.topology.TopologyValidator;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code startup}: wall time from JVM start ({@code RuntimeMXBean.getStartTime()}) to "every server up and every
 * Front End pool running" for the built-in default topology, done the way {@code poolpair run} does it (validated
 * topology, settings from reference.conf, an events.jsonl file, the console timeline). It must be the first thing
 * a fresh JVM does: {@code scripts/bench} starts one JVM per repetition and also times it from the exec.
 */
final class StartupBench {

    static final String NAME = "startup";

    private StartupBench() {}

    static void run() throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = System.currentTimeMillis();
        Topology t = TopologyLoader.loadResource(TopologyLoader.DEFAULT_RESOURCE, "built-in:default-topology.conf");
        List<Problem> errors = TopologyValidator.validate(t).stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        Config config = ConfigFactory.load();
        EmulatorSettings settings = EmulatorSettings.fromConfig(config);
        List<Problem> order = settings.checkTimerOrder();
        if (!order.isEmpty()) throw new InvalidInputException(order);
        Path dir = Files.createTempDirectory("poolpair-bench-startup");
        try (EventBus bus = new EventBus(dir.resolve("events.jsonl"), true)) {
            var healthy = Health.whenStarted(t, bus);
            long deployAt = System.currentTimeMillis();
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(settings.timeScale()),
                    bus, config)) {
                long at = healthy.get(30, TimeUnit.SECONDS);
                Benchmarks.result(NAME, "jvm_start_to_main", mainAt - jvmStart, "ms");
                Benchmarks.result(NAME, "main_to_deployment_start", deployAt - mainAt, "ms (topology, validation, settings)");
                Benchmarks.result(NAME, "deployment_start_to_healthy", at - deployAt, "ms");
                Benchmarks.result(NAME, "jvm_start_to_healthy", at - jvmStart, "ms");
                Benchmarks.result(NAME, "healthy_at_epoch_ms", at, "ms");
                Benchmarks.result(NAME, "target_met", at - jvmStart <= 3000 ? "yes" : "no", "(target 3000 ms)");
            }
        } finally {
            FailoverBench.deleteTree(dir);
        }
    }

}
