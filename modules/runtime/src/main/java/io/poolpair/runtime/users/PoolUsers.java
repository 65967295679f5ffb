package io.poolpair.runtime.users;

import io.poolpair.model.dr.PairHalf;
import io.poolpair.model.dr.WriteRecord;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.LossWindow;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.workload.Workload;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.HistoryLog;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.pool.StoreAccess;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Multi-node runs: one Front End pool's users and its half of its pool pair ({@link PairHalf}), a cluster singleton of
 * the pool's site.
 * <ul>
 *   <li>Users: the same workload as in one JVM (a Poisson process per user over the operation mix, retrying after a
 *       failure); each operation goes to the pool serving the user, whose routing group's primary serves it on its
 *       node; every operation goes to the history of the node this actor runs on.</li>
 *   <li>Backup Service: every sync interval the writes of this pool's users that the pool acknowledged (its site's
 *       back end, plus what its replicas hold unflushed) and the partner has not acknowledged are shipped to the
 *       partner's half, which stores them in its own site's back end
 *       and acknowledges. A cut link backs the direction up; the next sync after the heal catches up.</li>
 *   <li>Failover and failback of the partner's users, run here on an admin's request (or by the automatic policy
 *       when it is on): planned when the partner answers (it hands everything over), disaster otherwise.</li>
 *   <li>{@link FinalRead}: each population of users driven here reads back what the site holds for it.</li>
 * </ul>
 */
public final class PoolUsers extends AbstractBehavior<PoolUsers.Command> {

    public sealed interface Command extends io.poolpair.runtime.CborSerializable {}

    /** Stop the users, wait for what is in flight, record each user's final read. */
    public record FinalRead(ActorRef<FinalReadDone> replyTo) implements Command {}

    public record FinalReadDone(String pool, List<String> homes, int users, int writes) implements io.poolpair.runtime.CborSerializable {}

    /** {@code failover-pool home}: this half takes its partner {@code home}'s users. */
    public record Failover(String home, boolean disaster, ActorRef<Reply> replyTo) implements Command {}

    /** {@code failback-pool home}: this half gives its partner {@code home}'s users back. */
    public record Failback(String home, ActorRef<Reply> replyTo) implements Command {}

    public record GetPair(ActorRef<PairStatus> replyTo) implements Command {}

    /**
     * {@code restore-lis}, {@code import-response-groups} or {@code sync-conference-content} for {@code home}, run at the
     * half of its partner (where its users are served while failed over, and where their conference content was made).
     */
    public record AfterFailover(io.poolpair.model.scenario.AdminVerb verb, String home, ActorRef<Reply> replyTo) implements Command {}

    /** The partner half asks whether this half's pool runs (sync-conference-content needs both). */
    public record IsRunning(ActorRef<Running> replyTo) implements Command {}

    public record Running(boolean running) implements Command {}

    /** This half's view of its pair. {@code backup}: steady or backlog; the lag of the newest acknowledged snapshot. */
    public record PairStatus(String pool, String partner, String poolState, boolean usersHere, boolean hostingPartner,
                             String backup, long lagMs, int pending, long shippedAsOfMs, long receivedAsOfMs)
            implements io.poolpair.runtime.CborSerializable {}

    // ----- between the two halves of a pair (across sites)

    /** Backup Service: the sender's users' writes its back end held at {@code asOfMs} that this half has not acknowledged. */
    public record Ship(long sync, long asOfMs, List<WriteRecord> writes, ActorRef<Command> replyTo) implements Command {
        public Ship {
            writes = List.copyOf(writes);
        }
    }

    public record ShipAck(long sync, long asOfMs) implements Command {}

    /** A planned failover: give your users up and send everything you hold of them. */
    public record Handover(ActorRef<Command> replyTo) implements Command {}

    public record HandedOver(List<WriteRecord> writes) implements Command {
        public HandedOver {
            writes = List.copyOf(writes);
        }
    }

    /** A failback: your users' writes made at the partner meanwhile; store them and serve your users again. */
    public record TakeBack(List<WriteRecord> writes, ActorRef<Command> replyTo) implements Command {
        public TakeBack {
            writes = List.copyOf(writes);
        }
    }

    public enum TookBack implements Command { INSTANCE }

    // ----- local

    enum Step implements Command { INSTANCE }

    enum SyncTick implements Command { INSTANCE }

    enum PeerTimeout implements Command { INSTANCE }

    record Answered(PoolProtocol.OpsDone done) implements Command {}

