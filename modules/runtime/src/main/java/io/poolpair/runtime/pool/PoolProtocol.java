package io.poolpair.runtime.pool;

import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.runtime.status.PoolView;
import org.apache.pekko.actor.typed.ActorRef;

import java.util.Map;

/** Messages a pool supervisor understands, from its servers, its timers and the outside. */
public final class PoolProtocol {
    private PoolProtocol() {}

    public sealed interface Command {}

    /** A server is alive. {@code resumed}: it just woke up from a freeze and must be re-confirmed. */
    public record Heartbeat(String server, int incarnation, boolean resumed) implements Command {}

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
                          java.util.List<io.poolpair.model.history.LossWindow> lossWindows) {}

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
    public record Reply(boolean ok, String message) {
        public static Reply ok(String m) { return new Reply(true, m); }
        public static Reply refused(String m) { return new Reply(false, m); }
    }

    /** The answer to a write. */
    public record WriteReply(boolean acknowledged, String server, long epoch, String refusal) {}
}
