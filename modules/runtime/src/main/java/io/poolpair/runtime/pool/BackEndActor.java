package io.poolpair.runtime.pool;

import io.poolpair.model.dr.BackEnd;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbFinished;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.FaultHealed;
import io.poolpair.model.event.FailoverEvent.FaultInjected;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
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

/**
 * The back end of one Front End pool (spec §5), a child of the pool's supervisor: it runs {@link BackEnd}
 * with the pool's HA mode (mirroring with or without a witness, AlwaysOn AG or FCI, SQL clustering), takes
 * faults on its components and the manual database failover, fails over by itself where the mode does, and
 * tells the supervisor whether it is available and whether the SQL primary still breaks quorum ties.
 */
public final class BackEndActor extends AbstractBehavior<BackEndActor.Command> {

    public sealed interface Command {}

    /** Fail or heal a component: primary, mirror or witness. */
    public record Fault(String component, boolean fail, ActorRef<Reply> replyTo) implements Command {}

    /** {@code Invoke-CsDatabaseFailover -NewPrincipal} (force when the principal is up). */
    public record ManualFailover(boolean force, ActorRef<Reply> replyTo) implements Command {}

    enum Tick implements Command { INSTANCE }

    private final BackEnd model;
    private final PoolSpec spec;
    private final EmulationClock clock;
    private final ActorRef<PoolProtocol.Command> pool;
    private final TimerScheduler<Command> timers;

    public static Behavior<Command> create(PoolSpec spec, long autoFailoverMs, EmulationClock clock,
                                           ActorRef<PoolProtocol.Command> pool) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new BackEndActor(ctx, t, spec, autoFailoverMs, clock, pool)));
    }

    private BackEndActor(ActorContext<Command> ctx, TimerScheduler<Command> timers, PoolSpec spec, long autoFailoverMs,
                         EmulationClock clock, ActorRef<PoolProtocol.Command> pool) {
        super(ctx);
        this.model = new BackEnd(spec.name(), spec.site(), spec.backendMode(), autoFailoverMs);
        this.spec = spec;
        this.clock = clock;
        this.pool = pool;
        this.timers = timers;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Fault.class, this::onFault)
                .onMessage(ManualFailover.class, this::onManualFailover)
                .onMessageEquals(Tick.INSTANCE, () -> {
                    changed(model.tick(clock.now()), clock.now());
                    return this;
                })
                .build();
    }

    private Behavior<Command> onFault(Fault f) {
        BackEnd.Component c = BackEnd.Component.parse(f.component());
        if (c == null || !model.exists(c)) {
            f.replyTo().tell(Reply.refused("the back end of " + spec.name() + " (" + spec.backendMode().label() + ") has no "
                    + f.component()));
            return this;
        }
        Time now = clock.now();
        Where w = Where.pool(spec.site(), spec.name());
        List<FailoverEvent> ev = new ArrayList<>();
        ev.add(f.fail() ? new FaultInjected(now, w, "back-end " + c.label()) : new FaultHealed(now, w, "back-end " + c.label()));
        ev.addAll(f.fail() ? model.componentDown(c, now) : model.componentUp(c, now));
        changed(ev, now);
        f.replyTo().tell(Reply.ok((f.fail() ? "failed" : "healed") + " back-end " + c.label() + " of " + spec.name()
                + ": back end " + (model.available() ? "available" : "unavailable")));
        return this;
    }

    private Behavior<Command> onManualFailover(ManualFailover m) {
        Time now = clock.now();
        Where w = Where.pool(spec.site(), spec.name());
        List<FailoverEvent> ev = new ArrayList<>();
        String refusal = model.manualFailover(m.force(), now, ev);
        if (refusal != null) {
            changed(List.of(new AdminVerbRefused(now, w, "database-failover", refusal)), now);
            m.replyTo().tell(Reply.refused(refusal));
            return this;
        }
        String outcome = "principal of " + spec.name() + " is now the " + model.principal().label();
        ev.add(new AdminVerbFinished(now, w, "database-failover", outcome));
        changed(ev, now);
        m.replyTo().tell(Reply.ok(outcome));
        return this;
    }

    private void changed(List<FailoverEvent> ev, Time now) {
        pool.tell(new PoolProtocol.BackEndStatus(model.available(), model.sqlWitnessAvailable(), ev));
        long due = model.nextDueMs();
        if (due >= 0) timers.startSingleTimer("tick", Tick.INSTANCE, Duration.ofMillis(clock.toWallMs(Math.max(0, due - now.emulatedMs()))));
    }
}
