package io.poolpair.runtime.site;

import io.poolpair.model.dr.CmsReplica;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbFinished;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.AdminVerbStarted;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.CborSerializable;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import io.poolpair.runtime.pool.BackEndStore;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.StoreAccess;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Multi-node runs: one site's copy of the deployment-wide services the pool failover procedure depends on (the active
 * CMS master, Edge next hops, the federation route; rules in {@link CmsReplica} and
 * {@link io.poolpair.model.dr.SiteServices}), a cluster singleton of its site.
 * <ul>
 *   <li>{@code failover-cms}, {@code set-edge-next-hop}, {@code move-federation-route}: run at the copy of the site that
 *       writes them (the CMS master's site for a configuration change, the target's for a CMS failover); any other copy
 *       sends them on and answers for them if that site does not answer.</li>
 *   <li>{@link Precondition}: the CMS-first and Edge-next-hop checks a pool pair's half makes before failing a pool
 *       over.</li>
 *   <li>Which pools serve is asked of their supervisors, wherever they run, before every verb and precondition (a pool
 *       that does not answer in time does not serve); this site's own pools every tick too, for the federation route's
 *       {@code service-dropped}.</li>
 *   <li>After every change the copy sends its snapshot to the other sites' copies, and again every 10 s until they
 *       acknowledge it; it keeps the snapshot in its site's back end for its next incarnation.</li>
 * </ul>
 */
public final class SiteServicesActor extends AbstractBehavior<SiteServicesActor.Command> {

    public sealed interface Command extends CborSerializable {}

    /** {@code failover-cms}, {@code set-edge-next-hop} or {@code move-federation-route}; {@code forwarded} by another copy. */
    public record Admin(AdminVerb verb, Map<String, String> args, boolean forwarded, ActorRef<Reply> replyTo) implements Command {
        public Admin {
            args = Map.copyOf(args);
        }
    }

    /** May {@code home} be failed over, as far as the CMS and the Edge next hops go? */
    public record Precondition(String home, ActorRef<PreconditionAnswer> replyTo) implements Command {}

    /** {@code reason}: why not (docs/admin-verbs.md#failover-pool, checks 3 to 5), or null. */
    public record PreconditionAnswer(String reason) implements CborSerializable {}

    public record GetSite(ActorRef<SiteStatus> replyTo) implements Command {}

    /**
     * The automatic failover policy (off by default) is about to fail {@code pool} over: first the CMS (with force) if
     * the pool hosts it, waiting for it to complete, then every serving Edge pool whose next hop is the pool re-pointed
     * to its partner, each an ordinary verb with its events; answered when done (a refused step is not retried).
     */
    public record AutoFailover(String pool, ActorRef<Reply> replyTo) implements Command {}

    /** This copy's view: the CMS, the routes, and whether every other site's copy holds its newest snapshot. */
    public record SiteStatus(String site, String cmsPool, String cmsTarget, Map<String, String> edgeNextHops, String federationEdge,
                             boolean federationUp, long epoch, long version, boolean replicated) implements CborSerializable {
        public SiteStatus {
            edgeNextHops = new LinkedHashMap<>(edgeNextHops);
        }
    }

    /** Another site's copy sends its snapshot: taken when newer; answered with this copy's. */
    public record Replicate(CmsReplica.Snapshot snapshot, String fromSite, ActorRef<Command> replyTo) implements Command {}

    public record Replicated(CmsReplica.Snapshot snapshot, String fromSite) implements Command {}

    // ----- local

    enum Tick implements Command { INSTANCE }

    enum CmsDue implements Command { INSTANCE }

    record Serving(long round, String pool, boolean serving) implements Command {}

    record Kept(StoreAccess.KeptState kept) implements Command {}

    /** The answer of the copy a verb was sent on to (null: it did not answer in time). */
    record Forwarded(Admin admin, String site, Reply reply) implements Command {}

    /** The master's snapshot pulled before a planned CMS failover (null: it did not answer). */
    record Pulled(Admin admin, Replicated replicated) implements Command {}

