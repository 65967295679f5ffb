package io.poolpair.runtime.server;

import io.poolpair.model.dr.WriteRecord;
import io.poolpair.model.frontend.FrontEndPool.HeldReplica;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.WriteReply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Front End server: holds routing-group replicas (primaries with their epochs), registers users and
 * takes their persistent writes for the groups it is primary of.
 *
 * <p>In one JVM a write is acknowledged only through the pool, which checks the epoch: a primary that froze and
 * woke up acknowledges nothing stale. In a multi-node run the server really holds its groups' writes that are not
 * in the back end yet: as primary it stores a write, has its secondaries (on other nodes) store it, and
 * acknowledges once a majority of the group holds it; as secondary it refuses a write from an epoch older than the
 * one it knows, which is how a primary that froze and woke up finds out it was replaced (and steps down).
 */
public final class FrontEndServer extends ServerActor {

    /** What this server holds of one routing group. */
    private static final class Held {
        long epoch;
        final LinkedHashMap<Long, WriteRecord> writes = new LinkedHashMap<>();

        Held(long epoch) { this.epoch = epoch; }
    }

    /** A write batch waiting for its secondaries. */
    private record Pending(ServerCommand.Serve serve, List<Integer> indexes, List<Boolean> acknowledged, int needed,
                           int[] stored, List<WriteRecord> writes) {}

    private final Map<Integer, Held> held = new HashMap<>();
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Duration replicationTimeout;
    private long nextRequest;

    public static Behavior<ServerCommand> create(String name, int incarnation, ActorRef<PoolProtocol.Command> supervisor,
                                                 Duration heartbeat) {
        return create(name, incarnation, supervisor, heartbeat, null, Duration.ofSeconds(1));
    }

