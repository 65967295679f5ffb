package io.poolpair.runtime.testing;

import com.typesafe.config.ConfigFactory;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.fail;

/**
 * One pool of an embedded deployment under test: the whole topology runs in its own actor system with an
 * in-memory event bus and a recorder, and the test drives this pool through the deployment's facade (faults,
 * heals, admin verbs, writes, status), as the CLI and scenarios do.
 */
public final class PoolUnderTest implements AutoCloseable {

    public final EmbeddedDeployment deployment;
    public final PoolSpec spec;
    public final EventBus bus;
    public final EventRecorder events;

    private PoolUnderTest(EmbeddedDeployment deployment, PoolSpec spec, EventBus bus, EventRecorder events) {
        this.deployment = deployment;
        this.spec = spec;
        this.bus = bus;
        this.events = events;
    }

    /** Starts the topology (every pool; its servers start at once) and returns a handle on one pool. */
    public static PoolUnderTest start(Topology topology, String pool, EmulatorSettings settings) {
        PoolSpec spec = topology.pool(pool).orElseThrow(() -> new IllegalArgumentException("no pool " + pool));
        EventBus bus = EventBus.inMemory();
        EventRecorder events = EventRecorder.on(bus);
        EmbeddedDeployment d = EmbeddedDeployment.start(topology, settings, EmulationClock.scaledWall(settings.timeScale()),
                bus, ConfigFactory.load());
        return new PoolUnderTest(d, spec, bus, events);
    }

    public PoolView status() {
        return deployment.status(spec.name());
    }

    public Reply inject(String server, FaultKind kind) {
        return deployment.inject(server, kind);
    }

    /** Heals one server, or every server of the pool when {@code server} is null. */
    public Reply heal(String server) {
        return server == null ? deployment.healPool(spec.name()) : deployment.heal(server);
    }

    public Reply admin(AdminVerb verb, Map<String, String> args) {
        return deployment.admin(verb, args);
    }

    /** A persistent write for a routing group sent by {@code server}, which believes it holds {@code epoch}. */
    public WriteReply write(String server, int group, long epoch) {
        return deployment.writeVia(spec.name(), group, epoch, server);
    }

    /**
     * Looks at the status until it satisfies {@code condition}, looking again whenever the pool publishes an
     * event (or after a short slice, for changes that publish nothing, such as a suspect heartbeating again).
     */
    public PoolView awaitStatus(String what, Predicate<PoolView> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EventRecorder.BOUND_SECONDS);
        while (true) {
            int mark = events.mark();
            PoolView v = status();
            if (condition.test(v)) return v;
            if (System.nanoTime() > deadline) {
                return fail("pool " + spec.name() + " never reached: " + what + "; last status " + v);
            }
            events.awaitAnySince(mark, Duration.ofMillis(200));
        }
    }

    /** Waits until every server of the pool is observed "up" and the pool serves. */
    public PoolView awaitAllUp() {
        return awaitStatus("every server up and the pool serving", v ->
                v.servers().stream().allMatch(s -> s.observed().equals("up"))
                        && (v.state().equals("running") || v.state().equals("serving")));
    }

    /**
     * Waits until a Front End pool has settled after its start: every server up, the pool running, and every
     * server primary of some routing group (a server that joins a running pool for the first time gets its
     * share of primaries by an immediate rebalance; a test that reads the routing groups waits for it).
     */
    public PoolView awaitFrontEndsSettled() {
        return awaitStatus("every server up and primary of some routing group", PoolUnderTest::settled);
    }

    public static boolean settled(PoolView v) {
        Set<String> primaries = new HashSet<>();
        v.routingGroups().stream().filter(g -> g.serving()).forEach(g -> primaries.add(g.primary()));
        return v.state().equals("running")
                && v.servers().stream().allMatch(s -> s.observed().equals("up") && primaries.contains(s.name()));
    }

    public static ServerView server(PoolView v, String name) {
        return v.servers().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no server " + name + " in status of " + v.name()));
    }

    @Override
    public void close() {
        deployment.close();
    }
}
