package io.poolpair.runtime.server;

import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import org.apache.pekko.actor.typed.ActorRef;

import io.poolpair.model.dr.WriteRecord;

import java.util.List;
import java.util.Map;

/**
 * Messages a server actor understands. In a multi-node run they cross JVMs (Jackson CBOR), between a pool's
 * supervisor and its servers and between the replicas of a routing group.
 */
public sealed interface ServerCommand extends io.poolpair.runtime.CborSerializable {

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
    record Assign(Map<Integer, Long> primaries, int secondaries, int load, Map<Integer, Long> held,
                  Map<Integer, List<ActorRef<ServerCommand>>> peers, Map<Integer, List<WriteRecord>> seed)
            implements ServerCommand {
        public Assign {
            primaries = Map.copyOf(primaries);
            held = Map.copyOf(held);
            peers = Map.copyOf(peers);
            seed = Map.copyOf(seed);
        }

        /** One JVM: the pool itself keeps the data, the server only its roles. */
        public Assign(Map<Integer, Long> primaries, int secondaries, int load) {
            this(primaries, secondaries, load, Map.of(), Map.of(), Map.of());
        }
    }

    /** Fault (multi-node runs): the server process dies; its actor stops and what it held is gone. */
    enum Kill implements ServerCommand { INSTANCE }

    /** One operation of a batch the primary serves: {@code write} is null for an operation that stores nothing. */
    record ServeOp(int index, WriteRecord write) {}

    /**
     * The pool asks the primary of {@code group} at {@code epoch} to serve users' operations (multi-node runs): a
     * write is acknowledged once {@code needed} replicas (the primary counted) hold it.
     */
    record Serve(long batch, int group, long epoch, int needed, List<ServeOp> ops,
                 ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command> replyTo) implements ServerCommand {
        public Serve {
            ops = List.copyOf(ops);
        }
    }

    /** A primary asks a secondary replica to hold writes of {@code group} at {@code epoch}. */
    record Replicate(long request, int group, long epoch, List<WriteRecord> writes, ActorRef<ServerCommand> replyTo)
            implements ServerCommand {
        public Replicate {
            writes = List.copyOf(writes);
        }
    }

    /** A secondary's answer: {@code stored}, or refused because it knows a newer {@code epoch}. */
    record ReplicaAck(long request, String server, boolean stored, long epoch) implements ServerCommand {}

    /** Timer: a replication request waited long enough. */
    record ReplicationTimeout(long request) implements ServerCommand {}

    /** These writes of the group are in the back end now: the replica may let them go. */
    record Flushed(int group, List<Long> ids) implements ServerCommand {
        public Flushed {
            ids = List.copyOf(ids);
        }
    }

    /** A (new) supervisor asks what the server holds. */
    record Report(ActorRef<io.poolpair.runtime.pool.PoolProtocol.Command> replyTo) implements ServerCommand {}

    /** A client's persistent write for a routing group (Front End only). */
    record ClientWrite(int group, ActorRef<WriteReply> replyTo) implements ServerCommand {}
}