    private static final String STORE_KEY = "site-services";
    private static final Duration ASK = Duration.ofSeconds(2);
    /** How long a copy waits for the copy it sent a verb on to (which may pull the master's snapshot first). */
    private static final Duration FORWARD = Duration.ofSeconds(15);
    /** How long a planned CMS failover waits for the master's snapshot. */
    private static final Duration PULL = Duration.ofSeconds(5);
    /** Ticks (2 s) between two sends of an unacknowledged snapshot: a dead site's proxy keeps what it is sent. */
    private static final int RESEND_TICKS = 5;

    private final Topology topology;
    private final String site;
    private final EmulatorSettings settings;
    private final EmulationClock clock;
    private final EventBus bus;
    private final Map<String, ActorRef<PoolProtocol.Command>> pools;
    /** The other sites' copies (singleton proxies), by site. */
    private final Map<String, ActorRef<Command>> peers;
    private final TimerScheduler<Command> timers;
    private final CmsReplica replica;
    /** The newest snapshot each other site acknowledged holding. */
    private final Map<String, CmsReplica.Snapshot> peerHolds = new HashMap<>();
    private long ticks;

    private boolean restoring = true;
    /** Asking the supervisors which pools serve: round number, pools asked, answers so far. */
    private long round;
    private boolean refreshing;
    private final Map<String, Boolean> answers = new HashMap<>();
    private final List<String> asked = new ArrayList<>();
    /** Work waiting for a fresh view of the pools. */
    private final List<Runnable> waiting = new ArrayList<>();
    /** Automatic failovers waiting for the CMS failover to complete, by pool. */
    private final Map<String, ActorRef<Reply>> autoPending = new LinkedHashMap<>();

