package io.poolpair.runtime.pool;

import io.poolpair.model.dr.WriteRecord;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Multi-node runs: one replica of a site's back-end data, on every node of the site. A pool's lazy flush is
 * durable once a majority of the site's replicas hold it (as the SQL back end's data survives the loss of one
 * machine), so killing any one node loses nothing the back end had. Holds, per home pool and user, the ids of
 * the user's writes; that is what the final read of a run returns.
 */
public final class BackEndStore extends AbstractBehavior<BackEndStore.Command> {

    public sealed interface Command extends io.poolpair.runtime.CborSerializable {}

    /** Hold these writes (of any home pool) and say so to {@code replyTo} with {@code flush}. */
    public record Store(long flush, List<WriteRecord> writes, ActorRef<PoolProtocol.StoreAck> replyTo) implements Command {
        public Store {
            writes = List.copyOf(writes);
        }
    }

    /** What this replica holds for a home pool's users. */
    public record Read(String homePool, ActorRef<Contents> replyTo) implements Command {}

    public record Contents(String node, String homePool, Map<Integer, List<Long>> byUser)
            implements io.poolpair.runtime.CborSerializable {}

    /** Keep a small piece of state (a pool pair half's roles) under {@code key}; a lower {@code version} is ignored. */
    public record PutState(String key, long version, String value) implements Command {}

    public record GetState(String key, ActorRef<State> replyTo) implements Command {}

    /** A state as this replica holds it ({@code version} -1 and a null value: none). */
    public record State(String key, long version, String value) implements io.poolpair.runtime.CborSerializable {}

    /** The receptionist key of a site's replicas. */
    public static ServiceKey<Command> key(String site) {
        return ServiceKey.create(Command.class, "back-end-store-" + site);
    }

    private final String node;
    private final Map<String, Map<Integer, TreeSet<Long>>> data = new HashMap<>();
    private final Map<String, State> states = new HashMap<>();

    /** A replica that registers itself with the receptionist under {@link #key} of its site. */
    public static Behavior<Command> create(String node, String site) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(key(site), ctx.getSelf()));
            return new BackEndStore(ctx, node);
        });
    }

    private BackEndStore(ActorContext<Command> ctx, String node) {
        super(ctx);
        this.node = node;
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Store.class, this::onStore)
                .onMessage(Read.class, this::onRead)
                .onMessage(PutState.class, p -> {
                    State old = states.get(p.key());
                    if (old == null || old.version() < p.version()) states.put(p.key(), new State(p.key(), p.version(), p.value()));
                    return this;
                })
                .onMessage(GetState.class, g -> {
                    g.replyTo().tell(states.getOrDefault(g.key(), new State(g.key(), -1, null)));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onStore(Store s) {
        for (WriteRecord w : s.writes()) {
            data.computeIfAbsent(w.homePool(), p -> new HashMap<>()).computeIfAbsent(w.user(), u -> new TreeSet<>()).add(w.id());
        }
        s.replyTo().tell(new PoolProtocol.StoreAck(s.flush()));
        return this;
    }

    private Behavior<Command> onRead(Read r) {
        Map<Integer, List<Long>> out = new TreeMap<>();
        data.getOrDefault(r.homePool(), Map.of()).forEach((u, ids) -> out.put(u, new ArrayList<>(ids)));
        r.replyTo().tell(new Contents(node, r.homePool(), out));
        return this;
    }
}
