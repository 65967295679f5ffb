package io.poolpair.runtime.server;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

import java.util.HashMap;
import java.util.Map;

/**
 * Multi-node runs: the servers one node hosts. It starts each as an actor that heartbeats to its pool's
 * supervisor wherever that runs, and starts one again when the supervisor asks (a restart, or healing a kill).
 * When the node's JVM dies, its servers die with it: that is the failure the pools must survive.
 */
public final class ServerHost extends AbstractBehavior<ServerHost.Command> {

    public sealed interface Command extends io.poolpair.runtime.CborSerializable {}

    /**
     * Start {@code server} (again), with a new incarnation. The supervisor asks only for a server it takes for dead; one
     * still running here (its end not processed yet, or a zombie) is stopped first.
     */
    public record Spawn(String server) implements Command {}

    record Stopped(String server, int incarnation) implements Command {}

    /** How to make a server's actor: name, incarnation, the host (for heartbeats) and the pool supervisor to talk to. */
    @FunctionalInterface
    public interface ServerFactory {
        Behavior<ServerCommand> create(String server, int incarnation, ActorRef<Command> host);
    }

    private final Map<String, ServerFactory> servers;
    private final Map<String, Integer> incarnation = new HashMap<>();
    private final Map<String, ActorRef<ServerCommand>> running = new HashMap<>();

    /** @param servers the servers this node hosts, each with how to make it; all start at once */
    public static Behavior<Command> create(Map<String, ServerFactory> servers) {
        return Behaviors.setup(ctx -> new ServerHost(ctx, servers));
    }

    private ServerHost(ActorContext<Command> ctx, Map<String, ServerFactory> servers) {
        super(ctx);
        this.servers = Map.copyOf(servers);
        // incarnations start from the wall clock, so that a node restarted later never reuses one
        long base = System.currentTimeMillis() / 1000 % 1_000_000;
        for (String s : servers.keySet()) incarnation.put(s, (int) base * 100);
        for (String s : new java.util.TreeSet<>(servers.keySet())) spawn(s);
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Spawn.class, m -> {
                    if (!servers.containsKey(m.server())) return this;
                    ActorRef<ServerCommand> old = running.remove(m.server());
                    if (old != null) getContext().stop(old);
                    spawn(m.server());
                    return this;
                })
                .onMessage(Stopped.class, m -> {
                    if (incarnation.get(m.server()) == m.incarnation()) running.remove(m.server());
                    return this;
                })
                .build();
    }

    private void spawn(String server) {
        int inc = incarnation.merge(server, 1, Integer::sum);
        ActorRef<ServerCommand> ref = getContext().spawn(servers.get(server).create(server, inc, getContext().getSelf()),
                server + "-" + inc);
        getContext().watchWith(ref, new Stopped(server, inc));
        running.put(server, ref);
    }
}