    /** Multi-node runs: a server hosted by {@code host}, holding its groups' writes. */
    public static Behavior<ServerCommand> create(String name, int incarnation, ActorRef<PoolProtocol.Command> supervisor,
                                                 Duration heartbeat, ActorRef<ServerHost.Command> host,
                                                 Duration replicationTimeout) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new FrontEndServer(ctx, t, name, incarnation, supervisor,
                heartbeat, host, replicationTimeout)));
    }

    private FrontEndServer(org.apache.pekko.actor.typed.javadsl.ActorContext<ServerCommand> ctx,
                           org.apache.pekko.actor.typed.javadsl.TimerScheduler<ServerCommand> timers, String name,
                           int incarnation, ActorRef<PoolProtocol.Command> supervisor, Duration heartbeat,
                           ActorRef<ServerHost.Command> host, Duration replicationTimeout) {
        super(ctx, timers, name, incarnation, supervisor, heartbeat, host);
        this.replicationTimeout = replicationTimeout;
    }

    @Override
    public Receive<ServerCommand> createReceive() {
        return common()
                .onMessage(ServerCommand.ClientWrite.class, this::onWrite)
                .onMessage(ServerCommand.Serve.class, this::onServe)
                .onMessage(ServerCommand.Replicate.class, this::onReplicate)
                .onMessage(ServerCommand.ReplicaAck.class, this::onReplicaAck)
                .onMessage(ServerCommand.ReplicationTimeout.class, this::onReplicationTimeout)
                .onMessage(ServerCommand.Flushed.class, this::onFlushed)
                .onMessage(ServerCommand.Report.class, this::onReport)
                .build();
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

    // ------------------------------------------------------------------ multi-node: the data a replica holds

    @Override
    protected void onAssigned(ServerCommand.Assign a) {
        if (host == null) return;
        // groups no longer held here are let go (their other replicas hold them); new ones arrive with their writes
        held.keySet().retainAll(a.held().keySet());
        for (Map.Entry<Integer, Long> e : a.held().entrySet()) {
            Held h = held.computeIfAbsent(e.getKey(), g -> new Held(e.getValue()));
            h.epoch = Math.max(h.epoch, e.getValue());
        }
        a.seed().forEach((g, writes) -> {
            Held h = held.get(g);
            if (h != null) for (WriteRecord w : writes) h.writes.putIfAbsent(w.id(), w);
        });
    }

    private Behavior<ServerCommand> onServe(ServerCommand.Serve s) {
        if (hung) return this; // frozen: the pool times out
        List<Integer> indexes = new ArrayList<>();
        for (ServerCommand.ServeOp op : s.ops()) indexes.add(op.index());
        Long mine = assignment.primaries().get(s.group());
        if (!confirmed || mine == null || mine != s.epoch()) {
            s.replyTo().tell(new PoolProtocol.Served(s.batch(), s.group(), name, mine == null ? -1 : mine, indexes,
                    java.util.Collections.nCopies(indexes.size(), false), false,
                    name + " is not primary of routing group " + s.group() + " at epoch " + s.epoch()));
            return this;
        }
        List<WriteRecord> writes = new ArrayList<>();
        for (ServerCommand.ServeOp op : s.ops()) if (op.write() != null) writes.add(op.write());
        List<Boolean> ok = new ArrayList<>(java.util.Collections.nCopies(indexes.size(), true));
        List<ActorRef<ServerCommand>> peers = assignment.peers().getOrDefault(s.group(), List.of());
        if (writes.isEmpty() || s.needed() <= 1) {
            store(s.group(), s.epoch(), writes);
            s.replyTo().tell(new PoolProtocol.Served(s.batch(), s.group(), name, s.epoch(), indexes, ok, false, null));
            return this;
        }
        store(s.group(), s.epoch(), writes);
        long req = nextRequest++;
        pending.put(req, new Pending(s, indexes, ok, s.needed(), new int[]{1}, writes));
        for (ActorRef<ServerCommand> p : peers) p.tell(new ServerCommand.Replicate(req, s.group(), s.epoch(), writes, getContext().getSelf()));
        timers.startSingleTimer("replication-" + req, new ServerCommand.ReplicationTimeout(req), replicationTimeout);
        return this;
    }

    private void store(int group, long epoch, List<WriteRecord> writes) {
        Held h = held.computeIfAbsent(group, g -> new Held(epoch));
        h.epoch = Math.max(h.epoch, epoch);
        for (WriteRecord w : writes) h.writes.putIfAbsent(w.id(), w);
    }

    private Behavior<ServerCommand> onReplicate(ServerCommand.Replicate r) {
        if (hung) return this;
        Held h = held.get(r.group());
        if (h != null && r.epoch() < h.epoch) {
            r.replyTo().tell(new ServerCommand.ReplicaAck(r.request(), name, false, h.epoch));
            return this;
        }
        store(r.group(), r.epoch(), r.writes());
        r.replyTo().tell(new ServerCommand.ReplicaAck(r.request(), name, true, r.epoch()));
        return this;
    }

    private Behavior<ServerCommand> onReplicaAck(ServerCommand.ReplicaAck a) {
        Pending p = pending.get(a.request());
        if (p == null) return this;
        if (!a.stored()) {
            // a replica knows a newer epoch: this server was replaced while it could not hear; it steps down and
            // keeps none of these writes (no majority holds them)
            pending.remove(a.request());
            timers.cancel("replication-" + a.request());
            Held h = held.get(p.serve().group());
            if (h != null) for (WriteRecord w : p.writes()) h.writes.remove(w.id());
            java.util.Map<Integer, Long> primaries = new HashMap<>(assignment.primaries());
            primaries.remove(p.serve().group());
            assignment = new ServerCommand.Assign(primaries, assignment.secondaries(), assignment.load(), assignment.held(),
                    assignment.peers(), Map.of());
            p.serve().replyTo().tell(new PoolProtocol.Served(p.serve().batch(), p.serve().group(), name, p.serve().epoch(), p.indexes(),
                    java.util.Collections.nCopies(p.indexes().size(), false), true,
                    "stale primary: epoch " + p.serve().epoch() + " < " + a.epoch() + "; " + name + " steps down"));
            return this;
        }
        if (++p.stored()[0] >= p.needed()) {
            pending.remove(a.request());
            timers.cancel("replication-" + a.request());
            p.serve().replyTo().tell(new PoolProtocol.Served(p.serve().batch(), p.serve().group(), name, p.serve().epoch(),
                    p.indexes(), p.acknowledged(), false, null));
        }
        return this;
    }

    private Behavior<ServerCommand> onReplicationTimeout(ServerCommand.ReplicationTimeout t) {
        Pending p = pending.remove(t.request());
        if (p == null) return this;
        // a write not known to be held by a majority is not acknowledged: its client times out, not knowing
        List<Boolean> answered = new ArrayList<>();
        for (ServerCommand.ServeOp op : p.serve().ops()) answered.add(op.write() == null);
        p.serve().replyTo().tell(new PoolProtocol.Served(p.serve().batch(), p.serve().group(), name, p.serve().epoch(),
                p.indexes(), answered, false, "no answer from a majority of the replicas of routing group "
                + p.serve().group() + " in time"));
        return this;
    }

    private Behavior<ServerCommand> onFlushed(ServerCommand.Flushed f) {
        Held h = held.get(f.group());
        if (h != null) for (Long id : f.ids()) h.writes.remove(id);
        return this;
    }

    private Behavior<ServerCommand> onReport(ServerCommand.Report r) {
        if (hung) return this;
        List<HeldReplica> out = new ArrayList<>();
        for (Map.Entry<Integer, Held> e : new java.util.TreeMap<>(held).entrySet()) {
            Long primaryEpoch = assignment.primaries().get(e.getKey());
            boolean primary = primaryEpoch != null && primaryEpoch == e.getValue().epoch;
            out.add(new HeldReplica(e.getKey(), e.getValue().epoch, primary, new ArrayList<>(e.getValue().writes.values())));
        }
        r.replyTo().tell(new PoolProtocol.ServerReport(name, incarnation, out));
        return this;
    }
}
