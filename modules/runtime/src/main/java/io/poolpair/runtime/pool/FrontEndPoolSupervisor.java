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

    public static Behavior<Command> create(PoolSpec spec, ProductVersion version, EmulatorSettings settings,
                                           EmulationClock clock, EventBus bus,
                                           ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new FrontEndPoolSupervisor(ctx, t, spec, version, settings, clock, bus, guardian)));
    }

    private FrontEndPoolSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec,
                                   ProductVersion version, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                                   ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian) {
        super(ctx, timers, spec, settings, clock, bus, guardian);
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
                .build();
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
