package io.poolpair.runtime.pool;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.FaultHealed;
import io.poolpair.model.event.FailoverEvent.FaultInjected;
import io.poolpair.model.event.FailoverEvent.ServerSuspected;
import io.poolpair.model.event.Where;
import io.poolpair.model.pool.HeartbeatMonitor;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Command;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.server.ServerCommand;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What every pool supervisor does, whatever the role: it spawns one actor per server, watches them,
 * turns missed heartbeats and terminations into calls on the pool's model, and injects and heals faults.
 * The SfB rules are in the model; subclasses only wire their role's model.
 */
public abstract class PoolSupervisor extends AbstractBehavior<Command> {

    protected final PoolSpec spec;
    protected final EmulatorSettings settings;
    protected final EmulationClock clock;
    protected final EventBus bus;
    protected final TimerScheduler<Command> timers;
    protected final Duration wallHeartbeat;
    protected final ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian;
    private Boolean reportedServing;

    private final HeartbeatMonitor monitor;
    protected final Map<String, ActorRef<ServerCommand>> children = new LinkedHashMap<>();
    private final Map<String, Integer> incarnation = new HashMap<>();
    /** Injected faults by server: "killed" or "hung". */
    protected final Map<String, String> faults = new HashMap<>();
    protected final Set<String> suspects = new HashSet<>();
    private final Set<String> pendingRestart = new HashSet<>();
    private long lastCheckWallMs = -1;
    /** Multi-node runs: how servers are reached and started again; null in one JVM. */
    protected final Remote remote;
    /** Multi-node runs: each server's host, which starts it again. */
    private final Map<String, ActorRef<io.poolpair.runtime.server.ServerHost.Command>> hosts = new HashMap<>();

