package io.poolpair.runtime.pool;

import io.poolpair.model.dr.WriteRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multi-node runs: short-lived actors that read or write a site's back-end store replicas ({@link BackEndStore}) for
 * an actor that needs one answer: a read is the union of what every replica that answers holds (a write that a
 * majority holds is in it), a write is done once {@code quorum} replicas hold it.
 */
public final class StoreAccess {

    private StoreAccess() {}

    /** What the site's replicas hold for a home pool's users; {@code replicas} answered. */
    public record Snapshot(String homePool, Map<Integer, Set<Long>> byUser, int replicas) {
        public int writes() {
            return byUser.values().stream().mapToInt(Set::size).sum();
        }

        public List<WriteRecord> records() {
            List<WriteRecord> out = new ArrayList<>();
            byUser.forEach((u, ids) -> ids.forEach(id -> out.add(new WriteRecord(id, u, homePool, homePool, 0))));
            return out;
        }
    }

    /** Whether a write reached {@code quorum} replicas ({@code id} is the caller's). */
    public record Written(long id, boolean ok, int replicas) {}

    private sealed interface Msg {}

    private record Found(Receptionist.Listing listing) implements Msg {}

    private record Part(BackEndStore.Contents contents) implements Msg {}

    private record Ack(PoolProtocol.StoreAck ack) implements Msg {}

    private enum Timeout implements Msg { INSTANCE }

    private record Kept(BackEndStore.State state) implements Msg {}

    /** What {@link #getState} found: the newest kept state, or null when no replica answered with one. */
    public record KeptState(BackEndStore.State state) {}

    /**
     * A small value an actor keeps in its site's back end for its next incarnation (a singleton that moves to another
     * node): the newest version any replica of {@code site} holds under {@code key}, or null, within {@code timeout}.
     */
    public static Behavior<?> getState(String site, String key, Duration timeout, ActorRef<KeptState> replyTo) {
        return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.find(BackEndStore.key(site),
                    ctx.messageAdapter(Receptionist.Listing.class, Found::new)));
            timers.startSingleTimer(Timeout.INSTANCE, timeout);
            BackEndStore.State[] newest = {null};
            int[] pending = {-1};
            return Behaviors.receive(Msg.class)
                    .onMessage(Found.class, f -> {
                        Set<ActorRef<BackEndStore.Command>> stores = f.listing().getServiceInstances(BackEndStore.key(site));
                        pending[0] = stores.size();
                        ActorRef<BackEndStore.State> to = ctx.messageAdapter(BackEndStore.State.class, Kept::new);
                        for (ActorRef<BackEndStore.Command> st : stores) st.tell(new BackEndStore.GetState(key, to));
                        return pending[0] == 0 ? kept(replyTo, newest[0]) : Behaviors.same();
                    })
                    .onMessage(Kept.class, k -> {
                        BackEndStore.State st = k.state();
                        if (st.version() >= 0 && st.value() != null && (newest[0] == null || st.version() > newest[0].version())) newest[0] = st;
                        return --pending[0] == 0 ? kept(replyTo, newest[0]) : Behaviors.same();
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> kept(replyTo, newest[0]))
                    .build();
        }));
    }

    private static Behavior<Msg> kept(ActorRef<KeptState> replyTo, BackEndStore.State newest) {
        replyTo.tell(new KeptState(newest));
        return Behaviors.stopped();
    }

    /** Keeps {@code value} under {@code key} on every replica of {@code site}'s back end (the newest version wins). */
    public static Behavior<?> putState(String site, String key, String value) {
        long version = System.currentTimeMillis();
        return Behaviors.<Msg>setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.find(BackEndStore.key(site),
                    ctx.messageAdapter(Receptionist.Listing.class, Found::new)));
            return Behaviors.receive(Msg.class)
                    .onMessage(Found.class, f -> {
                        for (ActorRef<BackEndStore.Command> st : f.listing().getServiceInstances(BackEndStore.key(site))) {
                            st.tell(new BackEndStore.PutState(key, version, value));
                        }
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }

    /** Reads {@code homePool}'s data from {@code site}'s replicas, answering within {@code timeout} with what came. */
    public static Behavior<?> read(String site, String homePool, Duration timeout, ActorRef<Snapshot> replyTo) {
        return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.find(BackEndStore.key(site),
                    ctx.messageAdapter(Receptionist.Listing.class, Found::new)));
            timers.startSingleTimer(Timeout.INSTANCE, timeout);
            Map<Integer, Set<Long>> data = new TreeMap<>();
            int[] pending = {-1};
            int[] answered = {0};
            return Behaviors.receive(Msg.class)
                    .onMessage(Found.class, f -> {
                        Set<ActorRef<BackEndStore.Command>> stores = f.listing().getServiceInstances(BackEndStore.key(site));
                        pending[0] = stores.size();
                        ActorRef<BackEndStore.Contents> to = ctx.messageAdapter(BackEndStore.Contents.class, Part::new);
                        for (ActorRef<BackEndStore.Command> s : stores) s.tell(new BackEndStore.Read(homePool, to));
                        if (pending[0] == 0) return done(replyTo, homePool, data, answered[0]);
                        return Behaviors.same();
                    })
                    .onMessage(Part.class, p -> {
                        p.contents().byUser().forEach((u, ids) -> data.computeIfAbsent(u, x -> new TreeSet<>()).addAll(ids));
                        answered[0]++;
                        if (--pending[0] == 0) return done(replyTo, homePool, data, answered[0]);
                        return Behaviors.same();
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> done(replyTo, homePool, data, answered[0]))
                    .build();
        }));
    }

    private static Behavior<Msg> done(ActorRef<Snapshot> replyTo, String homePool, Map<Integer, Set<Long>> data, int replicas) {
        replyTo.tell(new Snapshot(homePool, data, replicas));
        return Behaviors.stopped();
    }

    /** Writes {@code writes} to {@code site}'s replicas; {@code ok} once {@code quorum} of them hold them. */
    public static Behavior<?> write(String site, List<WriteRecord> writes, int quorum, long id, Duration timeout,
                                    ActorRef<Written> replyTo) {
        return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
            ctx.getSystem().receptionist().tell(Receptionist.find(BackEndStore.key(site),
                    ctx.messageAdapter(Receptionist.Listing.class, Found::new)));
            timers.startSingleTimer(Timeout.INSTANCE, timeout);
            int[] acks = {0};
            Set<Object> seen = new HashSet<>();
            return Behaviors.receive(Msg.class)
                    .onMessage(Found.class, f -> {
                        ActorRef<PoolProtocol.StoreAck> to = ctx.messageAdapter(PoolProtocol.StoreAck.class, Ack::new);
                        for (ActorRef<BackEndStore.Command> s : f.listing().getServiceInstances(BackEndStore.key(site))) {
                            s.tell(new BackEndStore.Store(id, writes, to));
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Ack.class, a -> {
                        if (++acks[0] >= quorum) {
                            replyTo.tell(new Written(id, true, acks[0]));
                            return Behaviors.stopped();
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(Timeout.INSTANCE, () -> {
                        replyTo.tell(new Written(id, false, acks[0]));
                        return Behaviors.stopped();
                    })
                    .build();
        }));
    }
}