    /** What the pool acknowledged so far, for the Backup Service's next ship. */
    record SyncCollected(Collector.Collected collected) implements Command {}

    record Written(StoreAccess.Written written) implements Command {}

    record Gathered(Collector.Collected collected) implements Command {}

    record LocalState(boolean running) implements Command {}

    /** The site services' answer before a failover: why not (CMS, Edge next hop), or null. */
    record PreconditionChecked(String reason) implements Command {}

    /** This pool's state for the partner half that asked ({@link IsRunning}). */
    record AnswerRunning(ActorRef<Running> replyTo, boolean running) implements Command {}

    /** sync-conference-content: whether this pool runs, then whether the home pool does ({@code there} null: not asked yet). */
    record ContentSync(AfterFailover verb, boolean here, Boolean there) implements Command {}

    /** The roles a previous incarnation kept in the site's back end (a half only). */
    record RolesKept(StoreAccess.KeptState kept) implements Command {}

    /** Emulated: how often the workload looks for users whose next operation is due. */
    private static final long STEP_MS = 500;
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(4);

    private final PoolSpec pool;
    private final PoolSpec partnerSpec;
    private final ActorRef<Command> partner;
    private final String site;
    private final EmulationClock clock;
    private final EventBus bus;
    private final HistoryLog history;
    private final ActorRef<PoolProtocol.Command> supervisor;
    /** This site's copy of the CMS and the Edge routes (the failover preconditions), or null (no check). */
    private final ActorRef<io.poolpair.runtime.site.SiteServicesActor.Command> siteServices;
    private final EmulatorSettings settings;
    private final int storeQuorum;
    private final TimerScheduler<Command> timers;
    private final ActorRef<PoolProtocol.OpsDone> answers;
    private final PairHalf half;
    private final long seed;
    /** The users driven here, by home pool: this pool's (unless failed over) and the partner's (while hosted). */
    private final Map<String, Workload> driven = new LinkedHashMap<>();
    /** Write ids: unique across the incarnations of this actor (a node's death starts it again elsewhere). */
    private final long idBase;
    private long nextWrite;
    private boolean stopped;
    /** Waiting for the roles a previous incarnation saved (a half only). */
    private boolean restoring;

    // Backup Service
    private long nextSync;
    private final Set<Long> acknowledged = new HashSet<>();
    private final Map<Long, List<Long>> inFlight = new TreeMap<>();
    private long syncStartedMs = -1;
    private boolean syncReading;
    /** A ship received, waiting for this site's back end before it is acknowledged. */
    private record Receiving(ActorRef<Command> replyTo, long sync, long asOfMs) {}

    /** Ships received, by the id of their write to this site's back end. */
    private final Map<Long, Receiving> receiving = new LinkedHashMap<>();
    private long nextWriteId = 1;

    // failover, failback, final read: one at a time
    private String busy;
    private ActorRef<Reply> adminReply;
    private boolean disaster;
    private String adminVerb;
    private String adminArgs;
    private ActorRef<FinalReadDone> finalReadTo;
    private final Set<String> reading = new HashSet<>();
    /** The users of each population being read, by home pool. */
    private final Map<String, Workload> readers = new LinkedHashMap<>();
    private int readUsers;
    private int readWrites;
    private final List<String> readHomes = new ArrayList<>();
    /** Partner half asking for our users (planned failover), waiting for the collection. */
    private ActorRef<Command> handoverTo;
    /** Partner half returning our users, waiting for this site's back end. */
    private ActorRef<Command> takeBackFrom;
    private long takeBackWrite = -1;
    private long hostWrite = -1;

