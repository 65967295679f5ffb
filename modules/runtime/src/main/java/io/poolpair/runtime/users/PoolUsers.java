package io.poolpair.runtime.users;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.workload.Workload;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.HistoryLog;
import io.poolpair.runtime.pool.BackEndStore;
import io.poolpair.runtime.pool.PoolProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multi-node runs: the emulated users of one Front End pool (the same workload as in one JVM: a Poisson process
 * per user over the operation mix, retrying after a failure), each operation sent to the pool, whose routing
 * group's primary serves it on its node. Every operation goes to the history of the node this actor runs on (a
 * cluster singleton of the pool's site: when its node dies, the users start again on another, as clients that
 * reconnect). At the end of a run, {@link FinalRead} records what the deployment holds for each user: the site's
 * back-end store replicas plus the writes the pool's replicas hold that are not flushed yet.
 */
public final class PoolUsers extends AbstractBehavior<PoolUsers.Command> {

    public sealed interface Command extends io.poolpair.runtime.CborSerializable {}

    /** Stop the users, wait for what is in flight, record each user's final read; replies with the users read. */
    public record FinalRead(ActorRef<FinalReadDone> replyTo) implements Command {}

    public record FinalReadDone(String pool, int users, int writes) implements io.poolpair.runtime.CborSerializable {}

    enum Step implements Command { INSTANCE }

    record Answered(PoolProtocol.OpsDone done) implements Command {}

    record StoresFound(Receptionist.Listing listing) implements Command {}

    record StoreRead(BackEndStore.Contents contents) implements Command {}

    record UnflushedRead(PoolProtocol.Unflushed unflushed) implements Command {}

    enum ReadTimeout implements Command { INSTANCE }

    /** Emulated: how often the workload looks for users whose next operation is due. */
    private static final long STEP_MS = 500;

    private final PoolSpec pool;
    private final String site;
    private final EmulationClock clock;
    private final HistoryLog history;
    private final ActorRef<PoolProtocol.Command> supervisor;
    private final Workload workload;
    private final ActorRef<PoolProtocol.OpsDone> answers;
    private final TimerScheduler<Command> timers;
    /** Write ids: unique across the incarnations of this actor (a node's death starts it again elsewhere). */
    private final long idBase;
    private long nextWrite;
    private boolean stopped;
    private ActorRef<FinalReadDone> finalReadTo;
    private boolean drained;
    private int storesPending = -1;
    private boolean unflushedIn;
    private final Map<Integer, TreeSet<Long>> read = new TreeMap<>();

