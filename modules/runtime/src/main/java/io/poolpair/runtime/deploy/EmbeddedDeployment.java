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
import java.util.concurrent.CompletableFuture;
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
    private final Map<String, ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command>> pairs;

    private EmbeddedDeployment(Topology topology, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                               ActorSystem<DeploymentGuardian.Command> system,
                               Map<String, ActorRef<PoolProtocol.Command>> pools,
                               Map<String, ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command>> pairs) {
        this.pairs = pairs;
        this.topology = topology;
        this.settings = settings;
        this.clock = clock;
        this.bus = bus;
        this.system = system;
        this.pools = pools;
    }

    /** Starts every pool of the topology. A virtual clock gets its ActorSystem settings and is attached here. */
    public static EmbeddedDeployment start(Topology topology, EmulatorSettings settings, EmulationClock clock,
                                           EventBus bus, Config config) {
        ActorSystem<DeploymentGuardian.Command> system = ActorSystem.create(
                DeploymentGuardian.create(topology, settings, clock, bus), "poolpair", clock.actorSystemConfig(config));
        clock.attach(system);
        Map<String, ActorRef<PoolProtocol.Command>> pools = await(clock, AskPattern.ask(system, DeploymentGuardian.GetPools::new,
                ASK, system.scheduler()));
        Map<String, ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command>> pairs = await(clock, AskPattern.ask(system,
                DeploymentGuardian.GetPairs::new, ASK, system.scheduler()));
        return new EmbeddedDeployment(topology, settings, clock, bus, system, pools, pairs);
    }

    public Topology topology() { return topology; }

    public EmulatorSettings settings() { return settings; }

    public EmulationClock clock() { return clock; }

    public EventBus bus() { return bus; }

    public ActorSystem<?> system() { return system; }

    /**
     * Records an action on the deployment in the run's history (invoke, then ok or fail with the answer), so the
     * checkers know when each fault began and which verbs were run, whoever asked (scenario, chaos, HTTP).
     */
    private Reply recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category category, String f, String target, java.util.function.Supplier<Reply> action) {
        return bus.historyLog().nemesis(category, f, target, clock::now, action, Reply::ok, Reply::message);
    }

    /** Injects a fault into one server. */
    public Reply inject(String server, FaultKind kind) {
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT, kind.label(), server, () -> injectNow(server, kind));
    }

    private Reply injectNow(String server, FaultKind kind) {
        return ask(poolRefOfServer(server), r -> new PoolProtocol.Inject(server, kind, r));
    }

    /** Injects a fault into every server of a pool. */
    public Reply injectPool(String pool, FaultKind kind) {
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT, kind.label() + "-pool", pool, () -> ask(poolRef(pool), r -> new PoolProtocol.Inject(null, kind, r)));
    }

    public Reply heal(String server) {
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, "heal", server, () -> healNow(server));
    }

    private Reply healNow(String server) {
        return ask(poolRefOfServer(server), r -> new PoolProtocol.Heal(server, r));
    }

    public Reply healPool(String pool) {
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, "heal-pool", pool, () -> healPoolNow(pool));
    }

    private Reply healPoolNow(String pool) {
        return ask(poolRef(pool), r -> new PoolProtocol.Heal(null, r));
    }

    /** Heals every injected fault in every pool, and every site link that is cut or slow. */
    public Reply healAll() {
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, "heal-all", null, this::healAllNow);
    }

    private Reply healAllNow() {
        List<String> parts = new ArrayList<>();
        for (String p : pools.keySet()) {
            Reply r = healPoolNow(p);
            if (!r.message().equals("nothing to heal")) parts.add(r.message());
        }
        Reply links = await(AskPattern.ask(system, DeploymentGuardian.HealSiteLinks::new, ASK, system.scheduler()));
        if (!links.message().equals("nothing to heal")) parts.add(links.message());
        return Reply.ok(parts.isEmpty() ? "nothing to heal" : String.join("; ", parts));
    }

    /**
     * Sets the network link between two sites: {@link io.poolpair.model.dr.SiteLink#CUT cut}, slow, or
     * {@link io.poolpair.model.dr.SiteLink#UP up} (healed). Refused when it already is cut or slow that way.
     */
    public Reply siteLink(String siteA, String siteB, io.poolpair.model.dr.SiteLink link) {
        for (String site : List.of(siteA, siteB)) {
            if (topology.sites().stream().noneMatch(x -> x.name().equals(site))) {
                throw new IllegalArgumentException("no site named '" + site + "' in " + topology.file());
            }
        }
        if (siteA.equals(siteB)) throw new IllegalArgumentException("a site link joins two different sites, got " + siteA + " twice");
        boolean heal = link.carries() && link.delayMs() == 0;
        String f = heal ? "heal-link" : link.carries() ? "slow-link" : "cut-link";
        String target = siteA + " " + siteB + (link.carries() && link.delayMs() > 0 ? " delay " + link.delayMs() + "ms" : "");
        return recorded(heal ? io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL
                        : io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT, f, target,
                () -> await(AskPattern.ask(system, (ActorRef<Reply> r) -> new DeploymentGuardian.SetSiteLink(siteA, siteB, link, r),
                        ASK, system.scheduler())));
    }

    /** Runs an admin verb; the arguments it needs are in {@code args} (see {@link AdminVerb#required()}). */
    public Reply admin(AdminVerb verb, Map<String, String> args) {
        for (String k : verb.required()) {
            if (!args.containsKey(k)) throw new IllegalArgumentException(verb.label() + " needs " + k);
        }
        for (String k : args.keySet()) {
            if (!verb.required().contains(k) && !verb.options().contains(k)) {
                throw new IllegalArgumentException(verb.label() + " takes no '" + k + "'");
            }
        }
        if (args.containsKey("server")) poolRefOfServer(args.get("server"));
        if (args.containsKey("pool")) poolRef(args.get("pool"));
        if (args.containsKey("edge")) poolRef(args.get("edge"));
        return recorded(io.poolpair.model.history.HistoryRecord.Nemesis.Category.ADMIN, verb.label(), new java.util.TreeMap<>(args).toString(),
                () -> await(AskPattern.ask(system, (ActorRef<Reply> r) -> new DeploymentGuardian.Admin(verb, args, r), ASK,
                        system.scheduler())));
    }

    /** Kills (or heals) every server of every pool in a site, and fails (or heals) the site's back ends. */
    public Reply siteFault(String site, boolean kill) {
        if (topology.sites().stream().noneMatch(x -> x.name().equals(site))) {
            throw new IllegalArgumentException("no site named '" + site + "' in " + topology.file());
        }
        return recorded(kill ? io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT : io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, kill ? "kill-site" : "heal-site", site, () -> siteFaultNow(site, kill));
    }

    private Reply siteFaultNow(String site, boolean kill) {
        List<String> done = new ArrayList<>();
        for (PoolSpec p : topology.pools()) {
            boolean any = false;
            for (io.poolpair.model.topology.ServerSpec sv : p.servers()) {
                if (!site.equals(p.siteOf(sv))) continue;
                if (kill) injectNow(sv.name(), io.poolpair.model.scenario.FaultKind.KILL);
                else healNow(sv.name());
                any = true;
            }
            if (any) done.add(p.name());
            if (p.site().equals(site) && p.role() == io.poolpair.model.topology.Role.FRONT_END) {
                for (String c : List.of("primary", "mirror", "witness")) {
                    if (c.equals("primary") || p.backendMode() != io.poolpair.model.topology.BackendMode.NONE) {
                        if (!(c.equals("witness") && p.backendMode() == io.poolpair.model.topology.BackendMode.MIRRORING)) {
                            backEndFaultNow(p.name(), c, kill);
                        }
                    }
                }
            }
        }
        return Reply.ok((kill ? "site " + site + " lost: " : "site " + site + " back: ") + String.join(", ", done));
    }

    /** Fails or heals a back-end component (primary, mirror, witness) of a Front End pool. */
    public Reply backEndFault(String pool, String component, boolean fail) {
        return recorded(fail ? io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT : io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, fail ? "fail-backend" : "heal-backend", pool + " " + component,
                () -> backEndFaultNow(pool, component, fail));
    }

    private Reply backEndFaultNow(String pool, String component, boolean fail) {
        return ask(poolRef(pool), r -> new PoolProtocol.BackEndFault(component, fail, r));
    }

    /** Fails or heals file server 1 or 2 of a Front End pool's file store. */
    public Reply fileServerFault(String pool, int server, boolean fail) {
        return recorded(fail ? io.poolpair.model.history.HistoryRecord.Nemesis.Category.FAULT : io.poolpair.model.history.HistoryRecord.Nemesis.Category.HEAL, fail ? "fail-file-server" : "heal-file-server", pool + " " + server,
                () -> ask(poolRef(pool), r -> new PoolProtocol.FileServerFault(server, fail, r)));
    }

    /** Pool pairs, one view per pair. */
    public List<io.poolpair.runtime.status.PairView> pairs() {
        List<io.poolpair.runtime.status.PairView> out = new ArrayList<>();
        java.util.Set<ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command>> seen = new java.util.LinkedHashSet<>(pairs.values());
        for (ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command> ref : seen) {
            out.add(await(AskPattern.ask(ref, io.poolpair.runtime.pair.PoolPairActor.GetStatus::new, ASK, system.scheduler())));
        }
        return out;
    }

    /** Every write lost by a pool failover or failback, in every pair, oldest first per pair. */
    public List<io.poolpair.model.dr.WriteRecord> lostWrites() {
        List<io.poolpair.model.dr.WriteRecord> out = new ArrayList<>();
        for (ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command> ref : new java.util.LinkedHashSet<>(pairs.values())) {
            out.addAll(await(AskPattern.ask(ref, io.poolpair.runtime.pair.PoolPairActor.GetLostWrites::new, ASK, system.scheduler())));
        }
        return out;
    }

    /**
     * Ends the users' work: every pool pair stops its users, waits for the operations in flight and records each
     * user's final read in the history. Returns the number of users read.
     */
    public int finalRead() {
        int users = 0;
        for (ActorRef<io.poolpair.runtime.pair.PoolPairActor.Command> ref : new java.util.LinkedHashSet<>(pairs.values())) {
            users += await(AskPattern.ask(ref, io.poolpair.runtime.pair.PoolPairActor.FinalRead::new, ASK, system.scheduler()));
        }
        bus.historyLog().flush();
        return users;
    }

    /** The CMS location, Edge next hops and federation route. */
    public io.poolpair.runtime.status.SiteView site() {
        return await(AskPattern.ask(system, DeploymentGuardian.GetSite::new, ASK, system.scheduler()));
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

    private <T> T await(CompletionStage<T> s) {
        return await(clock, s);
    }

    /**
     * The reply to an ask. On the virtual clock time stands still while the caller waits, so the ask's own timeout
     * (virtual) never fires: the reply must be there once every actor is idle, and the wait for that is bounded in
     * wall time (VirtualClock's settle timeout). Settling also means the actors have finished reacting to the
     * message before the caller's next one, so runs are repeatable.
     */
    private static <T> T await(EmulationClock clock, CompletionStage<T> s) {
        try {
            if (clock.isVirtual()) {
                clock.settle();
                CompletableFuture<T> f = s.toCompletableFuture();
                if (!f.isDone()) {
                    throw new IllegalStateException("the emulation did not answer: no reply once every actor was idle"
                            + " (virtual clock at " + EventBus.emulated(clock.now().emulatedMs()) + ")");
                }
                return f.get();
            }
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
        clock.detach();
    }
}
