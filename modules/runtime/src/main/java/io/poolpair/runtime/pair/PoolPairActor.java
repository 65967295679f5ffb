package io.poolpair.runtime.pair;

import io.poolpair.model.dr.Operation;
import io.poolpair.model.dr.PoolPair;
import io.poolpair.model.dr.ReplicationDirection;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PairView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One actor per pool pair: runs {@link PoolPair} live. It hears when each pool's Front Ends serve and when
 * its back end is available, runs the Backup Service every sync interval, the Registrar timers and the
 * admin's failover and failback, and drives the pool's users (a light workload of persistent writes and
 * other operations, accepted or refused by their mode).
 */
public final class PoolPairActor extends AbstractBehavior<PoolPairActor.Command> {

    public sealed interface Command {}

    public record PoolServing(String pool, boolean serving) implements Command {}

    public record BackEndAvailable(String pool, boolean available) implements Command {}

    /** The CMS master is now {@code master}; {@code disaster}: the old master's unreplicated changes are lost. */
    public record CmsMaster(String master, boolean disaster) implements Command {}

    /** A configuration change was published to the CMS. */
    public enum CmsChanged implements Command { INSTANCE }

    /** A planned CMS failover: replicate what waits before the master moves. */
    public enum CmsSyncNow implements Command { INSTANCE }

    /** The link between the pair's two sites changed (cut, slow, up): the Backup Service crosses it. */
    public record SiteLinkChanged(io.poolpair.model.dr.SiteLink link) implements Command {}

    /** Whether any Director pool is up (clients sign in through one where the topology has Directors). */
    public record DirectorsReachable(boolean reachable) implements Command {}

    /**
     * An admin verb for the pair. {@code sitePrecondition}: for failover-pool, the deployment-level refusal (CMS,
     * Edge next hop) the guardian found, or null; the pair's own rules (a failover already running, the order
     * rule) come first, since moving the CMS or an Edge would not lift them.
     */
    public record Admin(AdminVerb verb, Map<String, String> args, ActorRef<Reply> replyTo, String sitePrecondition)
            implements Command {
        public Admin(AdminVerb verb, Map<String, String> args, ActorRef<Reply> replyTo) {
            this(verb, args, replyTo, null);
        }
    }

    public record GetStatus(ActorRef<PairView> replyTo) implements Command {}

    /** Every write a failover or failback lost, oldest first. */
    public record GetLostWrites(ActorRef<List<io.poolpair.model.dr.WriteRecord>> replyTo) implements Command {}

    /** The guardian asks which pools' automatic failover is due (it runs the CMS and Edge steps first). */
    enum Tick implements Command { INSTANCE }

    enum Workload implements Command { INSTANCE }

    enum DrainRefusals implements Command { INSTANCE }

    record OpsAnswered(io.poolpair.runtime.pool.PoolProtocol.OpsDone done) implements Command {}

    /**
     * The end of a run: stop the users, wait for every operation in flight, then record each user's final read
     * (the ids of the writes the deployment holds for it) in the history. Replies with the number of users read.
     */
    public record FinalRead(ActorRef<Integer> replyTo) implements Command {}

    /** Emulated: how often the workload looks for users whose next operation is due. */
    private static final long WORKLOAD_STEP_MS = 500;
    private static final long REFUSAL_REPORT_MS = 10_000;

    private final PoolPair model;
    private final EmulationClock clock;
    private final EventBus bus;
    private final EmulatorSettings settings;
    private final TimerScheduler<Command> timers;
    private final Consumer<String> autoFailover;
    private final SplittableRandom random;
    private final Map<String, ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command>> frontEnds;
    private final ActorRef<io.poolpair.runtime.pool.PoolProtocol.OpsDone> opsAdapter;
    private final Map<String, io.poolpair.model.workload.Workload> workloads = new java.util.LinkedHashMap<>();
    private final io.poolpair.runtime.journal.HistoryLog history;
    private boolean usersStopped;
    private int drainsPending;
    private ActorRef<Integer> finalReadTo;
    private long scheduledDueMs = -1;
    private final Map<String, String> siteOf;
    /** the link between the pair's sites, as the guardian last said */
    private io.poolpair.model.dr.SiteLink link = io.poolpair.model.dr.SiteLink.UP;

