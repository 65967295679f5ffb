package io.poolpair.runtime.server;

import io.poolpair.runtime.pool.PoolProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;

/**
 * What every server does whatever its role: heartbeat to its pool supervisor, freeze on a hang, wake up
 * on resume (and wait to be re-confirmed), and keep the supervisor's latest assignment.
 */
public abstract class ServerActor extends AbstractBehavior<ServerCommand> {

    protected final String name;
    protected final int incarnation;
    protected final ActorRef<PoolProtocol.Command> supervisor;
    protected boolean hung;
    /** False after waking from a freeze until the supervisor confirms the assignment. */
    protected boolean confirmed = true;
    private boolean resumedPending;
    protected ServerCommand.Assign assignment = new ServerCommand.Assign(java.util.Map.of(), 0, 0);
    /** Multi-node runs: the node's host, which starts this server again on request; null in one JVM. */
    protected final ActorRef<ServerHost.Command> host;
    protected final TimerScheduler<ServerCommand> timers;

    protected ServerActor(ActorContext<ServerCommand> ctx, TimerScheduler<ServerCommand> timers, String name,
                          int incarnation, ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat) {
        this(ctx, timers, name, incarnation, supervisor, heartbeat, null);
    }

    /**
     * @param host multi-node runs: the node's server host; heartbeats then carry this actor's reference and the
     *             host's, so that a supervisor on another node (or a new one) can reach both
     */
    protected ServerActor(ActorContext<ServerCommand> ctx, TimerScheduler<ServerCommand> timers, String name,
                          int incarnation, ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat,
                          ActorRef<ServerHost.Command> host) {
        super(ctx);
        this.name = name;
        this.incarnation = incarnation;
        this.supervisor = supervisor;
        this.host = host;
        this.timers = timers;
        timers.startTimerAtFixedRate("heartbeat", ServerCommand.Tick.INSTANCE, heartbeat);
        supervisor.tell(heartbeat(false));
    }

    private PoolProtocol.Heartbeat heartbeat(boolean resumed) {
        return host == null ? new PoolProtocol.Heartbeat(name, incarnation, resumed)
                : new PoolProtocol.Heartbeat(name, incarnation, resumed, getContext().getSelf(), host);
    }

    /** Handlers shared by every role; subclasses add theirs and call {@code build()}. */
    protected ReceiveBuilder<ServerCommand> common() {
        return newReceiveBuilder()
                .onMessageEquals(ServerCommand.Tick.INSTANCE, this::onTick)
                .onMessageEquals(ServerCommand.Hang.INSTANCE, this::onHang)
                .onMessageEquals(ServerCommand.Resume.INSTANCE, this::onResume)
                .onMessageEquals(ServerCommand.Kill.INSTANCE, Behaviors::stopped)
                .onMessage(ServerCommand.Assign.class, this::onAssign);
    }

    private Behavior<ServerCommand> onTick() {
        if (!hung) {
            supervisor.tell(heartbeat(resumedPending));
        }
        return this;
    }

    private Behavior<ServerCommand> onHang() {
        hung = true;
        return this;
    }

    private Behavior<ServerCommand> onResume() {
        if (hung) {
            hung = false;
            confirmed = false;
            resumedPending = true;
            supervisor.tell(heartbeat(true));
        }
        return this;
    }

    private Behavior<ServerCommand> onAssign(ServerCommand.Assign a) {
        if (hung) return this; // a frozen server reads nothing
        assignment = a;
        confirmed = true;
        resumedPending = false;
        onAssigned(a);
        return this;
    }

    /** A new assignment arrived (after {@link #assignment} was set); roles that hold data adjust here. */
    protected void onAssigned(ServerCommand.Assign a) {}
}