    protected PoolSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec,
                             EmulatorSettings settings, EmulationClock clock, EventBus bus,
                             ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian) {
        this(ctx, timers, spec, settings, clock, bus, guardian, null);
    }

    protected PoolSupervisor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec,
                             EmulatorSettings settings, EmulationClock clock, EventBus bus,
                             ActorRef<io.poolpair.runtime.deploy.DeploymentGuardian.Command> guardian, Remote remote) {
        super(ctx);
        this.remote = remote;
        this.guardian = guardian;
        this.spec = spec;
        this.settings = settings;
        this.clock = clock;
        this.bus = bus;
        this.timers = timers;
        this.wallHeartbeat = Duration.ofMillis(settings.wallHeartbeatMs());
        this.monitor = new HeartbeatMonitor(settings.heartbeatIntervalMs(), settings.suspectAfterMissed(),
                settings.downAfterMissed(), settings.minDetectionEmulatedMs());
        timers.startTimerAtFixedRate("check-heartbeats", PoolProtocol.CheckHeartbeats.INSTANCE,
                Duration.ofMillis(Math.max(1, settings.wallHeartbeatMs() / 2)));
    }

    /** Spawns every server; call at the end of the subclass constructor. */
    protected final void spawnAll() {
        if (remote != null) return; // they run on their nodes and register with their first heartbeat
        for (ServerSpec s : spec.servers()) spawn(s.name());
    }

    /** Multi-node runs: a server (or a new incarnation of it) registered; the role may ask it what it holds. */
    protected void onRegistered(String server, ActorRef<ServerCommand> ref) {}

    /** Multi-node runs: false while a new supervisor gathers its servers' reports (heartbeats only register). */
    protected boolean acceptingHeartbeats() { return true; }

    // ---------------------------------------------------------------- role hooks

    protected abstract Behavior<ServerCommand> serverBehavior(String server, int incarnation);

    protected abstract List<FailoverEvent> modelServerUp(String server, Time now);

    protected abstract List<FailoverEvent> modelServerDown(String server, String detectedBy, Time now);

    /** After any model change: tell servers their roles, schedule follow-up work. */
    protected abstract void afterChange(Time now);

    /** Sends one server its current assignment (after it resumed from a freeze). */
    protected abstract void confirm(String server);

    /** Whether the model sees the server as up (heartbeating and in the pool). */
    protected abstract boolean modelSeesUp(String server);

    /** Whether the pool serves at all (Front End: running; others: a serving server). */
    protected abstract boolean poolServing();

    /** Tells the guardian when the pool starts or stops serving; call after every change. */
    protected void reportServing() {
        send(List.of());
    }

    /**
     * Every event of the pool goes to the guardian, which publishes it, so that the pool's events keep their
     * order and come before anything they cause: when the pool starts or stops serving, the news travels with
     * them, and the pair moving users, or an admin verb a scenario sends on seeing them, comes after.
     */
    private void send(List<FailoverEvent> events) {
        boolean now = poolServing();
        Boolean change = null;
        if (reportedServing == null || reportedServing != now) {
            reportedServing = now;
            change = now;
        }
        if (guardian == null) {
            bus.publishAll(events);
        } else if (change != null || !events.isEmpty()) {
            guardian.tell(new io.poolpair.runtime.deploy.DeploymentGuardian.PoolEvents(spec.name(), change, events));
        }
    }

    // ---------------------------------------------------------------- shared handling

    protected ReceiveBuilder<Command> common() {
        return newReceiveBuilder()
                .onMessage(PoolProtocol.Heartbeat.class, this::onHeartbeat)
                .onMessageEquals(PoolProtocol.CheckHeartbeats.INSTANCE, this::onCheck)
                .onMessage(PoolProtocol.ServerTerminated.class, this::onTerminated)
                .onMessage(PoolProtocol.Inject.class, this::onInject)
                .onMessage(PoolProtocol.ServersUnreachable.class, this::onUnreachable)
                .onMessage(PoolProtocol.Heal.class, this::onHeal);
    }

    private void spawn(String server) {
        if (remote != null) {
            ActorRef<io.poolpair.runtime.server.ServerHost.Command> host = hosts.get(server);
            if (host != null) host.tell(new io.poolpair.runtime.server.ServerHost.Spawn(server));
            return;
        }
        int inc = incarnation.merge(server, 1, Integer::sum);
        ActorRef<ServerCommand> ref = getContext().spawn(serverBehavior(server, inc), server + "-" + inc);
        getContext().watchWith(ref, new PoolProtocol.ServerTerminated(server, inc));
        children.put(server, ref);
    }

    private Behavior<Command> onHeartbeat(PoolProtocol.Heartbeat hb) {
        if (remote != null && hb.ref() != null && !hb.ref().equals(children.get(hb.server()))
                && spec.serverNames().contains(hb.server())) {
            register(hb);
        }
        if (!acceptingHeartbeats()) return this;
        if (!children.containsKey(hb.server()) || incarnation.getOrDefault(hb.server(), 0) != hb.incarnation()) {
            return this; // a late heartbeat from an actor that is gone
        }
        Time now = clock.now();
        monitor.heartbeat(hb.server(), now.emulatedMs());
        suspects.remove(hb.server());
        if (!modelSeesUp(hb.server())) {
            publish(modelServerUp(hb.server(), now));
            afterChange(now);
        }
        if (hb.resumed()) confirm(hb.server());
        return this;
    }

    private void register(PoolProtocol.Heartbeat hb) {
        String server = hb.server();
        incarnation.put(server, hb.incarnation());
        children.put(server, hb.ref());
        if (hb.host() != null) hosts.put(server, hb.host());
        getContext().watchWith(hb.ref(), new PoolProtocol.ServerTerminated(server, hb.incarnation()));
        onRegistered(server, hb.ref());
    }

    /** Multi-node runs: the cluster lost sight of a node: its servers are down now, before heartbeats say so. */
    private Behavior<Command> onUnreachable(PoolProtocol.ServersUnreachable u) {
        if (!acceptingHeartbeats()) return this;
        Time now = clock.now();
        boolean changed = false;
        for (String s : u.servers()) {
            if (!spec.serverNames().contains(s) || !modelSeesUp(s)) continue;
            monitor.forget(s);
            suspects.remove(s);
            publish(modelServerDown(s, "membership", now));
            changed = true;
        }
        if (changed) afterChange(now);
        return this;
    }

    private Behavior<Command> onCheck() {
        Time now = clock.now();
        // If this check itself came late (the JVM or the scheduler paused), nobody could heartbeat meanwhile:
        // do not blame the servers for the supervisor's own pause.
        long expected = Math.max(1, settings.wallHeartbeatMs() / 2);
        if (lastCheckWallMs > 0) {
            long late = now.wallMs() - lastCheckWallMs - expected;
            if (late > settings.wallHeartbeatMs()) monitor.compensatePause(Math.round(late * clock.timeScale()));
        }
        lastCheckWallMs = now.wallMs();
        boolean changed = false;
        for (HeartbeatMonitor.Verdict v : monitor.check(now.emulatedMs())) {
            if (v.kind() == HeartbeatMonitor.Verdict.Kind.SUSPECT) {
                if (modelSeesUp(v.server())) {
                    suspects.add(v.server());
                    publish(new ServerSuspected(now, where(v.server()), v.missed()));
                }
            } else {
                suspects.remove(v.server());
                publish(modelServerDown(v.server(), "heartbeat", now));
                changed = true;
                // a restart or heal waiting for the server's end: silence is end enough
                if (remote != null && pendingRestart.remove(v.server())) spawn(v.server());
            }
        }
        if (changed) afterChange(now);
        return this;
    }

    private Behavior<Command> onTerminated(PoolProtocol.ServerTerminated t) {
        if (incarnation.getOrDefault(t.server(), 0) != t.incarnation()) return this;
        children.remove(t.server());
        monitor.forget(t.server());
        suspects.remove(t.server());
        Time now = clock.now();
        publish(modelServerDown(t.server(), "terminated", now));
        if (pendingRestart.remove(t.server())) spawn(t.server());
        afterChange(now);
        return this;
    }

    private Behavior<Command> onInject(PoolProtocol.Inject inj) {
        List<String> targets = targets(inj.server());
        Time now = clock.now();
        List<String> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String s : targets) {
            ActorRef<ServerCommand> ref = children.get(s);
            switch (inj.kind()) {
                case KILL -> {
                    if (ref == null || "killed".equals(faults.get(s))) { skipped.add(s + " already killed"); continue; }
                    faults.put(s, "killed");
                    pendingRestart.remove(s);   // a new kill outranks a heal still waiting for the last one's end
                    stopServer(ref);
                }
                case HANG -> {
                    if (ref == null || "hung".equals(faults.get(s))) { skipped.add(s + (ref == null ? " is killed" : " already hung")); continue; }
                    faults.put(s, "hung");
                    ref.tell(ServerCommand.Hang.INSTANCE);
                }
                case RESTART -> {
                    faults.remove(s);
                    if (ref == null) spawn(s);
                    else {
                        pendingRestart.add(s);
                        stopServer(ref);
                    }
                }
            }
            publish(new FaultInjected(now, where(s), inj.kind().label()));
            done.add(s);
        }
        inj.replyTo().tell(done.isEmpty() ? Reply.refused(String.join("; ", skipped))
                : Reply.ok(inj.kind().label() + " " + String.join(", ", done)
                + (skipped.isEmpty() ? "" : " (" + String.join("; ", skipped) + ")")));
        return this;
    }

    private Behavior<Command> onHeal(PoolProtocol.Heal heal) {
        Time now = clock.now();
        List<String> healed = new ArrayList<>();
        for (String s : targets(heal.server())) {
            String f = faults.remove(s);
            if (f == null) continue;
            if (f.equals("killed") && !children.containsKey(s)) spawn(s);
            // multi-node: the killed server's end may not have been heard yet (its node is slow): start it once it has
            else if (f.equals("killed") && remote != null) pendingRestart.add(s);
            else if (f.equals("hung") && children.containsKey(s)) children.get(s).tell(ServerCommand.Resume.INSTANCE);
            publish(new FaultHealed(now, where(s), f.equals("killed") ? FaultKind.KILL.label() : FaultKind.HANG.label()));
            healed.add(s);
        }
        heal.replyTo().tell(Reply.ok(healed.isEmpty() ? "nothing to heal" : "healed " + String.join(", ", healed)));
        return this;
    }

    private void stopServer(ActorRef<ServerCommand> ref) {
        if (remote != null) ref.tell(ServerCommand.Kill.INSTANCE);
        else getContext().stop(ref);
    }

    private List<String> targets(String server) {
        return server == null ? spec.serverNames() : List.of(server);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Publishes what the model returned. The guardian hears first whether the pool still serves, so that
     * anyone reacting to these events (a scenario, an admin) finds the deployment already told.
     */
    protected void publish(List<FailoverEvent> events) {
        send(events);
    }

    protected void publish(FailoverEvent event) {
        send(List.of(event));
    }

    protected Where where(String server) {
        ServerSpec s = spec.servers().stream().filter(x -> x.name().equals(server)).findFirst().orElseThrow();
        return Where.server(spec.siteOf(s), spec.name(), server);
    }

    protected String siteOf(String server) {
        return spec.servers().stream().filter(x -> x.name().equals(server)).findFirst().map(spec::siteOf).orElse(spec.site());
    }

    /** What the status shows for a server: fault-independent observation. */
    protected String observedBase(String server, boolean up) {
        if (!up) return "down";
        return suspects.contains(server) ? "suspect" : "up";
    }

    protected Duration wallDelay(long emulatedMs) {
        return Duration.ofMillis(clock.toWallMs(Math.max(0, emulatedMs)));
    }
}
