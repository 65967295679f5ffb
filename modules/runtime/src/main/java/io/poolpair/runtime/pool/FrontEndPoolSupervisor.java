package io.poolpair.runtime.pool;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbFinished;
import io.poolpair.model.event.FailoverEvent.PrimarySteppedDown;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.frontend.GroupState;
import io.poolpair.model.frontend.PoolState;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.model.frontend.ServerStatus;
import io.poolpair.model.pool.SpreadPool;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ProductVersion;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Command;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.server.FrontEndServer;
import io.poolpair.runtime.server.ServerCommand;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Supervisor of a Front End pool: runs {@link FrontEndPool} live. Missed heartbeats and terminations become
 * {@code serverDown}, heartbeats {@code serverUp}; placement work runs when the model says it is due; the
 * back end is flushed lazily; servers are told their primaries after every change. A collocated Mediation
 * (calls on every Front End) follows the Front Ends that serve.
 */
public final class FrontEndPoolSupervisor extends PoolSupervisor {

    private final FrontEndPool model;
    private final ActorRef<BackEndActor.Command> backEnd;
    private boolean backEndAvailable = true;
    private final io.poolpair.model.dr.FileStore fileStore;
    private final SpreadPool mediation;
    private final Map<String, Boolean> mediationUp = new HashMap<>();
    private long scheduledPlacementMs = -1;

    // ---------------------------------------------------------------- multi-node runs only
    /** A new supervisor waits for its servers' reports before it runs the pool. */
    private boolean gathering;
    private final Map<String, List<FrontEndPool.HeldReplica>> reports = new LinkedHashMap<>();
    /** Users' operations waiting for their primaries, by batch. */
    private final Map<Long, Batch> batches = new HashMap<>();
    private long nextBatch;
    /** The groups each up server was last told it holds (a newly held group comes with its writes). */
    private final Map<String, java.util.Set<Integer>> lastHeld = new HashMap<>();
    private java.util.Set<ActorRef<BackEndStore.Command>> stores = java.util.Set.of();
    private Flush flush;
    private long nextFlush;
    /** Empty batches (a drain before a final read), each waiting for the batches that were in flight when it came. */
    private final List<Map.Entry<PoolProtocol.UserOps, java.util.Set<Long>>> drains = new ArrayList<>();

    private static final class Batch {
        final PoolProtocol.UserOps ops;
        final FrontEndPool.WriteResult[] results;
        final int[] groups;
        final io.poolpair.model.dr.WriteRecord[] writes;
        /** Whether the users have the answer to each operation (each is answered as soon as its primary answers). */
        final boolean[] sent;
        int outstanding;

        Batch(PoolProtocol.UserOps ops) {
            this.ops = ops;
            this.results = new FrontEndPool.WriteResult[ops.ops().size()];
            this.groups = new int[ops.ops().size()];
            this.writes = new io.poolpair.model.dr.WriteRecord[ops.ops().size()];
            this.sent = new boolean[ops.ops().size()];
        }
    }

    private record Flush(long id, Map<Integer, List<Long>> ids, int[] acks) {}

    public static Behavior<Command> create(PoolSpec spec, ProductVersion version, EmulatorSettings settings,
                                           EmulationClock clock, EventBus bus,
                                           ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian) {
        return create(spec, version, settings, clock, bus, guardian, null);
    }

