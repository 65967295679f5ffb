package io.poolpair.runtime.pair;

import io.poolpair.model.dr.Operation;
import io.poolpair.model.dr.PoolPair;
import io.poolpair.model.dr.ReplicationDirection;
import io.poolpair.model.event.FailoverEvent;
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

    record WritesAnswered(io.poolpair.runtime.pool.PoolProtocol.WritesDone done) implements Command {}

    private static final long WORKLOAD_STEP_MS = 1_000;
    private static final long REFUSAL_REPORT_MS = 10_000;
    private static final Operation[] WRITES = {Operation.ADD_CONTACT, Operation.SCHEDULE_MEETING, Operation.CHANGE_CALL_FORWARDING};
    private static final Operation[] OTHERS = {Operation.IM, Operation.PRESENCE, Operation.P2P_CALL, Operation.PSTN_CALL,
            Operation.JOIN_CONFERENCE, Operation.PARK_CALL, Operation.ADDRESS_BOOK_SEARCH, Operation.RESPONSE_GROUP_CALL,
            Operation.EMERGENCY_CALL};

    private final PoolPair model;
    private final EmulationClock clock;
    private final EventBus bus;
    private final EmulatorSettings settings;
    private final TimerScheduler<Command> timers;
    private final Consumer<String> autoFailover;
    private final SplittableRandom random;
    private final Map<String, ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command>> frontEnds;
    private final ActorRef<io.poolpair.runtime.pool.PoolProtocol.WritesDone> writesAdapter;
    private final double[] carry = new double[4];
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
        this.writesAdapter = ctx.messageAdapter(io.poolpair.runtime.pool.PoolProtocol.WritesDone.class, WritesAnswered::new);
        this.clock = clock;
        this.bus = bus;
        this.settings = settings;
        this.timers = timers;
        this.autoFailover = autoFailover;
        this.random = new SplittableRandom(seed);
        this.model = new PoolPair(a.name(), a.site(), a.users(), b.name(), b.site(), b.users(), settings.dr(),
                clock.now().emulatedMs());
        if (settings.writesPerSecond() > 0 || settings.opsPerSecond() > 0) {
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
                    return this;
                })
                .onMessage(DirectorsReachable.class, m -> changed(model.setDirectorsReachable(m.reachable(), clock.now())))
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Workload.INSTANCE, this::onWorkload)
                .onMessageEquals(DrainRefusals.INSTANCE, () -> {
                    bus.publishAll(model.drainRefusals(clock.now()));
                    return this;
                })
                .onMessage(Admin.class, this::onAdmin)
                .onMessage(WritesAnswered.class, this::onWritesAnswered)
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

    private Behavior<Command> changed(List<FailoverEvent> ev) {
        bus.publishAll(ev);
        schedule(clock.now());
        return this;
    }

    private Behavior<Command> onTick() {
        Time now = clock.now();
        scheduledDueMs = -1;
        bus.publishAll(model.tick(now, link));
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

    private Behavior<Command> onWorkload() {
        Time now = clock.now();
        int i = 0;
        for (String pool : List.of(model.poolA(), model.poolB())) {
            int users = model.users(pool);
            // signed-out clients cannot reach any Registrar: they only retry signing in
            if (users == 0 || model.mode(pool) == io.poolpair.model.dr.UserMode.SIGNED_OUT) {
                i += 2;
                continue;
            }
            carry[i] += settings.writesPerSecond() * WORKLOAD_STEP_MS / 1000.0;
            List<Integer> batch = new ArrayList<>();
            List<Operation> ops = new ArrayList<>();
            String servedBy = null;
            while (carry[i] >= 1) {
                carry[i] -= 1;
                Operation op = WRITES[random.nextInt(WRITES.length)];
                PoolPair.Outcome o = model.admit(pool, op);
                if (o.ok()) {
                    batch.add(random.nextInt(users));
                    ops.add(op);
                    servedBy = o.servedBy();
                }
            }
            if (!batch.isEmpty() && frontEnds.containsKey(servedBy)) {
                frontEnds.get(servedBy).tell(new io.poolpair.runtime.pool.PoolProtocol.UserWrites(pool, !servedBy.equals(pool),
                        batch, ops, writesAdapter));
            }
            i++;
            carry[i] += settings.opsPerSecond() * WORKLOAD_STEP_MS / 1000.0;
            while (carry[i] >= 1) {
                carry[i] -= 1;
                model.attempt(pool, random.nextInt(users), OTHERS[random.nextInt(OTHERS.length)], now);
            }
            i++;
        }
        return this;
    }

    private Behavior<Command> onWritesAnswered(WritesAnswered m) {
        Time now = clock.now();
        io.poolpair.runtime.pool.PoolProtocol.WritesDone d = m.done();
        for (int k = 0; k < d.users().size(); k++) {
            String refusal = d.refusals().get(k);
            if (refusal == null) model.acknowledged(d.homePool(), d.users().get(k), d.pool(), d.ops().get(k), now);
            else model.refusedByPool(d.homePool(), d.ops().get(k), refusal);
        }
        return this;
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