    /**
     * @param partnerSpec the partner pool, or null for an unpaired pool
     * @param partner     the partner's half (a singleton proxy to the partner's site), or null
     * @param siteServices this site's copy of the CMS and the Edge routes, asked before a failover, or null
     */
    public static Behavior<Command> create(PoolSpec pool, PoolSpec partnerSpec, ActorRef<Command> partner,
                                           EmulatorSettings settings, EmulationClock clock, EventBus bus,
                                           ActorRef<PoolProtocol.Command> supervisor, int storeQuorum, long seed,
                                           ActorRef<io.poolpair.runtime.site.SiteServicesActor.Command> siteServices) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new PoolUsers(ctx, t, pool, partnerSpec, partner, settings, clock,
                bus, supervisor, storeQuorum, seed, siteServices)));
    }

    private PoolUsers(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec pool, PoolSpec partnerSpec,
                      ActorRef<Command> partner, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                      ActorRef<PoolProtocol.Command> supervisor, int storeQuorum, long seed,
                      ActorRef<io.poolpair.runtime.site.SiteServicesActor.Command> siteServices) {
        super(ctx);
        this.siteServices = siteServices;
        this.pool = pool;
        this.partnerSpec = partnerSpec;
        this.partner = partner;
        this.site = pool.site();
        this.clock = clock;
        this.bus = bus;
        this.history = bus.historyLog();
        this.supervisor = supervisor;
        this.settings = settings;
        this.storeQuorum = storeQuorum;
        this.timers = timers;
        this.seed = seed;
        long wall = System.currentTimeMillis();
        // seconds since 2026-01-01 times a million: ids stay below 2^53 (exact in JSON) for decades
        this.idBase = Math.max(1, (wall - 1_767_225_600_000L) / 1000) * 1_000_000L;
        this.answers = ctx.messageAdapter(PoolProtocol.OpsDone.class, Answered::new);
        this.half = partnerSpec == null ? null : new PairHalf(pool.name(), pool.site(), pool.users(), partnerSpec.name(),
                partnerSpec.site(), partnerSpec.users(), settings.backendFlushIntervalMs());
        if (half == null) {
            startUsers(pool);
        } else {
            // a half that starts again on another node takes back its predecessor's roles from the site's back end
            half.heard(clock.now().emulatedMs());
            restoring = true;
            getContext().spawnAnonymous(StoreAccess.getState(site, "pair-" + pool.name(), Duration.ofSeconds(3),
                    getContext().messageAdapter(StoreAccess.KeptState.class, RolesKept::new)));
        }
        if (settings.workload().enabled()) {
            timers.startTimerAtFixedRate("step", Step.INSTANCE, wall(STEP_MS));
        }
        if (half != null) {
            timers.startTimerAtFixedRate("sync", SyncTick.INSTANCE, wall(settings.dr().backupSyncIntervalMs()));
            // a Backup Service that (re)starts, here or on a node its singleton moved to, syncs at once
            timers.startSingleTimer("first-sync", SyncTick.INSTANCE, Duration.ofSeconds(2));
        }
    }

    private Duration wall(long emulatedMs) {
        return Duration.ofMillis(Math.max(1, clock.toWallMs(emulatedMs)));
    }

    private void startUsers(PoolSpec p) {
        driven.put(p.name(), new Workload(p.users(), settings.workload(), new SplittableRandom(seed ^ p.name().hashCode()
                ^ System.nanoTime()), clock.now().emulatedMs()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Step.INSTANCE, this::onStep)
                .onMessage(Answered.class, this::onAnswered)
                .onMessage(FinalRead.class, this::onFinalRead)
                .onMessage(Gathered.class, this::onGathered)
                .onMessageEquals(SyncTick.INSTANCE, this::onSyncTick)
                .onMessage(SyncCollected.class, this::onSyncCollected)
                .onMessage(Ship.class, this::onShip)
                .onMessage(ShipAck.class, this::onShipAck)
                .onMessage(Written.class, this::onWritten)
                .onMessage(Failover.class, this::onFailover)
                .onMessage(LocalState.class, this::onLocalState)
                .onMessage(PreconditionChecked.class, this::onPreconditionChecked)
                .onMessage(AfterFailover.class, this::onAfterFailover)
                .onMessage(ContentSync.class, this::onContentSync)
                .onMessage(IsRunning.class, m -> {
                    askRunning(running -> new AnswerRunning(m.replyTo(), running));
                    return this;
                })
                .onMessage(AnswerRunning.class, m -> {
                    m.replyTo().tell(new Running(m.running()));
                    return this;
                })
                .onMessage(Handover.class, this::onHandover)
                .onMessage(HandedOver.class, this::onHandedOver)
                .onMessage(Failback.class, this::onFailback)
                .onMessage(TakeBack.class, this::onTakeBack)
                .onMessageEquals(TookBack.INSTANCE, this::onTookBack)
                .onMessageEquals(PeerTimeout.INSTANCE, this::onPeerTimeout)
                .onMessage(GetPair.class, this::onGetPair)
                .onMessage(RolesKept.class, k -> {
                    if (restoring) restoreRoles(k.kept().state());
                    return this;
                })
                .build();
    }

    // ------------------------------------------------------------------ roles across incarnations

    private void restoreRoles(io.poolpair.runtime.pool.BackEndStore.State restored) {
        restoring = false;
        if (restored != null) {
            half.restore(restored.value());
            bus.publish(new FailoverEvent.RunMarker(clock.now(), Where.pool(site, pool.name()), "pair-roles-restored",
                    pool.name() + "'s half of its pair started again with its roles: " + half.roles()));
        }
        if (half.usersHere()) startUsers(pool);
        if (half.hostingPartner()) startUsers(partnerSpec);
    }

    /** Keeps the half's roles in the site's back end, for the next incarnation (its singleton may move). */
    private void saveRoles() {
        getContext().spawnAnonymous(StoreAccess.putState(site, "pair-" + pool.name(), half.roles()));
    }

    // ------------------------------------------------------------------ users

    private Behavior<Command> onStep() {
        if (stopped) return this;
        Time now = clock.now();
        for (Map.Entry<String, Workload> e : driven.entrySet()) {
            String home = e.getKey();
            List<Workload.Planned> due = e.getValue().due(now.emulatedMs());
            if (due.isEmpty()) continue;
            List<PoolProtocol.OpRequest> batch = new ArrayList<>();
            boolean hosted = !home.equals(pool.name());
            for (Workload.Planned p : due) {
                long write = p.op().persistentWrite() ? idBase + nextWrite++ : -1;
                history.record(ClientOp.invoke(home + "/u" + p.user(), home, p.op().label(), write, now.emulatedMs(), now.wallMs()));
                String missing = hosted ? half.notReplicated(p.op()) : null;
                if (missing != null) {
                    // what the Backup Service does not carry: refused here, as the user's client meets it
                    history.record(new ClientOp(HistoryRecord.Type.FAIL, home + "/u" + p.user(), home, p.op().label(), write, null,
                            pool.name(), null, -1, -1, missing, true, -1, now.emulatedMs(), now.wallMs()));
                    e.getValue().completed(p.slot(), true, now.emulatedMs());
                    half.refusedHosted(p.op(), missing);
                    continue;
                }
                batch.add(new PoolProtocol.OpRequest(p.slot(), p.user(), p.op(), write));
            }
            if (batch.isEmpty()) continue;
            // on disk before the operations leave: a node killed a moment later must not leave writes nobody invoked
            history.flush();
            supervisor.tell(new PoolProtocol.UserOps(home, !home.equals(pool.name()), batch, answers));
        }
        return this;
    }

    private Behavior<Command> onAnswered(Answered m) {
        Time now = clock.now();
        PoolProtocol.OpsDone d = m.done();
        for (LossWindow lw : d.lossWindows()) recordWindow(lw, now);
        Workload w = driven.get(d.homePool());
        for (int k = 0; k < d.ops().size(); k++) {
            PoolProtocol.OpRequest req = d.ops().get(k);
            FrontEndPool.WriteResult r = d.results().get(k);
            HistoryRecord.Type type = r.historyType();
            history.record(new ClientOp(type, d.homePool() + "/u" + req.user(), d.homePool(), req.op().label(), req.write(), null,
                    d.pool(), r.server(), d.groups().get(k), r.epoch(), r.acknowledged() ? null : r.refusal(), false,
                    d.servedAt().emulatedMs(), now.emulatedMs(), now.wallMs()));
            if (w != null) w.completed(req.slot(), r.answered(), now.emulatedMs());
            if (r.acknowledged() && half != null && !d.homePool().equals(pool.name())) half.hostedAcknowledged(req.op());
        }
        history.flush();
        return this;
    }

    private void recordWindow(LossWindow lw, Time now) {
        history.record(new HistoryRecord.ModelFact("loss-window", lw.pool(), lw.home(), lw.group(), lw.fromMs(), lw.kind(),
                Math.max(lw.toMs(), now.emulatedMs()), now.wallMs()));
        history.flush();
    }

    /** Stops driving {@code home}'s users and collects what the site holds for them (answered as {@link Gathered}). */
    private void collect(String home) {
        driven.remove(home);
        getContext().spawnAnonymous(Collector.create(site, home, !home.equals(pool.name()), true, supervisor, STORE_TIMEOUT,
                getContext().messageAdapter(Collector.Collected.class, Gathered::new)));
    }

    // ------------------------------------------------------------------ final read

    private Behavior<Command> onFinalRead(FinalRead m) {
        if (finalReadTo != null) return this;
        stopped = true;
        timers.cancel("step");
        timers.cancel("sync");
        finalReadTo = m.replyTo();
        readUsers = 0;
        readWrites = 0;
        readHomes.clear();
        for (String home : new ArrayList<>(driven.keySet())) {
            reading.add(home);
            readHomes.add(home);
            readers.put(home, driven.get(home));   // its users are the ones that read
            collect(home);
        }
        if (reading.isEmpty()) finishFinalRead();
        return this;
    }

    private void finishFinalRead() {
        history.flush();
        finalReadTo.tell(new FinalReadDone(pool.name(), List.copyOf(readHomes), readUsers, readWrites));
        finalReadTo = null;
    }

    private Behavior<Command> onGathered(Gathered g) {
        Collector.Collected c = g.collected();
        if (reading.remove(c.home())) {
            Time now = clock.now();
            Workload w = readers.remove(c.home());
            for (int slot = 0; slot < w.slots(); slot++) {
                int user = w.user(slot);
                long[] ids = c.byUser().getOrDefault(user, Set.of()).stream().mapToLong(Long::longValue).sorted().toArray();
                readWrites += ids.length;
                readUsers++;
                history.record(new ClientOp(HistoryRecord.Type.OK, c.home() + "/u" + user, c.home(), "read", -1, ids, pool.name(),
                        null, -1, -1, null, false, now.emulatedMs(), now.emulatedMs(), now.wallMs()));
            }
            if (reading.isEmpty()) finishFinalRead();
        } else if (handoverTo != null && c.home().equals(pool.name())) {
            handoverTo.tell(new HandedOver(records(c)));
            handoverTo = null;
        } else if ("failback".equals(busy) && partnerSpec != null && c.home().equals(partnerSpec.name())) {
            partner.tell(new TakeBack(records(c), getContext().getSelf()));
        }
        return this;
    }

    private static List<WriteRecord> records(Collector.Collected c) {
        List<WriteRecord> out = new ArrayList<>();
        c.byUser().forEach((u, ids) -> ids.forEach(id -> out.add(new WriteRecord(id, u, c.home(), c.home(), 0))));
        return out;
    }

    // ------------------------------------------------------------------ Backup Service

    private Behavior<Command> onSyncTick() {
        Time now = clock.now();
        if (!inFlight.isEmpty()) {
            int pending = inFlight.values().stream().mapToInt(List::size).sum();
            bus.publishAll(half.shipOverdue(pending, now));
        }
        bus.publishAll(half.drainRefusals(now));
        if (half.hostingPartner()) saveRoles();   // the conference content made here so far
        autoFailoverIfDue(now);
        if (syncReading) return this;
        syncReading = true;
        syncStartedMs = now.emulatedMs();
        // what the pool acknowledged: its back end's writes, and those its replicas hold that are not flushed yet
        getContext().spawnAnonymous(Collector.create(site, pool.name(), false, false, supervisor, STORE_TIMEOUT,
                getContext().messageAdapter(Collector.Collected.class, SyncCollected::new)));
        return this;
    }

    private Behavior<Command> onSyncCollected(SyncCollected c) {
        syncReading = false;
        List<WriteRecord> delta = new ArrayList<>();
        for (WriteRecord w : records(c.collected())) if (!acknowledged.contains(w.id())) delta.add(w);
        long sync = nextSync++;
        inFlight.put(sync, delta.stream().map(WriteRecord::id).toList());
        // sent even when empty: the partner learns this half is there (the automatic policy listens for it)
        partner.tell(new Ship(sync, syncStartedMs, delta, getContext().getSelf()));
        return this;
    }

    private Behavior<Command> onShip(Ship s) {
        half.heard(clock.now().emulatedMs());
        if (s.writes().isEmpty()) {
            half.received(s.asOfMs());
            s.replyTo().tell(new ShipAck(s.sync(), s.asOfMs()));
            return this;
        }
        long id = nextWriteId++;
        receiving.put(id, new Receiving(s.replyTo(), s.sync(), s.asOfMs()));
        getContext().spawnAnonymous(StoreAccess.write(site, s.writes(), storeQuorum, id, STORE_TIMEOUT,
                getContext().messageAdapter(StoreAccess.Written.class, Written::new)));
        return this;
    }

    private Behavior<Command> onWritten(Written w) {
        StoreAccess.Written r = w.written();
        Receiving rx = receiving.remove(r.id());
        if (rx != null) {
            if (r.ok()) {
                half.received(rx.asOfMs());
                rx.replyTo().tell(new ShipAck(rx.sync(), rx.asOfMs()));
            }
            return this;
        }
        if (r.id() == hostWrite) {
            hostWrite = -1;
            host(true);
        } else if (r.id() == takeBackWrite) {
            takeBackWrite = -1;
            half.tookBack();
            saveRoles();
            startUsers(pool);
            bus.publish(new FailoverEvent.RunMarker(clock.now(), Where.pool(site, pool.name()), "users-back",
                    pool.name() + "'s users are served by " + pool.name() + " again (" + (r.ok() ? "their writes made at "
                            + half.partner() + " are stored here" : "the back end did not confirm every write") + ")"));
            if (takeBackFrom != null) takeBackFrom.tell(TookBack.INSTANCE);
            takeBackFrom = null;
        }
        return this;
    }

    private Behavior<Command> onShipAck(ShipAck a) {
        Time now = clock.now();
        half.heard(now.emulatedMs());
        for (var it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey() > a.sync()) break;
            if (e.getKey() == a.sync()) acknowledged.addAll(e.getValue());
            it.remove();
        }
        bus.publishAll(half.shipAcknowledged(a.asOfMs(), now));
        return this;
    }

    private void autoFailoverIfDue(Time now) {
        if (!settings.dr().autoFailover() || busy != null) return;
        if (!half.autoFailoverDue(now.emulatedMs(), settings.dr().autoFailoverAfterMs())) return;
        String why = "automatic policy: nothing heard from " + half.partner() + " for " + half.silentForMs(now.emulatedMs()) / 1000 + " s";
        ActorRef<Reply> ignore = getContext().getSystem().ignoreRef();
        if (siteServices == null) {
            getContext().getSelf().tell(new Failover(half.partner(), true, ignore));
            return;
        }
        // as in one JVM: the CMS first (if the partner hosts it), then the Edge next hops, then the users
        bus.publish(new FailoverEvent.RunMarker(now, Where.pool(partnerSpec.site(), partnerSpec.name()), "auto-failover", why + ": the CMS and Edge next hops first, then failover-pool " + half.partner()
                + " in disaster mode"));
        String home = half.partner();
        getContext().ask(Reply.class, siteServices, Duration.ofMillis(clock.toWallMs(settings.dr().cmsFailoverMs())).plusSeconds(20),
                r -> new io.poolpair.runtime.site.SiteServicesActor.AutoFailover(home, r),
                (r, ex) -> new Failover(home, true, ignore));
    }

    // ------------------------------------------------------------------ failover and failback

    /** A verb cannot start without a partner, or while another verb or the final read runs: refused, with why. */
    private boolean cannotStart(ActorRef<Reply> replyTo) {
        String why = half == null ? pool.name() + " has no partner pool"
                : busy != null || finalReadTo != null
                ? "a " + (busy != null ? busy : "final read") + " is already running at " + pool.name() : null;
        if (why != null) replyTo.tell(Reply.refused(why));
        return why != null;
    }

    /** The running verb is done: recorded in the history and answered. */
    private void finish(String message) {
        busy = null;
        if (adminVerb != null) admin(HistoryRecord.Type.OK, message);
        adminReply.tell(Reply.ok(message));
        adminReply = null;
    }

    private Behavior<Command> onFailover(Failover f) {
        Time now = clock.now();
        if (cannotStart(f.replyTo())) return this;
        adminVerb = "failover-pool";
        adminArgs = "{disaster=" + f.disaster() + ", pool=" + f.home() + "}";
        admin(HistoryRecord.Type.INVOKE, null);
        AdminResult r = half.checkFailover(f.home(), true, now);
        if (r != null) return refuse(r, f.replyTo());
        busy = "failover";
        adminReply = f.replyTo();
        disaster = f.disaster();
        if (siteServices == null) {
            askLocalState();
            return this;
        }
        // the pair's own state first, then the deployment's preconditions (CMS first, Edge next hop), as in one JVM
        String home = f.home();
        getContext().ask(io.poolpair.runtime.site.SiteServicesActor.PreconditionAnswer.class, siteServices, PEER_TIMEOUT,
                to -> new io.poolpair.runtime.site.SiteServicesActor.Precondition(home, to),
                (a, ex) -> new PreconditionChecked(a != null ? a.reason() : "the CMS and Edge routes of " + site
                        + " did not answer: the failover's preconditions cannot be checked"));
        return this;
    }

    private Behavior<Command> onPreconditionChecked(PreconditionChecked c) {
        if (!"failover".equals(busy)) return this;
        if (c.reason() != null) {
            busy = null;
            return refuse(half.refuseFailover(c.reason(), clock.now()), adminReply);
        }
        askLocalState();
        return this;
    }

    private void askLocalState() {
        askRunning(LocalState::new);
    }

    /** Asks this pool's supervisor whether the pool runs (no answer in time: it does not). */
    private void askRunning(java.util.function.Function<Boolean, Command> answer) {
        getContext().ask(PoolView.class, supervisor, Duration.ofSeconds(3), PoolProtocol.GetStatus::new,
                (v, ex) -> answer.apply(v != null && "running".equals(v.state())));
    }

    // ------------------------------------------------------------------ after a failover: LIS, Response Groups, content

    private Behavior<Command> onAfterFailover(AfterFailover a) {
        Time now = clock.now();
        String args = "{pool=" + a.home() + "}";
        String verb = a.verb().label();
        bus.publish(new FailoverEvent.AdminVerbStarted(now, Where.pool(partnerSpec == null ? site : partnerSpec.site(), a.home()), verb,
                "pool=" + a.home()));
        history.admin(HistoryRecord.Type.INVOKE, verb, args, null, now);
        if (half == null) {
            return afterFailoverDone(a, AdminResult.refused(new FailoverEvent.AdminVerbRefused(now, Where.pool(site, pool.name()), verb,
                    pool.name() + " has no partner pool")));
        }
        switch (a.verb()) {
            case RESTORE_LIS -> afterFailoverDone(a, half.restoreLis(a.home(), now));
            case IMPORT_RESPONSE_GROUPS -> afterFailoverDone(a, half.importResponseGroups(a.home(), now));
            // this pool first, then the home pool's half: both must run
            case SYNC_CONFERENCE_CONTENT -> askRunning(here -> new ContentSync(a, here, null));
            default -> afterFailoverDone(a, AdminResult.refused(new FailoverEvent.AdminVerbRefused(now, Where.pool(site, pool.name()),
                    verb, verb + " is not run by a pool pair's half")));
        }
        return this;
    }

    private Behavior<Command> onContentSync(ContentSync c) {
        if (c.here() && c.there() == null) {
            getContext().ask(Running.class, partner, PEER_TIMEOUT, r -> new IsRunning(r.unsafeUpcast()),
                    (r, ex) -> new ContentSync(c.verb(), true, r != null && r.running()));
            return this;
        }
        boolean both = c.here() && Boolean.TRUE.equals(c.there());
        return afterFailoverDone(c.verb(), half.syncConferenceContent(c.verb().home(), both, clock.now()));
    }

    private Behavior<Command> afterFailoverDone(AfterFailover a, AdminResult r) {
        Time now = clock.now();
        bus.publishAll(r.events());
        if (r.refused()) {
            history.admin(HistoryRecord.Type.FAIL, a.verb().label(), "{pool=" + a.home() + "}", r.message(), now);
            a.replyTo().tell(Reply.refused(r.message()));
            return this;
        }
        saveRoles();
        bus.publish(new FailoverEvent.AdminVerbFinished(now, Where.pool(site, pool.name()), a.verb().label(), r.message()));
        history.admin(HistoryRecord.Type.OK, a.verb().label(), "{pool=" + a.home() + "}", r.message(), now);
        a.replyTo().tell(Reply.ok(r.message()));
        return this;
    }

    private Behavior<Command> onLocalState(LocalState s) {
        Time now = clock.now();
        if (!"failover".equals(busy)) return this;
        AdminResult r = half.checkFailover(half.partner(), s.running(), now);
        if (r != null) {
            busy = null;
            return refuse(r, adminReply);
        }
        partner.tell(new Handover(getContext().getSelf()));
        timers.startSingleTimer("peer", PeerTimeout.INSTANCE, PEER_TIMEOUT);
        return this;
    }

    private Behavior<Command> onHandover(Handover h) {
        half.heard(clock.now().emulatedMs());
        if (!half.usersHere()) {
            h.replyTo().tell(new HandedOver(List.of()));
            return this;
        }
        half.handedOver();
        saveRoles();
        handoverTo = h.replyTo();
        bus.publish(new FailoverEvent.RunMarker(clock.now(), Where.pool(site, pool.name()), "users-handed-over",
                pool.name() + " stops its users and hands their data to " + half.partner() + " (planned failover)"));
        collect(pool.name());
        return this;
    }

    private Behavior<Command> onHandedOver(HandedOver h) {
        half.heard(clock.now().emulatedMs());
        if (!"failover".equals(busy)) {
            // late, after a disaster failover went ahead: keep what it sent anyway
            if (!h.writes().isEmpty()) getContext().spawnAnonymous(StoreAccess.write(site, h.writes(), storeQuorum, nextWriteId++,
                    STORE_TIMEOUT, getContext().getSystem().ignoreRef()));
            return this;
        }
        timers.cancel("peer");
        hostWrite = nextWriteId++;
        getContext().spawnAnonymous(StoreAccess.write(site, h.writes(), storeQuorum, hostWrite, STORE_TIMEOUT,
                getContext().messageAdapter(StoreAccess.Written.class, Written::new)));
        return this;
    }

    /** The partner's users are served here from now on. */
    private void host(boolean planned) {
        Time now = clock.now();
        AdminResult r = half.failedOver(planned, now);
        saveRoles();
        for (LossWindow lw : half.drainLossWindows()) recordWindow(lw, now);
        bus.publishAll(r.events());
        bus.publish(new FailoverEvent.AdminVerbFinished(now, Where.pool(partnerSpec.site(), partnerSpec.name()), "failover-pool",
                r.message()));
        startUsers(partnerSpec);
        finish(r.message());
    }

    private Behavior<Command> onFailback(Failback f) {
        Time now = clock.now();
        if (cannotStart(f.replyTo())) return this;
        adminVerb = "failback-pool";
        adminArgs = "{pool=" + f.home() + "}";
        admin(HistoryRecord.Type.INVOKE, null);
        AdminResult r = half.checkFailback(f.home(), now);
        if (r != null) return refuse(r, f.replyTo());
        busy = "failback";
        adminReply = f.replyTo();
        bus.publish(new FailoverEvent.AdminVerbStarted(now, Where.pool(partnerSpec.site(), partnerSpec.name()), "failback-pool",
                "pool=" + f.home()));
        collect(partnerSpec.name());
        timers.startSingleTimer("peer", PeerTimeout.INSTANCE, PEER_TIMEOUT.multipliedBy(2));
        return this;
    }

    private Behavior<Command> onTakeBack(TakeBack t) {
        half.heard(clock.now().emulatedMs());
        takeBackFrom = t.replyTo();
        takeBackWrite = nextWriteId++;
        getContext().spawnAnonymous(StoreAccess.write(site, t.writes(), storeQuorum, takeBackWrite, STORE_TIMEOUT,
                getContext().messageAdapter(StoreAccess.Written.class, Written::new)));
        return this;
    }

    private Behavior<Command> onTookBack() {
        if (!"failback".equals(busy)) return this;
        timers.cancel("peer");
        Time now = clock.now();
        AdminResult r = half.failedBack(now);
        saveRoles();
        bus.publishAll(r.events());
        bus.publish(new FailoverEvent.AdminVerbFinished(now, Where.pool(partnerSpec.site(), partnerSpec.name()), "failback-pool",
                r.message()));
        finish(r.message());
        return this;
    }

    private Behavior<Command> onPeerTimeout() {
        Time now = clock.now();
        if ("failover".equals(busy)) {
            AdminResult r = half.partnerSilent("failover-pool", disaster, now);
            if (r != null) {
                busy = null;
                return refuse(r, adminReply);
            }
            host(false);
        } else if ("failback".equals(busy)) {
            // the partner did not take them: its users stay here
            startUsers(partnerSpec);
            busy = null;
            refuse(half.partnerSilent("failback-pool", false, now), adminReply);
        }
        return this;
    }

    private Behavior<Command> refuse(AdminResult r, ActorRef<Reply> replyTo) {
        bus.publishAll(r.events());
        if (adminVerb != null) admin(HistoryRecord.Type.FAIL, r.message());
        replyTo.tell(Reply.refused(r.message()));
        return this;
    }

    /** The admin's verb in the history, as one JVM records it (the outage checker times procedures from it). */
    private void admin(HistoryRecord.Type type, String detail) {
        history.admin(type, adminVerb, adminArgs, detail, clock.now());
        if (type != HistoryRecord.Type.INVOKE) adminVerb = null;
    }

    private Behavior<Command> onGetPair(GetPair g) {
        long now = clock.now().emulatedMs();
        if (half == null) {
            g.replyTo().tell(new PairStatus(pool.name(), null, "Active", true, false, null, 0, 0, -1, -1));
            return this;
        }
        int pending = inFlight.values().stream().mapToInt(List::size).sum();
        g.replyTo().tell(new PairStatus(pool.name(), half.partner(), half.poolState(), half.usersHere(), half.hostingPartner(),
                half.backlog() ? "backlog" : "steady", half.shippedAsOfMs() < 0 ? 0 : now - half.shippedAsOfMs(), pending,
                half.shippedAsOfMs(), half.receivedAsOfMs()));
        return this;
    }
}