    /**
     * @param pools the supervisors of every pool of the deployment (singleton proxies)
     * @param peers the copies of the other sites (singleton proxies), by site
     */
    public static Behavior<Command> create(Topology topology, String site, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                                           Map<String, ActorRef<PoolProtocol.Command>> pools, Map<String, ActorRef<Command>> peers) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new SiteServicesActor(ctx, t, topology, site, settings, clock, bus,
                pools, peers)));
    }

    private SiteServicesActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, Topology topology, String site,
                              EmulatorSettings settings, EmulationClock clock, EventBus bus,
                              Map<String, ActorRef<PoolProtocol.Command>> pools, Map<String, ActorRef<Command>> peers) {
        super(ctx);
        this.timers = timers;
        this.topology = topology;
        this.site = site;
        this.settings = settings;
        this.clock = clock;
        this.bus = bus;
        this.pools = Map.copyOf(pools);
        this.peers = Map.copyOf(peers);
        this.replica = new CmsReplica(topology, site);
        ctx.spawnAnonymous(StoreAccess.getState(site, STORE_KEY, Duration.ofSeconds(3),
                ctx.messageAdapter(StoreAccess.KeptState.class, Kept::new)));
        timers.startTimerAtFixedRate("tick", Tick.INSTANCE, Duration.ofSeconds(2));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Admin.class, this::onAdmin)
                .onMessage(Precondition.class, p -> {
                    whenFresh(() -> p.replyTo().tell(new PreconditionAnswer(replica.services().failoverPrecondition(p.home()))));
                    return this;
                })
                .onMessage(AutoFailover.class, m -> {
                    whenFresh(() -> autoFailover(m));
                    return this;
                })
                .onMessage(GetSite.class, g -> {
                    g.replyTo().tell(status());
                    return this;
                })
                .onMessage(Replicate.class, this::onReplicate)
                .onMessage(Replicated.class, r -> {
                    onPeerSnapshot(r.snapshot(), r.fromSite());
                    return this;
                })
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Serving.class, this::onServing)
                .onMessageEquals(CmsDue.INSTANCE, this::onCmsDue)
                .onMessage(Kept.class, k -> {
                    if (restoring) restored(k.kept().state());
                    return this;
                })
                .onMessage(Forwarded.class, this::onForwarded)
                .onMessage(Pulled.class, this::onPulled)
                .build();
    }

    // ------------------------------------------------------------------ admin verbs

    private Behavior<Command> onAdmin(Admin a) {
        String runsAt = replica.writerSite(a.verb(), a.args().get("pool"));
        if (runsAt == null || runsAt.equals(site) || !peers.containsKey(runsAt)) {
            whenFresh(() -> run(a));
            return this;
        }
        if (a.forwarded()) {
            // the sender sees this site as the writer, this copy does not: their views differ until they meet
            refuse(a, where(a), "the copies of " + site + " and of the sender disagree on where " + a.verb().label()
                    + " runs (" + runsAt + " as " + site + " sees it): try again once the sites have exchanged their snapshots");
            return this;
        }
        getContext().ask(Reply.class, peers.get(runsAt), FORWARD, r -> new Admin(a.verb(), a.args(), true, r),
                (r, ex) -> new Forwarded(a, runsAt, r));
        return this;
    }

    private Behavior<Command> onForwarded(Forwarded f) {
        if (f.reply() != null) {
            f.admin().replyTo().tell(f.reply());
            return this;
        }
        String why = f.admin().verb() == AdminVerb.FAILOVER_CMS
                ? f.site() + ", the site of the CMS failover's target, does not answer (down or cut off from " + site
                + "): the standby CMS cannot take over from here"
                : "the active CMS master " + replica.services().cmsPool() + " is in " + f.site() + ", which does not answer (down or cut off from "
                + site + "): configuration changes are published at the master; fail the CMS over first (failover-cms)";
        refuse(f.admin(), where(f.admin()), why);
        return this;
    }

    private void run(Admin a) {
        started(a);
        Time now = clock.now();
        switch (a.verb()) {
            case FAILOVER_CMS -> {
                boolean force = bool(a, "force");
                String master = replica.services().cmsPool();
                String masterSite = replica.masterSite();
                boolean masterUp = replica.services().serving(master);
                if (!force && masterUp && !masterSite.equals(site) && peers.containsKey(masterSite)) {
                    // a planned CMS failover completes the replication from the master first
                    getContext().ask(Replicated.class, peers.get(masterSite), PULL,
                            r -> new Replicate(replica.snapshot(), site, r.unsafeUpcast()), (r, ex) -> new Pulled(a, r));
                    return;
                }
                failoverCms(a, true);
            }
            case SET_EDGE_NEXT_HOP -> done(a, replica.setEdgeNextHop(a.args().get("edge"), a.args().get("pool"), now));
            case MOVE_FEDERATION_ROUTE -> done(a, replica.moveFederationRoute(a.args().get("edge"), now));
            default -> refused(a, where(a), a.verb().label() + " is not one of the site services' verbs");
        }
    }

    private Behavior<Command> onPulled(Pulled p) {
        if (p.replicated() != null) onPeerSnapshot(p.replicated().snapshot(), p.replicated().fromSite());
        failoverCms(p.admin(), p.replicated() != null);
        return this;
    }

    private void failoverCms(Admin a, boolean masterReached) {
        Time now = clock.now();
        AdminResult r = replica.failoverCms(a.args().get("pool"), bool(a, "force"), now, settings.dr().cmsFailoverMs(), masterReached);
        if (r.refused() || replica.services().cmsDueMs() < 0) {
            done(a, r);
            return;
        }
        // it completes later: the answer says it started, cms-moved and admin-verb-finished say it is done
        bus.publishAll(r.events());
        history(HistoryRecord.Type.OK, a, r.message());
        changed();
        scheduleCms();
        a.replyTo().tell(Reply.ok(r.message()));
    }

    private Behavior<Command> onCmsDue() {
        if (!replica.completesCmsHere()) return this;
        Time now = clock.now();
        List<FailoverEvent> ev = replica.completeCms(now);
        bus.publishAll(ev);
        for (FailoverEvent e : ev) bus.publish(new AdminVerbFinished(now, e.where(), "failover-cms", e.describe()));
        changed();
        Map<String, ActorRef<Reply>> pending = new LinkedHashMap<>(autoPending);
        autoPending.clear();
        pending.forEach((pool, replyTo) -> whenFresh(() -> repointEdges(pool, replyTo)));
        return this;
    }

    private void autoFailover(AutoFailover m) {
        ActorRef<Reply> ignore = getContext().getSystem().ignoreRef();
        if (m.pool().equals(replica.services().cmsPool())) {
            autoPending.put(m.pool(), m.replyTo());
            onAdmin(new Admin(AdminVerb.FAILOVER_CMS, Map.of("force", "true"), false, ignore));
            return;
        }
        repointEdges(m.pool(), m.replyTo());
    }

    /** The automatic policy's second step: every serving Edge pool that forwards to {@code pool} goes to its partner. */
    private void repointEdges(String pool, ActorRef<Reply> replyTo) {
        String to = topology.pool(pool).map(PoolSpec::backupPool).orElse(null);
        List<String> edges = to == null ? List.of() : replica.services().edgesToRepoint(pool);
        for (String edge : edges) {
            Admin a = new Admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", edge, "pool", to), false, getContext().getSystem().ignoreRef());
            if (site.equals(replica.masterSite())) run(a);
            else onAdmin(a);
        }
        replyTo.tell(Reply.ok(edges.isEmpty() ? "no Edge pool to re-point" : "re-pointed " + edges + " to " + to));
    }

    private void scheduleCms() {
        if (!replica.completesCmsHere()) return;
        long left = Math.max(0, replica.services().cmsDueMs() - clock.now().emulatedMs());
        timers.startSingleTimer("cms", CmsDue.INSTANCE, Duration.ofMillis(left == 0 ? 1 : clock.toWallMs(left)));
    }

    /** The verb's outcome, once {@link #started} was published. */
    private void done(Admin a, AdminResult r) {
        bus.publishAll(r.events());
        if (r.refused()) {
            history(HistoryRecord.Type.FAIL, a, r.message());
            a.replyTo().tell(Reply.refused(r.message()));
            return;
        }
        Where w = r.events().isEmpty() ? where(a) : r.events().get(0).where();
        bus.publish(new AdminVerbFinished(clock.now(), w, a.verb().label(), r.message()));
        history(HistoryRecord.Type.OK, a, r.message());
        changed();
        a.replyTo().tell(Reply.ok(r.message()));
    }

    /** Refused before it ran (it could not reach the site that runs it). */
    private void refuse(Admin a, Where w, String reason) {
        started(a);
        refused(a, w, reason);
    }

    private void refused(Admin a, Where w, String reason) {
        bus.publish(new AdminVerbRefused(clock.now(), w, a.verb().label(), reason));
        history(HistoryRecord.Type.FAIL, a, reason);
        a.replyTo().tell(Reply.refused(reason));
    }

    private void started(Admin a) {
        Time now = clock.now();
        bus.publish(new AdminVerbStarted(now, where(a), a.verb().label(), args(a)));
        bus.historyLog().admin(HistoryRecord.Type.INVOKE, a.verb().label(), "{" + args(a).replace(' ', ',') + "}", null, now);
    }

    private void history(HistoryRecord.Type type, Admin a, String detail) {
        bus.historyLog().admin(type, a.verb().label(), "{" + args(a).replace(' ', ',') + "}", detail, clock.now());
    }

    private static String args(Admin a) {
        return String.join(" ", new java.util.TreeMap<>(a.args()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    private Where where(Admin a) {
        String pool = a.verb() == AdminVerb.FAILOVER_CMS ? replica.services().cmsPool()
                : a.args().getOrDefault("edge", a.args().get("pool"));
        return Where.pool(topology.pool(pool == null ? "" : pool).map(PoolSpec::site).orElse(null), pool);
    }

    private static boolean bool(Admin a, String k) {
        return Boolean.parseBoolean(a.args().getOrDefault(k, "false"));
    }

    // ------------------------------------------------------------------ between the sites' copies

    private Behavior<Command> onReplicate(Replicate r) {
        onPeerSnapshot(r.snapshot(), r.fromSite());
        r.replyTo().tell(new Replicated(replica.snapshot(), site));
        return this;
    }

    /** Another site's snapshot (sent, or answered to ours): taken when newer, and it tells what that site holds. */
    private void onPeerSnapshot(CmsReplica.Snapshot theirs, String from) {
        boolean wasCompleting = replica.completesCmsHere();
        CmsReplica.Snapshot before = replica.snapshot();
        bus.publishAll(replica.receive(theirs, clock.now()));
        replica.acknowledged(theirs);
        if (from != null) peerHolds.merge(from, theirs, (old, nu) -> nu.newerThan(old) ? nu : old);
        if (!replica.snapshot().equals(before)) {
            // taken: kept for the next incarnation, and the CMS failover it carries completes here if it targets this site
            save();
            if (!wasCompleting) scheduleCms();
        }
    }

    /** After a change made here: kept in the site's back end and sent to the other sites. */
    private void changed() {
        save();
        push();
    }

    private void push() {
        CmsReplica.Snapshot mine = replica.snapshot();
        for (Map.Entry<String, ActorRef<Command>> p : peers.entrySet()) {
            CmsReplica.Snapshot held = peerHolds.get(p.getKey());
            if (held == null || mine.newerThan(held)) p.getValue().tell(new Replicate(mine, site, getContext().getSelf()));
        }
    }

    private boolean replicated() {
        CmsReplica.Snapshot mine = replica.snapshot();
        for (String p : peers.keySet()) {
            CmsReplica.Snapshot held = peerHolds.get(p);
            if (held == null || mine.newerThan(held)) return false;
        }
        return true;
    }

    private Behavior<Command> onTick() {
        if (++ticks % RESEND_TICKS == 0) push();
        if (!refreshing && !restoring) refresh(topology.pools().stream().filter(p -> p.site().equals(site)).map(PoolSpec::name).toList());
        return this;
    }

    // ------------------------------------------------------------------ which pools serve

    /** Runs {@code work} once every pool's supervisor answered (or did not in time) which pools serve. */
    private void whenFresh(Runnable work) {
        waiting.add(work);
        if (!restoring && !refreshing) refresh(topology.pools().stream().map(PoolSpec::name).toList());
    }

    private void refresh(List<String> names) {
        refreshing = true;
        round++;
        answers.clear();
        asked.clear();
        asked.addAll(names);
        long r = round;
        for (String pool : names) {
            ActorRef<PoolProtocol.Command> ref = pools.get(pool);
            if (ref == null) {
                getContext().getSelf().tell(new Serving(r, pool, false));
                continue;
            }
            getContext().ask(PoolView.class, ref, ASK, PoolProtocol.GetStatus::new,
                    (v, ex) -> new Serving(r, pool, v != null && serves(v)));
        }
        if (names.isEmpty()) refreshed();
    }

    private static boolean serves(PoolView v) {
        return Role.FRONT_END.label().equals(v.role()) ? "running".equals(v.state()) : !"down".equals(v.state());
    }

    private Behavior<Command> onServing(Serving s) {
        if (s.round() != round || !refreshing) return this;
        answers.put(s.pool(), s.serving());
        if (answers.size() >= asked.size()) refreshed();
        return this;
    }

    private void refreshed() {
        refreshing = false;
        Time now = clock.now();
        for (String pool : asked) {
            for (FailoverEvent e : replica.services().poolServing(pool, answers.getOrDefault(pool, false), now)) {
                // a pool's own site reports what happens to it (another site may only have lost sight of it)
                if (site.equals(e.where().site())) bus.publish(e);
            }
        }
        boolean all = asked.size() == topology.pools().size();
        if (!all && !waiting.isEmpty()) {
            refresh(topology.pools().stream().map(PoolSpec::name).toList());
            return;
        }
        List<Runnable> work = new ArrayList<>(waiting);
        waiting.clear();
        for (Runnable w : work) w.run();
    }

    private SiteStatus status() {
        CmsReplica.Snapshot s = replica.snapshot();
        return new SiteStatus(site, replica.services().cmsPool(), replica.services().cmsTarget(), replica.nextHops(),
                replica.services().federationEdge(), replica.services().federationUp(), s.epoch(), s.version(), replicated());
    }

    // ------------------------------------------------------------------ across incarnations

    private void restored(BackEndStore.State kept) {
        restoring = false;
        if (kept != null) {
            try {
                replica.restore(EventJson.mapper().readValue(kept.value(), CmsReplica.Snapshot.class));
                scheduleCms();
            } catch (java.io.IOException e) {
                getContext().getLog().warn("site services of {}: the kept snapshot does not read back: {}", site, e.getMessage());
            }
        }
        push();
        if (!waiting.isEmpty()) refresh(topology.pools().stream().map(PoolSpec::name).toList());
    }

    private void save() {
        String value;
        try {
            value = EventJson.mapper().writeValueAsString(replica.snapshot());
        } catch (java.io.IOException e) {
            getContext().getLog().warn("site services of {}: cannot keep the snapshot: {}", site, e.getMessage());
            return;
        }
        getContext().spawnAnonymous(StoreAccess.putState(site, STORE_KEY, value));
    }
}
