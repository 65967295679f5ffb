package io.poolpair.runtime.server;

import io.poolpair.model.topology.Role;
import io.poolpair.runtime.pool.PoolProtocol;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;

/**
 * An Edge, Director, Mediation or Persistent Chat server: it carries the load its pool spreads on it
 * (remote-user sessions, calls, chat users). Which load and what happens when it dies are the pool
 * model's rules (DNS load-balanced retry, dropped calls, move to remaining active servers); the server
 * only heartbeats and holds its share.
 */
public final class PooledServer extends ServerActor {

    private final Role role;

    public static Behavior<ServerCommand> create(Role role, String name, int incarnation,
                                                 ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat) {
        return create(role, name, incarnation, supervisor, heartbeat, null);
    }

    /** Multi-node runs: a server hosted by {@code host} on its node. */
    public static Behavior<ServerCommand> create(Role role, String name, int incarnation,
                                                 ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat,
                                                 ActorRef<ServerHost.Command> host) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new PooledServer(ctx, t, role, name, incarnation, supervisor,
                heartbeat, host)));
    }

    private PooledServer(ActorContext<ServerCommand> ctx, TimerScheduler<ServerCommand> timers, Role role, String name,
                         int incarnation, ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat,
                         ActorRef<ServerHost.Command> host) {
        super(ctx, timers, name, incarnation, supervisor, heartbeat, host);
        this.role = role;
    }

    public Role role() { return role; }

    @Override
    public Receive<ServerCommand> createReceive() {
        return common().onMessage(ServerCommand.ClientWrite.class, w -> {
            w.replyTo().tell(new PoolProtocol.WriteReply(false, name, -1, role.label() + " servers hold no user data"));
            return this;
        }).build();
    }
}