    public static Behavior<Command> create(PoolSpec pool, EmulatorSettings settings, EmulationClock clock, HistoryLog history,
                                           ActorRef<PoolProtocol.Command> supervisor, long seed) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new PoolUsers(ctx, t, pool, settings, clock, history, supervisor, seed)));
    }

    private PoolUsers(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec pool, EmulatorSettings settings,
                      EmulationClock clock, HistoryLog history, ActorRef<PoolProtocol.Command> supervisor, long seed) {
        super(ctx);
        this.pool = pool;
        this.site = pool.site();
        this.clock = clock;
        this.history = history;
        this.supervisor = supervisor;
        this.timers = timers;
        long wall = System.currentTimeMillis();
        // seconds since 2026-01-01 times a million: ids stay below 2^53 (exact in JSON) for decades
        this.idBase = Math.max(1, (wall - 1_767_225_600_000L) / 1000) * 1_000_000L;
        this.workload = new Workload(pool.users(), settings.workload(), new SplittableRandom(seed ^ wall), clock.now().emulatedMs());
        this.answers = ctx.messageAdapter(PoolProtocol.OpsDone.class, Answered::new);
        if (settings.workload().enabled()) {
            timers.startTimerAtFixedRate("step", Step.INSTANCE, Duration.ofMillis(Math.max(1, clock.toWallMs(STEP_MS))));
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessageEquals(Step.INSTANCE, this::onStep)
                .onMessage(Answered.class, this::onAnswered)
                .onMessage(FinalRead.class, this::onFinalRead)
                .onMessage(StoresFound.class, this::onStoresFound)
                .onMessage(StoreRead.class, this::onStoreRead)
                .onMessage(UnflushedRead.class, this::onUnflushed)
                .onMessageEquals(ReadTimeout.INSTANCE, () -> {
                    if (finalReadTo != null) finish();
                    return this;
                })
                .build();
    }

    private String userId(int user) {
        return pool.name() + "/u" + user;
    }

    private Behavior<Command> onStep() {
        if (stopped) return this;
        Time now = clock.now();
        List<Workload.Planned> due = workload.due(now.emulatedMs());
        if (due.isEmpty()) return this;
        List<PoolProtocol.OpRequest> batch = new ArrayList<>();
        for (Workload.Planned p : due) {
            long write = p.op().persistentWrite() ? idBase + nextWrite++ : -1;
            history.record(ClientOp.invoke(userId(p.user()), pool.name(), p.op().label(), write, now.emulatedMs(), now.wallMs()));
            batch.add(new PoolProtocol.OpRequest(p.slot(), p.user(), p.op(), write));
        }
        // on disk before the operations leave: a node killed a moment later must not leave writes nobody invoked
        history.flush();
        supervisor.tell(new PoolProtocol.UserOps(pool.name(), false, batch, answers));
        return this;
    }

    private Behavior<Command> onAnswered(Answered m) {
        Time now = clock.now();
        PoolProtocol.OpsDone d = m.done();
        for (io.poolpair.model.history.LossWindow lw : d.lossWindows()) {
            history.record(new HistoryRecord.ModelFact("loss-window", lw.pool(), lw.home(), lw.group(), lw.fromMs(), lw.kind(),
                    Math.max(lw.toMs(), now.emulatedMs()), now.wallMs()));
        }
        for (int k = 0; k < d.ops().size(); k++) {
            PoolProtocol.OpRequest req = d.ops().get(k);
            FrontEndPool.WriteResult r = d.results().get(k);
            HistoryRecord.Type type = r.acknowledged() ? HistoryRecord.Type.OK
                    : r.timedOut() ? HistoryRecord.Type.INFO : HistoryRecord.Type.FAIL;
            history.record(new ClientOp(type, userId(req.user()), pool.name(), req.op().label(), req.write(), null, d.pool(),
                    r.server(), d.groups().get(k), r.epoch(), r.acknowledged() ? null : r.refusal(), false,
                    d.servedAt().emulatedMs(), now.emulatedMs(), now.wallMs()));
            workload.completed(req.slot(), r.acknowledged() || r.server() != null, now.emulatedMs());
        }
        history.flush();
        if (d.ops().isEmpty() && finalReadTo != null && !drained) {
            drained = true;
            readData();
        }
        return this;
    }

    private Behavior<Command> onFinalRead(FinalRead m) {
        if (finalReadTo != null) return this;
        stopped = true;
        timers.cancel("step");
        finalReadTo = m.replyTo();
        // an empty batch is answered after everything sent before it: the users' operations in flight are done
        supervisor.tell(new PoolProtocol.UserOps(pool.name(), false, List.of(), answers));
        timers.startSingleTimer("read-timeout", ReadTimeout.INSTANCE, Duration.ofSeconds(10));
        return this;
    }

    private void readData() {
        getContext().getSystem().receptionist().tell(Receptionist.find(BackEndStore.key(site),
                getContext().messageAdapter(Receptionist.Listing.class, StoresFound::new)));
        supervisor.tell(new PoolProtocol.GetUnflushed(pool.name(),
                getContext().messageAdapter(PoolProtocol.Unflushed.class, UnflushedRead::new)));
    }

    private Behavior<Command> onStoresFound(StoresFound f) {
        var stores = f.listing().getServiceInstances(BackEndStore.key(site));
        storesPending = stores.size();
        ActorRef<BackEndStore.Contents> to = getContext().messageAdapter(BackEndStore.Contents.class, StoreRead::new);
        for (ActorRef<BackEndStore.Command> s : stores) s.tell(new BackEndStore.Read(pool.name(), to));
        maybeFinish();
        return this;
    }

    private Behavior<Command> onStoreRead(StoreRead r) {
        r.contents().byUser().forEach((u, ids) -> read.computeIfAbsent(u, x -> new TreeSet<>()).addAll(ids));
        storesPending--;
        maybeFinish();
        return this;
    }

    private Behavior<Command> onUnflushed(UnflushedRead u) {
        u.unflushed().byUser().forEach((user, ids) -> read.computeIfAbsent(user, x -> new TreeSet<>()).addAll(ids));
        unflushedIn = true;
        maybeFinish();
        return this;
    }

    private void maybeFinish() {
        if (finalReadTo != null && storesPending == 0 && unflushedIn) finish();
    }

    private void finish() {
        timers.cancel("read-timeout");
        Time now = clock.now();
        int writes = 0;
        for (int slot = 0; slot < workload.slots(); slot++) {
            int user = workload.user(slot);
            long[] ids = read.getOrDefault(user, new TreeSet<>()).stream().mapToLong(Long::longValue).toArray();
            writes += ids.length;
            history.record(new ClientOp(HistoryRecord.Type.OK, userId(user), pool.name(), "read", -1, ids, pool.name(), null, -1,
                    -1, null, false, now.emulatedMs(), now.emulatedMs(), now.wallMs()));
        }
        history.flush();
        finalReadTo.tell(new FinalReadDone(pool.name(), workload.slots(), writes));
        finalReadTo = null;
    }
}