    /** @param remote multi-node runs: the servers run on their nodes, the data on them and the site's stores */
    public static Behavior<Command> create(PoolSpec spec, ProductVersion version, EmulatorSettings settings,
                                           EmulationClock clock, EventBus bus,
                                           ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian,
                                           Remote remote) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new FrontEndPoolSupervisor(ctx, t, spec, version, settings,
                clock, bus, guardian, remote)));
    }

    private FrontEndPoolSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec,
                                   ProductVersion version, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                                   ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian, Remote remote) {
        super(ctx, timers, spec, settings, clock, bus, guardian, remote);
        this.backEnd = ctx.spawn(BackEndActor.create(spec, settings.dr().backEndAutoFailoverMs(), clock, ctx.getSelf()), "back-end");
        this.fileStore = spec.fileStore() == null ? null : new io.poolpair.model.dr.FileStore(spec.fileStore(), spec.name(),
                spec.site(), settings.dfsReplicationIntervalMs(), clock.now().emulatedMs());
        if (fileStore != null) {
            timers.startTimerAtFixedRate("dfs", PoolProtocol.DfsTick.INSTANCE, wallDelay(settings.dfsReplicationIntervalMs()));
        }
        this.model = new FrontEndPool(spec.name(), spec.site(), spec.serverNames(), spec.users(), spec.routingGroups(),
                version, settings.frontEnd());
        if (spec.collocatedMediation() && spec.calls() > 0) {
            List<String> sites = spec.servers().stream().map(spec::siteOf).toList();
            this.mediation = new SpreadPool(spec.name(), spec.site(), "collocated Mediation", spec.serverNames(), sites,
                    Collections.nCopies(spec.servers().size(), true), "calls", spec.calls(),
                    version.collocatedMediationCallsPerFrontEnd(), SpreadPool.OnLoss.DROP);
        } else {
            this.mediation = null;
        }
        long flushWall = clock.toWallMs(settings.backendFlushIntervalMs());
        timers.startTimerAtFixedRate("flush", PoolProtocol.FlushBackEnd.INSTANCE, Duration.ofMillis(flushWall));
        if (remote != null) {
            model.placeAcrossDomains(remote.nodeOf());
            gathering = true;
            timers.startSingleTimer("gather", PoolProtocol.GatherDone.INSTANCE, remote.gather());
            ActorRef<org.apache.pekko.actor.typed.receptionist.Receptionist.Listing> listing = ctx.messageAdapter(
                    org.apache.pekko.actor.typed.receptionist.Receptionist.Listing.class,
                    l -> new PoolProtocol.StoresListed(l.getServiceInstances(BackEndStore.key(remote.site()))));
            ctx.getSystem().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(
                    BackEndStore.key(remote.site()), listing));
        }
        spawnAll();
    }

    @Override
    public Receive<Command> createReceive() {
        return common()
                .onMessageEquals(PoolProtocol.PlacementDue.INSTANCE, this::onPlacementDue)
                .onMessageEquals(PoolProtocol.FlushBackEnd.INSTANCE, this::onFlush)
                .onMessage(PoolProtocol.RunAdmin.class, this::onAdmin)
                .onMessage(PoolProtocol.GetStatus.class, this::onStatus)
                .onMessage(PoolProtocol.Write.class, this::onWrite)
                .onMessage(PoolProtocol.BackEndFault.class, this::onBackEndFault)
                .onMessage(PoolProtocol.UserOps.class, this::onUserOps)
                .onMessage(PoolProtocol.FileServerFault.class, this::onFileServerFault)
                .onMessageEquals(PoolProtocol.DfsTick.INSTANCE, () -> {
                    if (fileStore != null) fileStore.tick(clock.now());
                    return this;
                })
                .onMessage(PoolProtocol.BackEndStatus.class, this::onBackEndStatus)
                .onMessageEquals(PoolProtocol.TwoFrontEndBackEndLoss.INSTANCE, () -> {
                    if (!backEndAvailable) {
                        publish(model.backEndLostTwoFrontEnds(clock.now()));
                        afterChange(clock.now());
                    }
                    return this;
                })
                .onMessage(PoolProtocol.ExtraLoad.class, x -> this)
                .onMessage(PoolProtocol.ServerReport.class, this::onReport)
                .onMessageEquals(PoolProtocol.GatherDone.INSTANCE, () -> {
                    if (gathering) finishGather();
                    return this;
                })
                .onMessage(PoolProtocol.Served.class, this::onServed)
                .onMessage(PoolProtocol.BatchTimeout.class, this::onBatchTimeout)
                .onMessage(PoolProtocol.StoresListed.class, m -> {
                    stores = m.stores();
                    return this;
                })
                .onMessage(PoolProtocol.StoreAck.class, this::onStoreAck)
                .onMessage(PoolProtocol.FlushTimeout.class, m -> {
                    if (flush != null && flush.id() == m.flush()) flush = null; // tried again at the next interval
                    return this;
                })
                .onMessage(PoolProtocol.GetUnflushed.class, this::onGetUnflushed)
                .build();
    }

    @Override
    protected void onRegistered(String server, ActorRef<ServerCommand> ref) {
        ref.tell(new ServerCommand.Report(getContext().getSelf()));
    }

    @Override
    protected boolean acceptingHeartbeats() { return !gathering; }

    private Behavior<Command> onReport(PoolProtocol.ServerReport r) {
        if (gathering) {
            reports.put(r.server(), r.held());
            if (reports.keySet().containsAll(spec.serverNames())) finishGather();
        } else if (!r.held().isEmpty()) {
            model.adoptWrites(r.held()); // a server heard from late: what it holds is not forgotten
        }
        return this;
    }

    /** The new supervisor has heard from its servers (or waited long enough): the pool runs from what they hold. */
    private void finishGather() {
        gathering = false;
        timers.cancel("gather");
        Time now = clock.now();
        publish(model.rebuild(reports, now));
        reports.clear();
        afterChange(now);
    }

    @Override
    protected Behavior<ServerCommand> serverBehavior(String server, int incarnation) {
        return FrontEndServer.create(server, incarnation, getContext().getSelf(), wallHeartbeat);
    }

    @Override
    protected List<FailoverEvent> modelServerUp(String server, Time now) {
        return model.serverUp(server, now);
    }

    @Override
    protected List<FailoverEvent> modelServerDown(String server, String detectedBy, Time now) {
        lastHeld.remove(server); // when it returns, it catches up on every group it holds
        return model.serverDown(server, detectedBy, now);
    }

    @Override
    protected boolean modelSeesUp(String server) {
        return model.status(server) != ServerStatus.DOWN;
    }

    @Override
    protected boolean poolServing() {
        return model.state() == PoolState.RUNNING;
    }

    private Behavior<Command> onUserOps(PoolProtocol.UserOps w) {
        if (remote != null) return onUserOpsRemote(w);
        Time now = clock.now();
        List<FrontEndPool.WriteResult> results = new ArrayList<>(w.ops().size());
        List<Integer> groups = new ArrayList<>(w.ops().size());
        for (PoolProtocol.OpRequest op : w.ops()) {
            int group = w.failedOver() ? op.user() % model.routingGroupCount() : model.groupOfUser(op.user());
            io.poolpair.model.dr.WriteRecord write = op.write() < 0 ? null
                    : new io.poolpair.model.dr.WriteRecord(op.write(), op.user(), w.homePool(), spec.name(), now.emulatedMs());
            String primary = model.primaryOf(group).orElse(null);
            FrontEndPool.WriteResult r;
            if (primary != null && "hung".equals(faults.get(primary))) {
                // a frozen primary answers nothing until the pool declares it down and promotes a secondary:
                // the client times out (and the write is not applied)
                r = FrontEndPool.WriteResult.noAnswer(primary);
            } else {
                r = model.serve(group, op.op().persistentWrite(), write);
            }
            results.add(r);
            groups.add(group);
            if (r.acknowledged() && fileStore != null && op.op() == io.poolpair.model.dr.Operation.SCHEDULE_MEETING) {
                fileStore.write(now); // the meeting's content (slides) goes to the file store
            }
        }
        w.replyTo().tell(new PoolProtocol.OpsDone(spec.name(), w.homePool(), w.ops(), results, groups, now,
                model.drainLossWindows()));
        return this;
    }

    private Behavior<Command> onFileServerFault(PoolProtocol.FileServerFault f) {
        if (fileStore == null) {
            f.replyTo().tell(Reply.refused("pool " + spec.name() + " has no file store in the topology"));
            return this;
        }
        Time now = clock.now();
        String what = "file server " + f.server() + " of " + fileStore.name();
        publish(f.fail() ? new FailoverEvent.FaultInjected(now, Where.pool(spec.site(), spec.name()), what)
                : new FailoverEvent.FaultHealed(now, Where.pool(spec.site(), spec.name()), what));
        publish(fileStore.serverUp(f.server(), !f.fail(), now));
        f.replyTo().tell(Reply.ok((f.fail() ? "failed " : "healed ") + what + "; active file server "
                + fileStore.activeServer() + (fileStore.available() ? "" : " (down)")));
        return this;
    }

    private Behavior<Command> onBackEndFault(PoolProtocol.BackEndFault f) {
        backEnd.tell(new BackEndActor.Fault(f.component(), f.fail(), f.replyTo()));
        return this;
    }

    /** The back end changed: witness rule (§2.3), 2-FE rule (§2.4), users' threshold (via the pair). */
    private Behavior<Command> onBackEndStatus(PoolProtocol.BackEndStatus st) {
        Time now = clock.now();
        publish(st.events());
        publish(model.setSqlWitness(st.sqlWitness(), now));
        if (st.available() != backEndAvailable) {
            backEndAvailable = st.available();
            if (guardian != null) guardian.tell(new io.poolpair.runtime.deploy.DeploymentGuardian.BackEndAvailable(spec.name(), backEndAvailable));
            if (!backEndAvailable && spec.servers().size() == 2) {
                timers.startSingleTimer("two-fe-loss", PoolProtocol.TwoFrontEndBackEndLoss.INSTANCE,
                        wallDelay(settings.dr().twoFrontEndBackEndLossMs()));
            }
        }
        afterChange(now);
        return this;
    }

    @Override
    protected void afterChange(Time now) {
        reportServing();
        syncMediation(now);
        for (String s : children.keySet()) confirm(s);
        OptionalLong due = model.placementDue();
        if (due.isPresent() && due.getAsLong() != scheduledPlacementMs) {
            scheduledPlacementMs = due.getAsLong();
            timers.startSingleTimer("placement", PoolProtocol.PlacementDue.INSTANCE, wallDelay(due.getAsLong() - now.emulatedMs()));
        }
    }

    @Override
    protected void confirm(String server) {
        ActorRef<ServerCommand> ref = children.get(server);
        if (ref == null) return;
        if (remote != null) {
            confirmRemote(server, ref);
            return;
        }
        Map<Integer, Long> primaries = new HashMap<>();
        int secondaries = 0;
        if (model.isServing(server)) {
            for (RoutingGroupView g : model.groups()) {
                if (server.equals(g.primary()) && g.serving()) primaries.put(g.id(), g.epoch());
                else if (g.live().contains(server)) secondaries++;
            }
        }
        ref.tell(new ServerCommand.Assign(primaries, secondaries, model.usersPerServer().getOrDefault(server, 0)));
    }

    private void syncMediation(Time now) {
        if (mediation == null) return;
        Map<String, Boolean> changes = new LinkedHashMap<>();
        for (String s : spec.serverNames()) {
            boolean serving = model.isServing(s);
            if (mediationUp.getOrDefault(s, false) != serving) {
                mediationUp.put(s, serving);
                changes.put(s, serving);
            }
        }
        if (!changes.isEmpty()) publish(mediation.setUp(changes, now, null));
    }

    private Behavior<Command> onPlacementDue() {
        Time now = clock.now();
        scheduledPlacementMs = -1;
        publish(model.placementTick(now));
        afterChange(now);
        return this;
    }

    private Behavior<Command> onFlush() {
        if (remote != null) {
            if (backEndAvailable) flushRemote();
            return this;
        }
        if (backEndAvailable) model.flushToBackEnd(clock.now());
        return this;
    }

    private Behavior<Command> onWrite(PoolProtocol.Write w) {
        var primary = model.primaryOf(w.group());
        long epoch = model.epochOf(w.group());
        if (primary.isEmpty() || !primary.get().equals(w.server()) || epoch != w.epoch()) {
            Time now = clock.now();
            publish(new PrimarySteppedDown(now, Where.groupOnServer(siteOf(w.server()), spec.name(), w.server(), w.group()),
                    w.epoch(), epoch, primary.orElse(null)));
            w.replyTo().tell(new PoolProtocol.WriteReply(false, w.server(), w.epoch(),
                    "stale primary: epoch " + w.epoch() + " < " + epoch + "; " + w.server() + " steps down"));
            confirm(w.server());
            return this;
        }
        FrontEndPool.WriteResult r = model.write(w.group());
        w.replyTo().tell(new PoolProtocol.WriteReply(r.acknowledged(), r.server(), r.epoch(), r.refusal()));
        return this;
    }

    private Behavior<Command> onAdmin(PoolProtocol.RunAdmin a) {
        Time now = clock.now();
        String server = a.args().get("server");
        if (server != null && !model.hasServer(server)) {
            a.replyTo().tell(Reply.refused("no server " + server + " in pool " + spec.name()));
            return this;
        }
        boolean force = Boolean.parseBoolean(a.args().getOrDefault("force", "false"));
        AdminResult r;
        switch (a.verb()) {
            case SERVICE_RESET -> r = model.serviceReset(now);
            case QUORUM_LOSS_RECOVERY -> r = backEndAvailable ? model.quorumLossRecovery(now)
                    : AdminResult.refused(new FailoverEvent.AdminVerbRefused(now, Where.pool(spec.site(), spec.name()),
                    a.verb().label(), "the back end of " + spec.name() + " is unavailable: there is nothing to reload from"));
            case DRAIN_SERVER -> r = model.drain(server, force, now);
            case RETURN_SERVER -> r = faults.containsKey(server)
                    ? AdminResult.refused(new FailoverEvent.AdminVerbRefused(now, Where.pool(spec.site(), spec.name()),
                    a.verb().label(), server + " is " + faults.get(server) + ": heal it before returning it to service"))
                    : model.returnServer(server, now);
            case DATABASE_FAILOVER -> {
                backEnd.tell(new BackEndActor.ManualFailover(force, a.replyTo()));
                return this;
            }
            default -> {
                a.replyTo().tell(Reply.refused(a.verb().label() + " is not a Front End pool verb"));
                return this;
            }
        }
        publish(r.events());
        if (!r.refused()) {
            publish(new AdminVerbFinished(clock.now(), Where.pool(spec.site(), spec.name()), a.verb().label(), r.message()));
        }
        afterChange(now);
        a.replyTo().tell(r.refused() ? Reply.refused(r.message()) : Reply.ok(r.message()));
        return this;
    }

    // ---------------------------------------------------------------- multi-node runs

    /**
     * Tells an up server its roles: the groups it holds (with their epochs), those it is primary of with the
     * replicas that must hold each write, and, for a group it did not hold when last told, the group's writes not
     * yet in the back end (a rebuilt replica, or one back from a failure, catches up from the pool).
     */
    private void confirmRemote(String server, ActorRef<ServerCommand> ref) {
        if (gathering || model.status(server) != ServerStatus.UP) return; // a down server is told when it returns
        Map<Integer, Long> held = new HashMap<>();
        Map<Integer, Long> primaries = new HashMap<>();
        Map<Integer, List<ActorRef<ServerCommand>>> peers = new HashMap<>();
        Map<Integer, List<io.poolpair.model.dr.WriteRecord>> seed = new HashMap<>();
        java.util.Set<Integer> before = lastHeld.getOrDefault(server, java.util.Set.of());
        int secondaries = 0;
        for (RoutingGroupView g : model.groups()) {
            if (!g.replicas().contains(server)) continue;
            held.put(g.id(), g.epoch());
            if (!before.contains(g.id())) {
                List<io.poolpair.model.dr.WriteRecord> w = model.unflushed(g.id());
                if (!w.isEmpty()) seed.put(g.id(), w);
            }
            if (server.equals(g.primary()) && g.serving() && model.isServing(server)) {
                primaries.put(g.id(), g.epoch());
                List<ActorRef<ServerCommand>> p = new ArrayList<>();
                for (String r : g.live()) {
                    if (r.equals(server)) continue;
                    ActorRef<ServerCommand> pr = children.get(r);
                    if (pr != null) p.add(pr);
                }
                peers.put(g.id(), p);
            } else if (g.live().contains(server)) {
                secondaries++;
            }
        }
        lastHeld.put(server, held.keySet());
        ref.tell(new ServerCommand.Assign(primaries, secondaries, model.usersPerServer().getOrDefault(server, 0), held,
                peers, seed));
    }

    /**
     * Users' operations in a multi-node run: the model says whether each may be served (group served, quorum for a
     * write); the group's primary, on its node, then serves it, a write once a majority of the group's replicas
     * hold it. A primary that does not answer in time (its node froze or died) leaves its users timed out.
     */
    private Behavior<Command> onUserOpsRemote(PoolProtocol.UserOps w) {
        Time now = clock.now();
        if (w.ops().isEmpty()) {
            // a drain: answered (an empty answer) once every batch sent before it is answered
            if (batches.isEmpty()) answer(new Batch(w), now);
            else drains.add(Map.entry(w, new java.util.HashSet<>(batches.keySet())));
            return this;
        }
        Batch b = new Batch(w);
        long id = nextBatch++;
        Map<Integer, List<ServerCommand.ServeOp>> byGroup = new LinkedHashMap<>();
        for (int k = 0; k < w.ops().size(); k++) {
            PoolProtocol.OpRequest op = w.ops().get(k);
            int group = w.failedOver() ? op.user() % model.routingGroupCount() : model.groupOfUser(op.user());
            b.groups[k] = group;
            FrontEndPool.WriteResult decision = gathering
                    ? new FrontEndPool.WriteResult(false, null, -1, "pool " + spec.name() + " is being rebuilt by a new supervisor")
                    : model.serve(group, op.op().persistentWrite(), null);
            if (!decision.acknowledged()) {
                b.results[k] = decision;
                continue;
            }
            io.poolpair.model.dr.WriteRecord write = op.write() < 0 ? null
                    : new io.poolpair.model.dr.WriteRecord(op.write(), op.user(), w.homePool(), spec.name(), now.emulatedMs());
            b.writes[k] = write;
            byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(new ServerCommand.ServeOp(k, write));
        }
        int majority = settings.frontEnd().replicasPerGroup() / 2 + 1;
        for (Map.Entry<Integer, List<ServerCommand.ServeOp>> e : byGroup.entrySet()) {
            int group = e.getKey();
            String primary = model.primaryOf(group).orElse(null);
            ActorRef<ServerCommand> ref = primary == null ? null : children.get(primary);
            if (ref == null) {
                for (ServerCommand.ServeOp op : e.getValue()) b.results[op.index()] = FrontEndPool.WriteResult.noAnswer(primary);
                continue;
            }
            int live = model.group(group).live().size();
            ref.tell(new ServerCommand.Serve(id, group, model.epochOf(group), Math.min(live, majority), e.getValue(),
                    getContext().getSelf()));
            b.outstanding++;
        }
        answerReady(b, now);   // what the model refused is answered at once
        if (b.outstanding > 0) {
            batches.put(id, b);
            timers.startSingleTimer("batch-" + id, new PoolProtocol.BatchTimeout(id), remote.serveTimeout());
        }
        return this;
    }

    private Behavior<Command> onServed(PoolProtocol.Served s) {
        Time now = clock.now();
        if (s.stale()) {
            var current = model.primaryOf(s.group());
            publish(new PrimarySteppedDown(now, Where.groupOnServer(siteOf(s.server()), spec.name(), s.server(), s.group()),
                    s.epoch(), model.epochOf(s.group()), current.orElse(null)));
        }
        Batch b = batches.get(s.batch());
        // an answer from a primary the pool has replaced since it asked (the group moved on to a higher epoch) counts
        // for nothing: the pool fences it off as it does a stale write, and its users time out
        boolean replaced = !s.stale() && s.epoch() >= 0 && (s.epoch() != model.epochOf(s.group())
                || !s.server().equals(model.primaryOf(s.group()).orElse(null)));
        if (replaced && b != null) {
            publish(new PrimarySteppedDown(now, Where.groupOnServer(siteOf(s.server()), spec.name(), s.server(), s.group()),
                    s.epoch(), model.epochOf(s.group()), model.primaryOf(s.group()).orElse(null)));
        }
        for (int k = 0; k < s.indexes().size(); k++) {
            int idx = s.indexes().get(k);
            boolean ok = s.acknowledged().get(k);
            if (b == null) {
                // answered after the users timed out (their history says info: they cannot know): the pool does not
                // count the write; the replicas that hold it report it to a new supervisor, and either way is right
                continue;
            }
            if (b.results[idx] != null) continue;
            io.poolpair.model.dr.WriteRecord write = b.writes[idx];
            if (ok && replaced) {
                b.results[idx] = FrontEndPool.WriteResult.noAnswer(s.server(), "replaced as primary of routing group " + s.group()
                        + " meanwhile: epoch " + s.epoch() + " < " + model.epochOf(s.group()));
            } else if (ok) {
                if (write != null) {
                    model.recordAcknowledged(s.group(), write);
                    if (fileStore != null && b.ops.ops().get(idx).op() == io.poolpair.model.dr.Operation.SCHEDULE_MEETING) {
                        fileStore.write(now);
                    }
                }
                b.results[idx] = new FrontEndPool.WriteResult(true, s.server(), s.epoch(), null);
            } else {
                b.results[idx] = new FrontEndPool.WriteResult(false, s.stale() ? s.server() : null, s.epoch(), s.refusal());
            }
        }
        if (b == null) return this;
        // the users of this group get their answers now, at the time their primary served them, whatever the other
        // groups of the batch are waiting for (a later batch may be answered first: the history stays in serving order)
        answerReady(b, now);
        if (--b.outstanding <= 0) {
            batches.remove(s.batch());
            timers.cancel("batch-" + s.batch());
            drained(s.batch(), now);
        }
        return this;
    }

    /** Sends the users every answer of the batch they do not have yet. */
    private void answerReady(Batch b, Time now) {
        List<PoolProtocol.OpRequest> ops = new ArrayList<>();
        List<FrontEndPool.WriteResult> results = new ArrayList<>();
        List<Integer> groups = new ArrayList<>();
        for (int k = 0; k < b.results.length; k++) {
            if (b.sent[k] || b.results[k] == null) continue;
            b.sent[k] = true;
            ops.add(b.ops.ops().get(k));
            results.add(b.results[k]);
            groups.add(b.groups[k]);
        }
        if (ops.isEmpty()) return;
        b.ops.replyTo().tell(new PoolProtocol.OpsDone(spec.name(), b.ops.homePool(), ops, results, groups, now,
                model.drainLossWindows()));
    }

    private void drained(long batch, Time now) {
        for (var it = drains.iterator(); it.hasNext(); ) {
            var d = it.next();
            d.getValue().remove(batch);
            if (d.getValue().isEmpty()) {
                it.remove();
                answer(new Batch(d.getKey()), now);
            }
        }
    }

    private Behavior<Command> onBatchTimeout(PoolProtocol.BatchTimeout t) {
        Batch b = batches.remove(t.batch());
        if (b == null) return this;
        for (int k = 0; k < b.results.length; k++) {
            if (b.results[k] == null) b.results[k] = FrontEndPool.WriteResult.noAnswer(model.primaryOf(b.groups[k]).orElse("the primary"));
        }
        answerReady(b, clock.now());
        drained(t.batch(), clock.now());
        return this;
    }

    private void answer(Batch b, Time now) {
        List<Integer> groups = new ArrayList<>();
        for (int g : b.groups) groups.add(g);
        b.ops.replyTo().tell(new PoolProtocol.OpsDone(spec.name(), b.ops.homePool(), b.ops.ops(), List.of(b.results), groups,
                now, model.drainLossWindows()));
    }

    /** The lazy flush of a multi-node run: durable once a majority of the site's store replicas hold it. */
    private void flushRemote() {
        if (gathering || flush != null || stores.isEmpty()) return;
        Map<Integer, List<Long>> ids = new LinkedHashMap<>();
        List<io.poolpair.model.dr.WriteRecord> writes = new ArrayList<>();
        for (int g = 0; g < model.routingGroupCount(); g++) {
            if (!model.flushable(g)) continue;
            List<io.poolpair.model.dr.WriteRecord> w = model.unflushed(g);
            if (w.isEmpty()) continue;
            writes.addAll(w);
            ids.put(g, w.stream().map(io.poolpair.model.dr.WriteRecord::id).toList());
        }
        if (writes.isEmpty()) return;
        flush = new Flush(nextFlush++, ids, new int[1]);
        ActorRef<PoolProtocol.StoreAck> self = getContext().getSelf().narrow();
        for (ActorRef<BackEndStore.Command> st : stores) st.tell(new BackEndStore.Store(flush.id(), writes, self));
        timers.startSingleTimer("flush-timeout", new PoolProtocol.FlushTimeout(flush.id()), remote.serveTimeout().multipliedBy(2));
    }

    private Behavior<Command> onStoreAck(PoolProtocol.StoreAck a) {
        if (flush == null || flush.id() != a.flush()) return this;
        if (++flush.acks()[0] < remote.storeQuorum()) return this;
        Time now = clock.now();
        timers.cancel("flush-timeout");
        for (Map.Entry<Integer, List<Long>> e : flush.ids().entrySet()) {
            model.flushed(e.getKey(), e.getValue(), now);
            for (String r : model.group(e.getKey()).replicas()) {
                ActorRef<ServerCommand> ref = children.get(r);
                if (ref != null) ref.tell(new ServerCommand.Flushed(e.getKey(), e.getValue()));
            }
        }
        flush = null;
        return this;
    }

    private Behavior<Command> onGetUnflushed(PoolProtocol.GetUnflushed q) {
        Map<Integer, List<Long>> byUser = new java.util.TreeMap<>();
        for (int g = 0; g < model.routingGroupCount(); g++) {
            for (io.poolpair.model.dr.WriteRecord w : model.unflushed(g)) {
                if (w.homePool().equals(q.homePool())) byUser.computeIfAbsent(w.user(), u -> new ArrayList<>()).add(w.id());
            }
        }
        q.replyTo().tell(new PoolProtocol.Unflushed(spec.name(), byUser));
        return this;
    }

    private Behavior<Command> onStatus(PoolProtocol.GetStatus q) {
        q.replyTo().tell(view());
        return this;
    }

    private PoolView view() {
        Map<String, Integer> load = model.usersPerServer();
        List<ServerView> servers = new ArrayList<>();
        for (ServerSpec s : spec.servers()) {
            ServerStatus st = model.status(s.name());
            String observed = switch (st) {
                case DRAINED -> "drained";
                case DOWN -> "down";
                case UP -> model.state() == PoolState.RUNNING ? observedBase(s.name(), true)
                        : model.state() == PoolState.STARTING ? "starting" : "stopped";
            };
            servers.add(new ServerView(s.name(), spec.siteOf(s), spec.role().label(), observed, faults.get(s.name()),
                    load.getOrDefault(s.name(), 0), settings.frontEnd().usersPerServerGuideline(), "users", false));
        }
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (GroupState gs : GroupState.values()) byState.put(gs.label(), model.groupsIn(gs));
        return new PoolView(spec.name(), spec.role().label(), spec.site(), model.state().label(), model.blockedReason(),
                model.quorumRule().describe(), model.requiredToStart(), servers, byState, model.groups(), "users",
                spec.users(), model.usersWithoutService(), spec.backupPool());
    }
}
