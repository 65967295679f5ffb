package io.poolpair.runtime.pool;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.pool.SpreadPool;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ProductVersion;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Command;
import io.poolpair.runtime.server.PooledServer;
import io.poolpair.runtime.server.ServerCommand;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Supervisor of an Edge, Director, standalone Mediation or Persistent Chat pool: runs {@link SpreadPool}
 * live (DNS load-balanced retry, dropped calls, chat users moving to the remaining active servers).
 */
public final class SpreadPoolSupervisor extends PoolSupervisor {

    private final SpreadPool model;
    private boolean failedOver;

    public static Behavior<Command> create(PoolSpec spec, ProductVersion version, EmulatorSettings settings,
                                           EmulationClock clock, EventBus bus,
                                           ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian) {
        return create(spec, version, settings, clock, bus, guardian, null);
    }

    /** @param remote multi-node runs: the servers run on their nodes */
    public static Behavior<Command> create(PoolSpec spec, ProductVersion version, EmulatorSettings settings,
                                           EmulationClock clock, EventBus bus,
                                           ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian,
                                           Remote remote) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new SpreadPoolSupervisor(ctx, t, spec, version, settings, clock,
                bus, guardian, remote)));
    }

    private SpreadPoolSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec,
                                 ProductVersion version, EmulatorSettings settings, EmulationClock clock, EventBus bus,
                                 ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian, Remote remote) {
        super(ctx, timers, spec, settings, clock, bus, guardian, remote);
        this.model = modelFor(spec, version);
        spawnAll();
    }

    /** The load model for a pool of this role (spec §1, §6, §7.1). */
    public static SpreadPool modelFor(PoolSpec spec, ProductVersion v) {
        List<String> sites = spec.servers().stream().map(spec::siteOf).toList();
        List<Boolean> eligible = spec.servers().stream().map(s -> !s.standby()).toList();
        return switch (spec.role()) {
            case EDGE -> new SpreadPool(spec.name(), spec.site(), "Edge", spec.serverNames(), sites, eligible,
                    "remote-users", spec.remoteUsers(), v.remoteUsersPerEdgeOrDirector(), SpreadPool.OnLoss.RETRY_OTHERS);
            case DIRECTOR -> new SpreadPool(spec.name(), spec.site(), "Director", spec.serverNames(), sites, eligible,
                    "remote-users", spec.remoteUsers(), v.remoteUsersPerEdgeOrDirector(), SpreadPool.OnLoss.RETRY_OTHERS);
            case MEDIATION -> new SpreadPool(spec.name(), spec.site(), "Mediation", spec.serverNames(), sites, eligible,
                    "calls", spec.calls(), v.standaloneMediationCalls(), SpreadPool.OnLoss.DROP);
            case PERSISTENT_CHAT -> new SpreadPool(spec.name(), spec.site(), "Persistent Chat", spec.serverNames(), sites,
                    eligible, "users", spec.users(), v.persistentChatUsersPerServer(), SpreadPool.OnLoss.RETRY_OTHERS);
            case FRONT_END -> throw new IllegalArgumentException("Front End pools use FrontEndPoolSupervisor");
        };
    }

    @Override
    public Receive<Command> createReceive() {
        return common()
                .onMessage(PoolProtocol.GetStatus.class, q -> {
                    q.replyTo().tell(view());
                    return this;
                })
                .onMessage(PoolProtocol.RunAdmin.class, this::onAdmin)
                .onMessage(PoolProtocol.ExtraLoad.class, x -> {
                    publish(model.setExtraLoad(x.fromPool(), x.amount(), clock.now()));
                    afterChange(clock.now());
                    return this;
                })
                .onMessage(PoolProtocol.BackEndFault.class, f -> {
                    f.replyTo().tell(PoolProtocol.Reply.refused(spec.name() + " is a " + spec.role().label() + " pool: it has no back end here"));
                    return this;
                })
                .onMessage(PoolProtocol.Write.class, w -> {
                    w.replyTo().tell(new PoolProtocol.WriteReply(false, w.server(), -1, "not a Front End pool"));
                    return this;
                })
                .build();
    }

    /**
     * Persistent Chat site failover (spec §6.5): after the log-shipped database is recovered in the other
     * data center, {@code Set-CsPersistentChatState -PoolState FailedOver} and the standby servers there
     * become the active ones. Failback returns to the original active servers.
     */
    private Behavior<Command> onAdmin(PoolProtocol.RunAdmin a) {
        Time now = clock.now();
        boolean over = a.verb() == io.poolpair.model.scenario.AdminVerb.PERSISTENT_CHAT_FAILOVER;
        boolean back = a.verb() == io.poolpair.model.scenario.AdminVerb.PERSISTENT_CHAT_FAILBACK;
        if (spec.role() != io.poolpair.model.topology.Role.PERSISTENT_CHAT || (!over && !back)) {
            refuse(a, now, a.verb().label() + " does not act on " + spec.role().label() + " pool " + spec.name());
            return this;
        }
        List<String> target = spec.servers().stream().filter(s -> s.standby() == over).map(ServerSpec::name).toList();
        if (target.isEmpty()) {
            refuse(a, now, "pool " + spec.name() + " has no " + (over ? "standby" : "original active") + " servers");
            return this;
        }
        if (target.stream().noneMatch(model::isUp)) {
            refuse(a, now, "none of " + target + " is running");
            return this;
        }
        if (over == failedOver) {
            refuse(a, now, "pool " + spec.name() + " is " + (failedOver ? "already failed over" : "not failed over"));
            return this;
        }
        failedOver = over;
        publish(model.setEligible(target, now, over ? "Persistent Chat failed over to the standby servers " + target
                : "Persistent Chat back on its original active servers " + target));
        publish(new io.poolpair.model.event.FailoverEvent.AdminVerbFinished(now,
                io.poolpair.model.event.Where.pool(spec.site(), spec.name()), a.verb().label(), "active servers now " + target));
        afterChange(now);
        a.replyTo().tell(PoolProtocol.Reply.ok("active Persistent Chat servers of " + spec.name() + " now " + target));
        return this;
    }

    private void refuse(PoolProtocol.RunAdmin a, Time now, String reason) {
        publish(new io.poolpair.model.event.FailoverEvent.AdminVerbRefused(now,
                io.poolpair.model.event.Where.pool(spec.site(), spec.name()), a.verb().label(), reason));
        a.replyTo().tell(PoolProtocol.Reply.refused(reason));
    }

    @Override
    protected Behavior<ServerCommand> serverBehavior(String server, int incarnation) {
        return PooledServer.create(spec.role(), server, incarnation, getContext().getSelf(), wallHeartbeat);
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
        return model.isUp(server);
    }

    @Override
    protected void afterChange(Time now) {
        for (String s : children.keySet()) confirm(s);
        reportServing();
    }

    @Override
    protected boolean poolServing() {
        for (String s : spec.serverNames()) if (model.isUp(s) && model.isEligible(s)) return true;
        return false;
    }

    @Override
    protected void confirm(String server) {
        ActorRef<ServerCommand> ref = children.get(server);
        if (ref != null) ref.tell(new ServerCommand.Assign(Map.of(), 0, model.load(server)));
    }

    private PoolView view() {
        List<ServerView> servers = new ArrayList<>();
        int up = 0;
        int eligibleUp = 0;
        for (ServerSpec s : spec.servers()) {
            boolean isUp = model.isUp(s.name());
            if (isUp) up++;
            if (isUp && model.isEligible(s.name())) eligibleUp++;
            servers.add(new ServerView(s.name(), spec.siteOf(s), spec.role().label(), observedBase(s.name(), isUp),
                    faults.get(s.name()), model.load(s.name()), model.guidelinePerServer(), model.unit(), s.standby()));
        }
        String state = eligibleUp == 0 ? "down" : up < spec.servers().size() ? "degraded" : "serving";
        return new PoolView(spec.name(), spec.role().label(), spec.site(), state, null, null, 0, servers, null, null,
                model.unit(), model.offered(), model.unserved(), null);
    }
}
