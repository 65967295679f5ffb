package io.poolpair.runtime.server;

import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.time.Duration;

/**
 * A Front End server: holds routing-group replicas (primaries with their epochs), registers users and
 * takes their persistent writes for the groups it is primary of. A write is acknowledged only through the
 * pool, which checks the epoch: a primary that froze and woke up acknowledges nothing stale.
 */
public final class FrontEndServer extends ServerActor {

    public static Behavior<ServerCommand> create(String name, int incarnation, ActorRef<PoolProtocol.Command> supervisor,
                                                 Duration heartbeat) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new FrontEndServer(ctx, t, name, incarnation, supervisor, heartbeat)));
    }

    private FrontEndServer(org.apache.pekko.actor.typed.javadsl.ActorContext<ServerCommand> ctx,
                           org.apache.pekko.actor.typed.javadsl.TimerScheduler<ServerCommand> timers, String name,
                           int incarnation, ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat) {
        super(ctx, timers, name, incarnation, supervisor, heartbeat);
    }

    @Override
    public Receive<ServerCommand> createReceive() {
        return common().onMessage(ServerCommand.ClientWrite.class, this::onWrite).build();
    }

    private Behavior<ServerCommand> onWrite(ServerCommand.ClientWrite w) {
        if (hung) return this; // the client times out
        if (!confirmed) {
            w.replyTo().tell(new WriteReply(false, name, -1, name + " woke from a freeze and waits for its pool to confirm its role"));
            return this;
        }
        Long epoch = assignment.primaries().get(w.group());
        if (epoch == null) {
            w.replyTo().tell(new WriteReply(false, name, -1, name + " is not primary of routing group " + w.group()));
            return this;
        }
        supervisor.tell(new PoolProtocol.Write(name, w.group(), epoch, w.replyTo()));
        return this;
    }
}
