package io.poolpair.runtime.deploy;

import com.typesafe.config.Config;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The whole topology in one JVM (the default mode): one ActorSystem, a supervisor per pool, an actor per
 * server. This facade is how the CLI, scenarios and tests drive it: faults, heals, admin verbs, status.
 * Unknown names are refused with {@link IllegalArgumentException} and a one-line reason.
 */
public final class EmbeddedDeployment implements AutoCloseable {

    private static final Duration ASK = Duration.ofSeconds(10);

    private final Topology topology;
    private final EmulatorSettings settings;
    private final EmulationClock clock;
    private final EventBus bus;
    private final ActorSystem<DeploymentGuardian.Command> system;
    private final Map<String, ActorRef<PoolProtocol.Command>> pools;

    private EmbeddedDeployment(Topology topology, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                               ActorSystem<DeploymentGuardian.Command> system,
                               Map<String, ActorRef<PoolProtocol.Command>> pools) {
        this.topology = topology;
        this.settings = settings;
        this.clock = clock;
        this.bus = bus;
        this.system = system;
        this.pools = pools;
    }

    /** Starts every pool of the topology. */
    public static EmbeddedDeployment start(Topology topology, EmulatorSettings settings, EmulationClock clock,
                                           EventBus bus, Config config) {
        ActorSystem<DeploymentGuardian.Command> system = ActorSystem.create(
                DeploymentGuardian.create(topology, settings, clock, bus), "poolpair", config);
        Map<String, ActorRef<PoolProtocol.Command>> pools = await(AskPattern.ask(system, DeploymentGuardian.GetPools::new,
                ASK, system.scheduler()));
        return new EmbeddedDeployment(topology, settings, clock, bus, system, pools);
    }

    public Topology topology() { return topology; }

    public EmulatorSettings settings() { return settings; }

    public EmulationClock clock() { return clock; }

    public EventBus bus() { return bus; }

    public ActorSystem<?> system() { return system; }

    /** Injects a fault into one server. */
    public Reply inject(String server, FaultKind kind) {
        return ask(poolRefOfServer(server), r -> new PoolProtocol.Inject(server, kind, r));
    }

    /** Injects a fault into every server of a pool. */
    public Reply injectPool(String pool, FaultKind kind) {
        return ask(poolRef(pool), r -> new PoolProtocol.Inject(null, kind, r));
    }

    public Reply heal(String server) {
        return ask(poolRefOfServer(server), r -> new PoolProtocol.Heal(server, r));
    }

    public Reply healPool(String pool) {
        return ask(poolRef(pool), r -> new PoolProtocol.Heal(null, r));
    }

    /** Heals every injected fault in every pool. */
    public Reply healAll() {
        List<String> parts = new ArrayList<>();
        for (String p : pools.keySet()) {
            Reply r = healPool(p);
            if (!r.message().equals("nothing to heal")) parts.add(r.message());
        }
        return Reply.ok(parts.isEmpty() ? "nothing to heal" : String.join("; ", parts));
    }

    /** Runs an admin verb; its target ("pool" or "server") must be in {@code args}. */
    public Reply admin(AdminVerb verb, Map<String, String> args) {
        ActorRef<PoolProtocol.Command> ref;
        if (verb.target().equals("server")) {
            String server = args.get("server");
            if (server == null) throw new IllegalArgumentException(verb.label() + " needs a server");
            ref = poolRefOfServer(server);
        } else {
            String pool = args.get("pool");
            if (pool == null) throw new IllegalArgumentException(verb.label() + " needs a pool");
            ref = poolRef(pool);
        }
        return ask(ref, r -> new PoolProtocol.RunAdmin(verb, args, r));
    }

    /** Status of every pool, in topology order. */
    public List<PoolView> status() {
        List<CompletionStage<PoolView>> asks = new ArrayList<>();
        for (PoolSpec p : topology.pools()) {
            asks.add(AskPattern.ask(pools.get(p.name()), PoolProtocol.GetStatus::new, ASK, system.scheduler()));
        }
        List<PoolView> out = new ArrayList<>();
        for (CompletionStage<PoolView> s : asks) out.add(await(s));
        return out;
    }

    public PoolView status(String pool) {
        return await(AskPattern.ask(poolRef(pool), PoolProtocol.GetStatus::new, ASK, system.scheduler()));
    }

    /** A persistent write by a user of a routing group, sent to the server the caller believes is primary. */
    public PoolProtocol.WriteReply writeVia(String pool, int group, long epoch, String server) {
        return await(AskPattern.ask(poolRef(pool), (ActorRef<PoolProtocol.WriteReply> r) -> new PoolProtocol.Write(server, group, epoch, r),
                ASK, system.scheduler()));
    }

    public ActorRef<PoolProtocol.Command> poolRef(String pool) {
        ActorRef<PoolProtocol.Command> ref = pools.get(pool);
        if (ref == null) throw new IllegalArgumentException("no pool named '" + pool + "' in " + topology.file());
        return ref;
    }

    private ActorRef<PoolProtocol.Command> poolRefOfServer(String server) {
        PoolSpec p = topology.poolOfServer(server).orElseThrow(() ->
                new IllegalArgumentException("no server named '" + server + "' in " + topology.file()));
        return pools.get(p.name());
    }

    private Reply ask(ActorRef<PoolProtocol.Command> ref, Function<ActorRef<Reply>, PoolProtocol.Command> msg) {
        return await(AskPattern.ask(ref, msg::apply, ASK, system.scheduler()));
    }

    private static <T> T await(CompletionStage<T> s) {
        try {
            return s.toCompletableFuture().get(ASK.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the emulation did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // shutting down anyway
        }
    }
}
