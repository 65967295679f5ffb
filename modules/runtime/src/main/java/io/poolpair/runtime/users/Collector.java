package io.poolpair.runtime.users;

import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.StoreAccess;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multi-node runs: everything a site holds of one home pool's users' data: the union of the site's back-end store
 * replicas and the writes the pool's replicas hold that are not flushed yet. With {@code drain}, once the operations
 * in flight are done: it drains the serving pool first (an empty batch, answered after every batch sent before it).
 * A short-lived child of the users' actor; used for a final read, a planned failover's hand-over and a failback
 * (drained), and for each Backup Service ship (not drained: what the pool acknowledged so far).
 */
final class Collector {

    private Collector() {}

    /** What the site holds for {@code home}'s users, by user. */
    record Collected(String home, Map<Integer, Set<Long>> byUser) {
        int writes() {
            return byUser.values().stream().mapToInt(Set::size).sum();
        }
    }

    private sealed interface Msg {}

    private record Drained(PoolProtocol.OpsDone done) implements Msg {}

    private record Stored(StoreAccess.Snapshot snapshot) implements Msg {}

    private record Pending(PoolProtocol.Unflushed unflushed) implements Msg {}

    private enum Timeout implements Msg { INSTANCE }

    static Behavior<?> create(String site, String home, boolean failedOver, boolean drain, ActorRef<PoolProtocol.Command> pool,
                              Duration timeout, ActorRef<Collected> replyTo) {
        return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
            timers.startSingleTimer(Timeout.INSTANCE, timeout.multipliedBy(2));
            ActorRef<PoolProtocol.OpsDone> drained = ctx.messageAdapter(PoolProtocol.OpsDone.class, Drained::new);
            if (drain) pool.tell(new PoolProtocol.UserOps(home, failedOver, java.util.List.of(), drained));
            else ctx.getSelf().tell(new Drained(null));
            Map<Integer, Set<Long>> data = new TreeMap<>();
            Set<String> parts = new HashSet<>();
            return Behaviors.receive(Msg.class)
                    .onMessage(Drained.class, d -> {
                        ctx.spawnAnonymous(StoreAccess.read(site, home, timeout,
                                ctx.messageAdapter(StoreAccess.Snapshot.class, Stored::new)));
                        pool.tell(new PoolProtocol.GetUnflushed(home, ctx.messageAdapter(PoolProtocol.Unflushed.class, Pending::new)));
                        return Behaviors.same();
                    })
                    .onMessage(Stored.class, s -> {
                        s.snapshot().byUser().forEach((u, ids) -> data.computeIfAbsent(u, x -> new TreeSet<>()).addAll(ids));
                        parts.add("store");
                        return finishIfDone(parts, data, home, replyTo);
                    })
                    .onMessage(Pending.class, p -> {
                        p.unflushed().byUser().forEach((u, ids) -> data.computeIfAbsent(u, x -> new TreeSet<>()).addAll(ids));
                        parts.add("pool");
                        return finishIfDone(parts, data, home, replyTo);
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> {
                        replyTo.tell(new Collected(home, data));
                        return Behaviors.stopped();
                    })
                    .build();
        }));
    }

    private static Behavior<Msg> finishIfDone(Set<String> parts, Map<Integer, Set<Long>> data, String home,
                                              ActorRef<Collected> replyTo) {
        if (parts.size() < 2) return Behaviors.same();
        replyTo.tell(new Collected(home, data));
        return Behaviors.stopped();
    }
}
