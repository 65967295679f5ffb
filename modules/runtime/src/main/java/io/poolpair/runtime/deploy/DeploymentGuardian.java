package io.poolpair.runtime.deploy;

import io.poolpair.model.dr.SiteLink;
import io.poolpair.model.dr.SiteLinks;
import io.poolpair.model.dr.SiteServices;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbFinished;
import io.poolpair.model.event.FailoverEvent.AdminVerbStarted;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pair.PoolPairActor;
import io.poolpair.runtime.pool.FrontEndPoolSupervisor;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.pool.SpreadPoolSupervisor;
import io.poolpair.runtime.status.SiteView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The root actor of an embedded deployment: one supervisor per pool, one actor per pool pair, and the
 * deployment-wide services the failover procedure depends on ({@link SiteServices}: the CMS, Edge next
 * hops, the federation route). Every admin verb enters here and goes where its rule lives.
 */
public final class DeploymentGuardian extends AbstractBehavior<DeploymentGuardian.Command> {

    public sealed interface Command {}

    /** Asks for the pool supervisors, by pool name. */
    public record GetPools(ActorRef<Map<String, ActorRef<PoolProtocol.Command>>> replyTo) implements Command {}

    public record GetPairs(ActorRef<Map<String, ActorRef<PoolPairActor.Command>>> replyTo) implements Command {}

    /**
     * A pool's events, published here in the pool's order, and (when not null) whether the pool now serves
     * (Front End: running; Edge, Director: a server up): the events are published before anything reacts.
     */
    public record PoolEvents(String pool, Boolean serving, java.util.List<FailoverEvent> events) implements Command {}

    public record BackEndAvailable(String pool, boolean available) implements Command {}

    public record Admin(AdminVerb verb, Map<String, String> args, ActorRef<Reply> replyTo) implements Command {}

    public record AutoFailoverDue(String pool) implements Command {}

    public record GetSite(ActorRef<SiteView> replyTo) implements Command {}

    /** Cuts, slows or heals the link between two sites ({@link SiteLinks}). */
    public record SetSiteLink(String siteA, String siteB, SiteLink link, ActorRef<Reply> replyTo) implements Command {}

    /** Heals every site link that is cut or slow (heal-all). */
    public record HealSiteLinks(ActorRef<Reply> replyTo) implements Command {}

    /** Timer: a running CMS failover completes. */
    enum CmsDue implements Command { INSTANCE }

    private final Topology topology;
    private final EmulationClock clock;
    private final EventBus bus;
    private final SiteServices site;
    private final SiteLinks links;
    private final Map<String, ActorRef<PoolProtocol.Command>> pools = new LinkedHashMap<>();
    /** pair actor by pool name (both pools of a pair map to the same actor) */
    private final Map<String, ActorRef<PoolPairActor.Command>> pairs = new LinkedHashMap<>();
    /** Edge/Director pool that took over a dead pool's remote users, by dead pool */
    private final Map<String, String> fallback = new HashMap<>();
    private final Map<String, Boolean> serving = new HashMap<>();
    private boolean directorsReachable;
    /** pools whose automatic failover waits for the CMS failover to complete */
    private final java.util.Set<String> autoPending = new java.util.LinkedHashSet<>();
    private final org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers;
    private final EmulatorSettings settings;

