package io.poolpair.app.http;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.deploy.Startup;
import io.poolpair.runtime.journal.EventBus;

import java.util.concurrent.CompletableFuture;

/**
 * The built-in default topology running on the wall clock at time-scale 40, for the control-plane tests: the bus,
 * the deployment, and the future that completes once every pool serves (control planes take it for /ready).
 */
record LiveDeployment(EventBus bus, EmbeddedDeployment deployment, CompletableFuture<Long> healthy) implements AutoCloseable {

    static final double TIME_SCALE = 40;

    /** Starts it with {@code bus} (in memory, or writing events.jsonl); does not wait until it is healthy. */
    static LiveDeployment start(EventBus bus) {
        Topology t = TopologyLoader.loadResource("poolpair/default-topology.conf", "built-in:default-topology.conf");
        EmulatorSettings settings = EmulatorSettings.fromConfig(ConfigFactory.load()).withTimeScale(TIME_SCALE);
        CompletableFuture<Long> healthy = Startup.whenHealthy(t, bus);
        EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(TIME_SCALE), bus, ConfigFactory.load());
        return new LiveDeployment(bus, d, healthy);
    }

    static LiveDeployment start() {
        return start(EventBus.inMemory());
    }

    /** Blocks (at most 30 s wall) until every pool serves. */
    void awaitHealthy() throws Exception {
        healthy.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        deployment.close();
        bus.close();
    }
}
