package io.poolpair.runtime.pool;

import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.runtime.status.PoolView;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.Map;

/** Messages a pool supervisor understands, from its servers, its timers and the outside. */
public final class PoolProtocol {
    private PoolProtocol() {}

    /** Every command may cross JVMs in a multi-node run (Jackson CBOR); timers and local ones simply never do. */
    public sealed interface Command extends io.poolpair.runtime.CborSerializable {}

    /** A server is alive. {@code resumed}: it just woke up from a freeze and must be re-confirmed. */
    public record Heartbeat(String server, int incarnation, boolean resumed,
                            ActorRef<io.poolpair.runtime.server.ServerCommand> ref,
                            ActorRef<io.poolpair.runtime.server.ServerHost.Command> host) implements Command {
        public Heartbeat(String server, int incarnation, boolean resumed) {
            this(server, incarnation, resumed, null, null);
        }
    }

    /**
     * Multi-node runs: the primary's answer to {@link io.poolpair.runtime.server.ServerCommand.Serve}: per operation
     * (by index in the batch) whether it was acknowledged; {@code stale}: the server was no longer primary at that
     * epoch (it froze and woke up) and stepped down; a refusal otherwise says why (no majority in time).
     */
    public record Served(long batch, int group, String server, long epoch, java.util.List<Integer> indexes,
                         java.util.List<Boolean> acknowledged, boolean stale, String refusal) implements Command {}

    /** Multi-node runs: what a server holds, for a new supervisor (or one it did not hear from before). */
    public record ServerReport(String server, int incarnation,
                               java.util.List<io.poolpair.model.frontend.FrontEndPool.HeldReplica> held) implements Command {}

    /** Timer (multi-node runs): a batch of users' operations waited long enough for its primaries. */
    public record BatchTimeout(long batch) implements Command {}

    /** Timer (multi-node runs): a new supervisor stops waiting for servers' reports and rebuilds the pool. */
    public enum GatherDone implements Command { INSTANCE }

    /** Multi-node runs: the cluster finds the node of these servers unreachable (or removed it). */
    public record ServersUnreachable(String node, java.util.List<String> servers) implements Command {}

    /** Multi-node runs: the back-end store replicas of the pool's site, as the receptionist lists them. */
    public record StoresListed(java.util.Set<ActorRef<BackEndStore.Command>> stores) implements Command {}

    /** A back-end store replica holds the writes of flush {@code flush}. */
    public record StoreAck(long flush) implements Command {}

    /** Timer: a flush waited long enough for a majority of store replicas. */
    public record FlushTimeout(long flush) implements Command {}

    /** The writes the pool acknowledged for a home pool's users that are not in the back end yet, by user. */
    public record GetUnflushed(String homePool, ActorRef<Unflushed> replyTo) implements Command {}

    public record Unflushed(String pool, java.util.Map<Integer, java.util.List<Long>> byUser)
            implements io.poolpair.runtime.CborSerializable {}

    /** A server's actor stopped (killed). */
    public record ServerTerminated(String server, int incarnation) implements Command {}

    /** Timer: look for missed heartbeats. */
    public enum CheckHeartbeats implements Command { INSTANCE }

    /** Timer: placement work (replica rebuild, rebalance) is due. */
    public enum PlacementDue implements Command { INSTANCE }

    /** Timer: lazy write of user data to the back end. */
    public enum FlushBackEnd implements Command { INSTANCE }

    /** Inject a fault into one server, or into every server of the pool when {@code server} is null. */
    public record Inject(String server, FaultKind kind, ActorRef<Reply> replyTo) implements Command {}

    /** Heal one server (or all when null): start a killed server, resume a hung one. */
    public record Heal(String server, ActorRef<Reply> replyTo) implements Command {}

    /** Run an admin verb that acts on this pool or one of its servers. */
    public record RunAdmin(AdminVerb verb, Map<String, String> args, ActorRef<Reply> replyTo) implements Command {}

    public record GetStatus(ActorRef<PoolView> replyTo) implements Command {}

    /** A primary asks to acknowledge a persistent write for a routing group at the epoch it holds. */
    public record Write(String server, int group, long epoch, ActorRef<WriteReply> replyTo) implements Command {}

    /**
     * Emulated users' operations, each served by the primary of the user's routing group on this pool; a
     * persistent write is acknowledged when a majority of the group's replicas hold it. {@code failedOver}: the
     * users are another pool's, failed over here (hosted on this pool's routing groups). An empty list still gets
     * an answer (with any loss windows declared since the last one): the pair uses it to drain before its final read.
     */
    public record UserOps(String homePool, boolean failedOver, java.util.List<OpRequest> ops, ActorRef<OpsDone> replyTo)
            implements Command {}

    /** One user's operation: {@code slot} is the workload's, {@code write} the write's id or -1. */
    public record OpRequest(int slot, int user, io.poolpair.model.dr.Operation op, long write) {}

    /**
     * How each operation went: served (and by which server, group, epoch, when) or refused with a reason.
     * {@code lossWindows}: windows QuorumLossRecovery declared on this pool since the previous answer.
     */
    public record OpsDone(String pool, String homePool, java.util.List<OpRequest> ops,
                          java.util.List<io.poolpair.model.frontend.FrontEndPool.WriteResult> results,
                          java.util.List<Integer> groups, io.poolpair.model.time.Time servedAt,
                          java.util.List<io.poolpair.model.history.LossWindow> lossWindows)
            implements io.poolpair.runtime.CborSerializable {}

    /** Remote users of another pool that fell to this one by DNS SRV priority (0 removes them). */
    public record ExtraLoad(String fromPool, int amount) implements Command {}

    /** Fail or heal one component of the pool's back end (primary, mirror, witness). */
    public record BackEndFault(String component, boolean fail, ActorRef<Reply> replyTo) implements Command {}

    /** Fail or heal file server 1 or 2 of the pool's file store. */
    public record FileServerFault(int server, boolean fail, ActorRef<Reply> replyTo) implements Command {}

    /** Timer: DFS replication of the file store. */
    public enum DfsTick implements Command { INSTANCE }

    /** From the pool's back-end actor: whether it is available, whether the SQL primary breaks ties, and its events. */
    public record BackEndStatus(boolean available, boolean sqlWitness, java.util.List<io.poolpair.model.event.FailoverEvent> events)
            implements Command {}

    /** Timer: a 2-FE pool whose back end failed goes down now. */
    public enum TwoFrontEndBackEndLoss implements Command { INSTANCE }

    /** The answer to a fault, heal or admin verb. */
    public record Reply(boolean ok, String message) implements io.poolpair.runtime.CborSerializable {
        public static Reply ok(String m) { return new Reply(true, m); }
        public static Reply refused(String m) { return new Reply(false, m); }
    }

    /** The answer to a write. */
    public record WriteReply(boolean acknowledged, String server, long epoch, String refusal)
            implements io.poolpair.runtime.CborSerializable {}
}