    public static Behavior<Command> create(Topology topology, EmulatorSettings settings, EmulationClock clock, EventBus bus) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new DeploymentGuardian(ctx, t, topology, settings, clock, bus)));
    }

    private DeploymentGuardian(ActorContext<Command> ctx, org.apache.pekko.actor.typed.javadsl.TimerScheduler<Command> timers,
                               Topology topology, EmulatorSettings settings, EmulationClock clock, EventBus bus) {
        super(ctx);
        this.timers = timers;
        this.settings = settings;
        this.topology = topology;
        this.clock = clock;
        this.bus = bus;
        this.site = new SiteServices(topology);
        this.links = new SiteLinks(topology);
        ActorRef<Command> self = ctx.getSelf();
        for (PoolSpec p : topology.pools()) {
            Behavior<PoolProtocol.Command> b = p.role() == Role.FRONT_END
                    ? FrontEndPoolSupervisor.create(p, topology.version(), settings, clock, bus, self)
                    : SpreadPoolSupervisor.create(p, topology.version(), settings, clock, bus, self);
            pools.put(p.name(), ctx.spawn(b, "pool-" + p.name()));
        }
        // with Director pools in the topology, clients sign in through one: none is up until they report
        this.directorsReachable = site.directorsReachable();
        long seed = settings.workload().seed();
        for (PoolSpec p : topology.poolsOf(Role.FRONT_END)) {
            if (p.backupPool() == null || pairs.containsKey(p.name())) continue;
            Optional<PoolSpec> partner = topology.pool(p.backupPool());
            if (partner.isEmpty()) continue;
            ActorRef<PoolPairActor.Command> pair = ctx.spawn(PoolPairActor.create(p, partner.get(), settings, clock, bus, seed++,
                    pool -> self.tell(new AutoFailoverDue(pool)),
                    Map.of(p.name(), pools.get(p.name()), partner.get().name(), pools.get(partner.get().name()))),
                    "pair-" + p.name() + "-" + partner.get().name());
            pairs.put(p.name(), pair);
            pairs.put(partner.get().name(), pair);
            if (!directorsReachable) pair.tell(new PoolPairActor.DirectorsReachable(false));
            if (topology.cmsPool().equals(p.name()) || topology.cmsPool().equals(partner.get().name())) {
                pair.tell(new PoolPairActor.CmsMaster(topology.cmsPool(), false));
            }
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(GetPools.class, g -> {
                    g.replyTo().tell(Map.copyOf(pools));
                    return this;
                })
                .onMessage(GetPairs.class, g -> {
                    g.replyTo().tell(Map.copyOf(pairs));
                    return this;
                })
                .onMessage(PoolEvents.class, this::onPoolEvents)
                .onMessage(BackEndAvailable.class, m -> {
                    ActorRef<PoolPairActor.Command> pair = pairs.get(m.pool());
                    if (pair != null) pair.tell(new PoolPairActor.BackEndAvailable(m.pool(), m.available()));
                    return this;
                })
                .onMessage(Admin.class, this::onAdmin)
                .onMessage(AutoFailoverDue.class, this::onAutoFailover)
                .onMessageEquals(CmsDue.INSTANCE, () -> {
                    String oldMaster = site.cmsPool();
                    boolean disaster = !serving.getOrDefault(oldMaster, false);
                    List<FailoverEvent> ev = site.completeCms(clock.now());
                    for (ActorRef<PoolPairActor.Command> p : new java.util.LinkedHashSet<>(pairs.values())) {
                        p.tell(new PoolPairActor.CmsMaster(site.cmsPool(), disaster));
                    }
                    bus.publishAll(ev);
                    for (FailoverEvent e : ev) {
                        bus.publish(new AdminVerbFinished(clock.now(), e.where(), "failover-cms", e.describe()));
                    }
                    List<String> pending = new java.util.ArrayList<>(autoPending);
                    autoPending.clear();
                    for (String pool : pending) autoFailoverPool(pool);
                    return this;
                })
                .onMessage(SetSiteLink.class, this::onSetSiteLink)
                .onMessage(HealSiteLinks.class, m -> {
                    List<SiteLinks.Change> healed = links.healAll(site, clock.now());
                    for (SiteLinks.Change c : healed) bus.publishAll(c.events());
                    if (!healed.isEmpty()) tellPairsTheirLinks();
                    m.replyTo().tell(Reply.ok(healed.isEmpty() ? "nothing to heal"
                            : String.join("; ", healed.stream().map(SiteLinks.Change::message).toList())));
                    return this;
                })
                .onMessage(GetSite.class, g -> {
                    Map<String, String> hops = new LinkedHashMap<>();
                    for (PoolSpec e : topology.poolsOf(Role.EDGE)) hops.put(e.name(), site.nextHopOf(e.name()));
                    List<SiteView.Link> siteLinks = links.all().stream().map(l -> new SiteView.Link(l.siteA(), l.siteB(),
                            l.link().state().label(), l.link().delayMs())).toList();
                    g.replyTo().tell(new SiteView(site.cmsPool(), hops, site.federationEdge(), site.federationUp(), siteLinks));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onPoolEvents(PoolEvents m) {
        bus.publishAll(m.events());
        if (m.serving() == null) return this;
        Boolean before = serving.put(m.pool(), m.serving());
        if (before != null && before == m.serving()) return this;
        bus.publishAll(site.poolServing(m.pool(), m.serving(), clock.now()));
        ActorRef<PoolPairActor.Command> pair = pairs.get(m.pool());
        if (pair != null) pair.tell(new PoolPairActor.PoolServing(m.pool(), m.serving()));
        PoolSpec spec = topology.pool(m.pool()).orElseThrow();
        if (spec.role() == Role.EDGE || spec.role() == Role.DIRECTOR) srvFallback(spec, m.serving());
        if (spec.role() == Role.DIRECTOR) {
            boolean any = site.directorsReachable();
            if (any != directorsReachable) {
                directorsReachable = any;
                for (ActorRef<PoolPairActor.Command> p : new java.util.LinkedHashSet<>(pairs.values())) {
                    p.tell(new PoolPairActor.DirectorsReachable(any));
                }
            }
        }
        return this;
    }

    /**
     * A site link is cut, slowed or healed: its events are published and every pool pair learns the link its
     * Backup Service crosses. Nothing else reacts: a cut link is no pool failure (see {@link SiteLinks}). Cutting
     * or slowing a link to the condition it already has is refused; healing an up link is fine.
     */
    private Behavior<Command> onSetSiteLink(SetSiteLink m) {
        SiteLinks.Change c = links.set(m.siteA(), m.siteB(), m.link(), site, clock.now());
        bus.publishAll(c.events());
        if (c.changed()) tellPairsTheirLinks();
        boolean refused = !c.changed() && m.link().state() != SiteLink.State.UP;
        m.replyTo().tell(refused ? Reply.refused(c.message()) : Reply.ok(c.changed() ? c.message() : "nothing to heal: " + c.message()));
        return this;
    }

    private void tellPairsTheirLinks() {
        java.util.Set<ActorRef<PoolPairActor.Command>> told = new java.util.HashSet<>();
        for (Map.Entry<String, ActorRef<PoolPairActor.Command>> e : pairs.entrySet()) {
            if (!told.add(e.getValue())) continue;
            String partner = topology.pool(e.getKey()).map(PoolSpec::backupPool).orElse(null);
            e.getValue().tell(new PoolPairActor.SiteLinkChanged(links.forPair(e.getKey(), partner)));
        }
    }

    /** Remote users of a dead Edge or Director pool re-query DNS SRV and reach another site's pool (spec §6.2, §6.3). */
    private void srvFallback(PoolSpec spec, boolean up) {
        if (!up) {
            String to = site.srvFallback(spec.name());
            if (to != null) {
                fallback.put(spec.name(), to);
                pools.get(to).tell(new PoolProtocol.ExtraLoad(spec.name(), spec.remoteUsers()));
            }
        } else {
            String to = fallback.remove(spec.name());
            if (to != null) pools.get(to).tell(new PoolProtocol.ExtraLoad(spec.name(), 0));
        }
    }

    private Behavior<Command> onAdmin(Admin a) {
        String args = a.args().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).reduce((x, y) -> x + " " + y).orElse("");
        String pool = a.args().get("pool");
        String server = a.args().get("server");
        if (server != null && pool == null) pool = topology.poolOfServer(server).map(PoolSpec::name).orElse(null);
        PoolSpec spec = pool == null ? null : topology.pool(pool).orElse(null);
        bus.publish(new AdminVerbStarted(clock.now(), Where.pool(spec == null ? null : spec.site(), pool), a.verb().label(), args));
        switch (a.verb()) {
            case SERVICE_RESET, QUORUM_LOSS_RECOVERY, DRAIN_SERVER, RETURN_SERVER, DATABASE_FAILOVER, PERSISTENT_CHAT_FAILOVER,
                    PERSISTENT_CHAT_FAILBACK ->
                    pools.get(pool).tell(new PoolProtocol.RunAdmin(a.verb(), a.args(), a.replyTo()));
            case FAILOVER_CMS -> {
                String standby = topology.pool(site.cmsPool()).map(PoolSpec::backupPool).orElse(null);
                AdminResult r = site.failoverCms(pool, bool(a, "force"), clock.now(), settings.dr().cmsFailoverMs(),
                        links.forPair(site.cmsPool(), pool != null ? pool : standby));
                if (r.refused() || site.cmsDueMs() < 0) {
                    siteVerb(a, r);
                    if (!r.refused()) {
                        for (ActorRef<PoolPairActor.Command> p : new java.util.LinkedHashSet<>(pairs.values())) {
                            p.tell(new PoolPairActor.CmsMaster(site.cmsPool(), bool(a, "force")));
                        }
                    }
                } else {
                    // it completes later: the reply says it started, the cms-moved event says it is done
                    bus.publishAll(r.events());
                    ActorRef<PoolPairActor.Command> masterPair = pairs.get(site.cmsPool());
                    if (masterPair != null && serving.getOrDefault(site.cmsPool(), false)) {
                        masterPair.tell(PoolPairActor.CmsSyncNow.INSTANCE);
                    }
                    timers.startSingleTimer("cms", CmsDue.INSTANCE, java.time.Duration.ofMillis(
                            clock.toWallMs(site.cmsDueMs() - clock.now().emulatedMs())));
                    a.replyTo().tell(Reply.ok(r.message()));
                }
            }
            case SET_EDGE_NEXT_HOP -> siteVerb(a, site.setEdgeNextHop(a.args().get("edge"), pool, clock.now()));
            case MOVE_FEDERATION_ROUTE -> siteVerb(a, site.moveFederationRoute(a.args().get("edge"), clock.now()));
            case FAILOVER_POOL, FAILBACK_POOL, SYNC_CONFERENCE_CONTENT, RESTORE_LIS, IMPORT_RESPONSE_GROUPS -> {
                ActorRef<PoolPairActor.Command> pair = pairs.get(pool);
                if (pair == null) {
                    refuse(a, spec, "pool " + pool + " has no backup pool: pool failover is impossible [S11][P2]");
                    return this;
                }
                // the CMS and Edge preconditions are checked by the pair after its own rules (order rule first)
                String pre = a.verb() == AdminVerb.FAILOVER_POOL ? site.failoverPrecondition(pool) : null;
                pair.tell(new PoolPairActor.Admin(a.verb(), a.args(), a.replyTo(), pre));
            }
        }
        return this;
    }

    private void siteVerb(Admin a, AdminResult r) {
        bus.publishAll(r.events());
        if (!r.refused() && a.verb() != AdminVerb.FAILOVER_CMS) {
            // a next hop or a federation route is configuration published to the CMS
            ActorRef<PoolPairActor.Command> masterPair = pairs.get(site.cmsPool());
            if (masterPair != null) masterPair.tell(PoolPairActor.CmsChanged.INSTANCE);
        }
        if (!r.refused()) {
            Where w = r.events().isEmpty() ? Where.pool(null, null) : r.events().get(0).where();
            bus.publish(new AdminVerbFinished(clock.now(), w, a.verb().label(), r.message()));
        }
        a.replyTo().tell(r.refused() ? Reply.refused(r.message()) : Reply.ok(r.message()));
    }

    private void refuse(Admin a, PoolSpec spec, String reason) {
        bus.publish(new FailoverEvent.AdminVerbRefused(clock.now(), Where.pool(spec == null ? null : spec.site(),
                spec == null ? null : spec.name()), a.verb().label(), reason));
        a.replyTo().tell(Reply.refused(reason));
    }

    /**
     * The automatic failover policy (off by default; SfB has none): the CMS first if it lives in the dead
     * pool, every surviving Edge pointing at it re-pointed to the partner, then a disaster-mode failover.
     */
    private Behavior<Command> onAutoFailover(AutoFailoverDue m) {
        ActorRef<Reply> ignore = getContext().getSystem().ignoreRef();
        if (m.pool().equals(site.cmsPool())) {
            autoPending.add(m.pool());
            onAdmin(new Admin(AdminVerb.FAILOVER_CMS, Map.of("force", "true"), ignore));
            return this;
        }
        autoFailoverPool(m.pool());
        return this;
    }

    /** The rest of the automatic failover, once the CMS is out of the dead pool. */
    private void autoFailoverPool(String pool) {
        PoolSpec spec = topology.pool(pool).orElseThrow();
        ActorRef<Reply> ignore = getContext().getSystem().ignoreRef();
        for (String edge : site.edgesToRepoint(pool)) {
            onAdmin(new Admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", edge, "pool", spec.backupPool()), ignore));
        }
        onAdmin(new Admin(AdminVerb.FAILOVER_POOL, Map.of("pool", pool, "disaster", "true"), ignore));
    }

    private static boolean bool(Admin a, String k) {
        return Boolean.parseBoolean(a.args().getOrDefault(k, "false"));
    }
}