    /**
     * @param autoFailover called with a home pool whose automatic failover is due (only with the policy on)
     */
    /**
     * @param frontEnds the supervisors of the two pools, by name: users' writes go to their routing group's
     *                  primary there
     */
    public static Behavior<Command> create(PoolSpec a, PoolSpec b, EmulatorSettings settings, EmulationClock clock,
                                           EventBus bus, long seed, Consumer<String> autoFailover,
                                           Map<String, ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command>> frontEnds) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new PoolPairActor(ctx, t, a, b, settings, clock, bus, seed,
                autoFailover, frontEnds)));
    }

    private PoolPairActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec a, PoolSpec b,
                          EmulatorSettings settings, EmulationClock clock, EventBus bus, long seed, Consumer<String> autoFailover,
                          Map<String, ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command>> frontEnds) {
        super(ctx);
        this.frontEnds = Map.copyOf(frontEnds);
        this.siteOf = Map.of(a.name(), a.site(), b.name(), b.site());
        this.opsAdapter = ctx.messageAdapter(io.poolpair.runtime.pool.PoolProtocol.OpsDone.class, OpsAnswered::new);
        this.history = bus.historyLog();
        this.clock = clock;
        this.bus = bus;
        this.settings = settings;
        this.timers = timers;
        this.autoFailover = autoFailover;
        this.random = new SplittableRandom(seed);
        this.model = new PoolPair(a.name(), a.site(), a.users(), b.name(), b.site(), b.users(), settings.dr(),
                clock.now().emulatedMs());
        long start = clock.now().emulatedMs();
        for (PoolSpec p : List.of(a, b)) {
            workloads.put(p.name(), new io.poolpair.model.workload.Workload(p.users(), settings.workload(),
                    new SplittableRandom(random.nextLong()), start));
        }
        if (settings.workload().enabled()) {
            timers.startTimerAtFixedRate("workload", Workload.INSTANCE, Duration.ofMillis(clock.toWallMs(WORKLOAD_STEP_MS)));
        }
        timers.startTimerAtFixedRate("refusals", DrainRefusals.INSTANCE, Duration.ofMillis(clock.toWallMs(REFUSAL_REPORT_MS)));
        schedule(clock.now());
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(PoolServing.class, m -> changed(model.poolServing(m.pool(), m.serving(), clock.now())))
                .onMessage(BackEndAvailable.class, m -> changed(model.backEndAvailable(m.pool(), m.available(), clock.now())))
                .onMessage(CmsMaster.class, m -> changed(model.cmsMaster(m.master(), m.disaster(), clock.now())))
                .onMessageEquals(CmsChanged.INSTANCE, () -> {
                    model.cmsChanged(clock.now());
                    return this;
                })
                .onMessageEquals(CmsSyncNow.INSTANCE, () -> changed(model.syncNow(clock.now(), link)))
                .onMessage(SiteLinkChanged.class, m -> {
                    link = m.link();
                    return changed(List.of());
                })
                .onMessage(DirectorsReachable.class, m -> changed(model.setDirectorsReachable(m.reachable(), clock.now())))
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Workload.INSTANCE, this::onWorkload)
                .onMessageEquals(DrainRefusals.INSTANCE, () -> {
                    bus.publishAll(model.drainRefusals(clock.now()));
                    return this;
                })
                .onMessage(Admin.class, this::onAdmin)
                .onMessage(OpsAnswered.class, this::onOpsAnswered)
                .onMessage(FinalRead.class, this::onFinalRead)
                .onMessage(GetLostWrites.class, m -> {
                    m.replyTo().tell(model.lostWrites());
                    return this;
                })
                .onMessage(GetStatus.class, m -> {
                    m.replyTo().tell(view());
                    return this;
                })
                .build();
    }

    /** The loss windows the model declared (a disaster failover at its start and at its completion, a failback). */
    private void drainWindows(Time now) {
        for (io.poolpair.model.history.LossWindow lw : model.drainLossWindows()) recordWindow(lw, now);
    }

    private Behavior<Command> changed(List<FailoverEvent> ev) {
        bus.publishAll(ev);
        drainWindows(clock.now());
        // a pool or the link is back: replication that could not run resumes now
        bus.publishAll(model.catchUp(clock.now(), link));
        schedule(clock.now());
        return this;
    }

    private Behavior<Command> onTick() {
        Time now = clock.now();
        scheduledDueMs = -1;
        bus.publishAll(model.tick(now, link));
        drainWindows(now);
        for (String pool : model.autoFailoverDue(now)) autoFailover.accept(pool);
        schedule(now);
        return this;
    }

    private void schedule(Time now) {
        long due = model.nextDueMs();
        if (due < 0 || due == scheduledDueMs) return;
        scheduledDueMs = due;
        timers.startSingleTimer("tick", Tick.INSTANCE, Duration.ofMillis(clock.toWallMs(Math.max(0, due - now.emulatedMs()))));
    }

    private static String userId(String home, int user) {
        return home + "/u" + user;
    }

    /** Starts the operations that are due: each user's goes to its routing group's primary in the pool serving it. */
    private Behavior<Command> onWorkload() {
        if (usersStopped) return this;
        Time now = clock.now();
        for (Map.Entry<String, io.poolpair.model.workload.Workload> e : workloads.entrySet()) {
            String home = e.getKey();
            io.poolpair.model.workload.Workload w = e.getValue();
            List<io.poolpair.model.workload.Workload.Planned> due = w.due(now.emulatedMs());
            if (due.isEmpty()) continue;
            String servedBy = model.servedBy(home);
            List<io.poolpair.runtime.pool.PoolProtocol.OpRequest> batch = new ArrayList<>();
            for (io.poolpair.model.workload.Workload.Planned p : due) {
                String user = userId(home, p.user());
                long write = p.op().persistentWrite() ? model.newWriteId() : -1;
                history.record(ClientOp.invoke(user, home, p.op().label(), write, now.emulatedMs(), now.wallMs()));
                if (servedBy == null || !frontEnds.containsKey(servedBy)) {
                    // signed out: no Registrar reachable; the client retries signing in
                    history.record(new ClientOp(HistoryRecord.Type.FAIL, user, home, p.op().label(), write, null, null, null,
                            -1, -1, "signed out: no Registrar reachable", false, -1, now.emulatedMs(), now.wallMs()));
                    w.completed(p.slot(), false, now.emulatedMs());
                    continue;
                }
                PoolPair.Outcome o = model.admit(home, p.op());
                if (!o.ok()) {
                    history.record(new ClientOp(HistoryRecord.Type.FAIL, user, home, p.op().label(), write, null, servedBy, null,
                            -1, -1, o.refusal(), true, -1, now.emulatedMs(), now.wallMs()));
                    w.completed(p.slot(), true, now.emulatedMs());
                    continue;
                }
                batch.add(new io.poolpair.runtime.pool.PoolProtocol.OpRequest(p.slot(), p.user(), p.op(), write));
            }
            if (!batch.isEmpty()) {
                frontEnds.get(servedBy).tell(new io.poolpair.runtime.pool.PoolProtocol.UserOps(home, !servedBy.equals(home),
                        batch, opsAdapter));
            }
        }
        return this;
    }

    /**
     * A Front End pool answered. Loss windows it declared (QuorumLossRecovery) come first: they concern writes
     * answered earlier. A write counts as acknowledged to the user once this pair has it in the serving pool's
     * copy of the user's data (and queued for the Backup Service); that is the time the history records.
     */
    private Behavior<Command> onOpsAnswered(OpsAnswered m) {
        Time now = clock.now();
        io.poolpair.runtime.pool.PoolProtocol.OpsDone d = m.done();
        for (io.poolpair.model.history.LossWindow lw : d.lossWindows()) {
            model.lostInPool(lw);
            recordWindow(lw, now);
        }
        String home = d.homePool();
        io.poolpair.model.workload.Workload w = workloads.get(home);
        for (int k = 0; k < d.ops().size(); k++) {
            io.poolpair.runtime.pool.PoolProtocol.OpRequest req = d.ops().get(k);
            io.poolpair.model.frontend.FrontEndPool.WriteResult r = d.results().get(k);
            int group = d.groups().get(k);
            String user = userId(home, req.user());
            String f = req.op().label();
            long served = d.servedAt().emulatedMs();
            HistoryRecord.Type type;
            String error = null;
            boolean refused = false;
            boolean answered = true;
            if (!r.acknowledged()) {
                // a failure, not a refusal by the user's mode (FrontEndPool.WriteResult says info or fail, and whether
                // a server answered so that the user stays signed in)
                answered = r.answered();
                error = r.refusal();
                type = r.historyType();
                model.refusedByPool(home, req.op(), r.refusal());
            } else if (req.write() < 0) {
                type = HistoryRecord.Type.OK;
            } else if (!d.pool().equals(model.servedBy(home))) {
                type = HistoryRecord.Type.FAIL;
                error = "users moved to " + model.servedBy(home) + " before the write was acknowledged";
            } else if (model.acknowledged(home, req.user(), d.pool(), req.op(), now, req.write()) == null) {
                type = HistoryRecord.Type.FAIL;
                refused = true;
                error = "pool " + d.pool() + " is read-only during a planned failover";
            } else {
                type = HistoryRecord.Type.OK;
            }
            history.record(new ClientOp(type, user, home, f, req.write(), null, d.pool(), r.server(), group, r.epoch(), error,
                    refused, served, now.emulatedMs(), now.wallMs()));
            if (w != null) w.completed(req.slot(), type == HistoryRecord.Type.OK || refused || (answered && r.server() != null),
                    now.emulatedMs());
        }
        if (d.ops().isEmpty() && finalReadTo != null && --drainsPending == 0) finishFinalRead(now);
        return this;
    }

    private void recordWindow(io.poolpair.model.history.LossWindow lw, Time now) {
        // the window closes when this pair learns of it: writes the pool answered before the loss are acknowledged
        // here a moment later, and still fall inside it
        history.record(new HistoryRecord.ModelFact("loss-window", lw.pool(), lw.home(), lw.group(), lw.fromMs(), lw.kind(),
                Math.max(lw.toMs(), now.emulatedMs()), now.wallMs()));
    }

    private Behavior<Command> onFinalRead(FinalRead m) {
        usersStopped = true;
        timers.cancel("workload");
        finalReadTo = m.replyTo();
        drainsPending = 0;
        for (ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command> fe : new java.util.LinkedHashSet<>(frontEnds.values())) {
            fe.tell(new io.poolpair.runtime.pool.PoolProtocol.UserOps(model.poolA(), false, List.of(), opsAdapter));
            drainsPending++;
        }
        if (drainsPending == 0) finishFinalRead(clock.now());
        return this;
    }

    private void finishFinalRead(Time now) {
        int users = 0;
        for (Map.Entry<String, io.poolpair.model.workload.Workload> e : workloads.entrySet()) {
            String home = e.getKey();
            io.poolpair.model.workload.Workload w = e.getValue();
            String at = model.readLocation(home);
            for (int slot = 0; slot < w.slots(); slot++) {
                int user = w.user(slot);
                history.record(new ClientOp(HistoryRecord.Type.OK, userId(home, user), home, "read", -1, model.read(home, user),
                        at, null, -1, -1, null, false, now.emulatedMs(), now.emulatedMs(), now.wallMs()));
                users++;
            }
        }
        history.flush();
        finalReadTo.tell(users);
        finalReadTo = null;
    }

    private Behavior<Command> onAdmin(Admin a) {
        Time now = clock.now();
        String pool = a.args().get("pool");
        boolean disaster = Boolean.parseBoolean(a.args().getOrDefault("disaster", "false"));
        AdminResult r = switch (a.verb()) {
            case FAILOVER_POOL -> a.sitePrecondition() != null && !inFailover(pool) && !inFailover(model.partnerOf(pool))
                    ? AdminResult.refused(new FailoverEvent.AdminVerbRefused(now,
                    io.poolpair.model.event.Where.pool(siteOf.get(pool), pool), a.verb().label(), a.sitePrecondition()))
                    : model.failover(pool, disaster, link, now);
            case FAILBACK_POOL -> model.failback(pool, disaster, link, now);
            case SYNC_CONFERENCE_CONTENT -> model.syncConferenceContent(pool, now);
            case RESTORE_LIS -> model.restoreLis(pool, now);
            case IMPORT_RESPONSE_GROUPS -> model.importResponseGroups(pool, now);
            default -> null;
        };
        if (r == null) {
            a.replyTo().tell(Reply.refused(a.verb().label() + " is not a pool-pair verb"));
            return this;
        }
        bus.publishAll(r.events());
        drainWindows(now);
        if (!r.refused()) {
            bus.publish(new FailoverEvent.AdminVerbFinished(now, io.poolpair.model.event.Where.pool(null, pool), a.verb().label(), r.message()));
        }
        schedule(now);
        a.replyTo().tell(r.refused() ? Reply.refused(r.message()) : Reply.ok(r.message()));
        return this;
    }

    /** Whether a home pool's users are being, or have been, failed over (the pair's own failover refusals apply). */
    private boolean inFailover(String pool) {
        PoolPair.DrState st = model.state(pool);
        return st == PoolPair.DrState.FAILING_OVER || st == PoolPair.DrState.FAILED_OVER;
    }

    private PairView view() {
        long now = clock.now().emulatedMs();
        List<PairView.Side> sides = new ArrayList<>();
        List<PairView.Direction> dirs = new ArrayList<>();
        for (String p : List.of(model.poolA(), model.poolB())) {
            sides.add(new PairView.Side(p, model.state(p).label(), model.isUp(p), model.users(p), model.mode(p).label(),
                    model.servedBy(p), model.lisRestored(p)));
            ReplicationDirection d = model.backup().from(p);
            dirs.add(new PairView.Direction(d.source(), d.target(), d.state().label(), d.lagMs(now), d.pendingCount(),
                    d.shippedCount(), d.lastCompletedSyncMs()));
        }
        ReplicationDirection cms = model.backup().cms();
        if (cms != null) {
            dirs.add(new PairView.Direction(cms.source() + " (CMS)", cms.target() + " (CMS)", cms.state().label(), cms.lagMs(now),
                    cms.pendingCount(), cms.shippedCount(), cms.lastCompletedSyncMs()));
        }
        return new PairView(sides, dirs, model.lostWrites().size(), model.backup().intervalMs());
    }
}
