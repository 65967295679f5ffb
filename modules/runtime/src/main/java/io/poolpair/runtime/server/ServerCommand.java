package io.poolpair.runtime.server;

import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.Map;

/** Messages a server actor understands. */
public sealed interface ServerCommand {

    /** Timer: send a heartbeat. */
    enum Tick implements ServerCommand { INSTANCE }

    /** Fault: stop heartbeating and serving, but stay alive (a freeze). */
    enum Hang implements ServerCommand { INSTANCE }

    /** Heal a hang: wake up; the server must be re-confirmed by its supervisor before it serves. */
    enum Resume implements ServerCommand { INSTANCE }

    /**
     * The supervisor's current view of what this server does: Front End primaries (group to epoch),
     * how many secondary replicas it holds, and its load.
     */
    record Assign(Map<Integer, Long> primaries, int secondaries, int load) implements ServerCommand {
        public Assign {
            primaries = Map.copyOf(primaries);
        }
    }

    /** A client's persistent write for a routing group (Front End only). */
    record ClientWrite(int group, ActorRef<WriteReply> replyTo) implements ServerCommand {}
}
