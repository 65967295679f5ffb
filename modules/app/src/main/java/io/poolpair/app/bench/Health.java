package io.poolpair.app.bench;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** When a deployment is healthy, from its events (at start) or from its status (between repetitions). */
final class Health {

    private Health() {}

    /**
     * Completes, with the wall time (epoch ms) of the event that completed it, once every server of the topology
     * is up and every Front End pool is running, as {@code poolpair run} decides it. Subscribe before starting.
     */
    static CompletableFuture<Long> whenStarted(Topology t, EventBus bus) {
        return io.poolpair.runtime.deploy.Startup.whenHealthy(t, bus);
    }

    /** Whether a Front End pool runs with every server up, no fault, and every routing group healthy. */
    static boolean fullyHealthy(PoolView v) {
        if (!v.state().equals("running")) return false;
        for (ServerView s : v.servers()) {
            if (!s.observed().equals("up") || s.fault() != null) return false;
        }
        return v.groupsByState().getOrDefault("healthy", 0) == v.routingGroups().size();
    }

    /** Polls the pool's status until it is fully healthy; fails after {@code timeoutMs}. */
    static PoolView awaitFullyHealthy(EmbeddedDeployment d, String pool, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        PoolView v;
        while (!fullyHealthy(v = d.status(pool))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pool " + pool + " not back to full health within " + timeoutMs
                        + " ms: state " + v.state() + ", groups " + v.groupsByState());
            }
            Thread.sleep(10);
        }
        return v;
    }
}
