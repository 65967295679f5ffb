package io.poolpair.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import io.poolpair.runtime.journal.EventBus;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One node of a multi-node run: an ActorSystem named {@value #SYSTEM_NAME}, a member of a Pekko Cluster over Artery
 * TCP, in the data center named after its site, with the Split Brain Resolver on (settings and their reasons:
 * {@code poolpair/cluster.conf}, docs/cluster.md). It logs and journals every membership change it sees
 * ({@code cluster.jsonl}) and writes its own {@code events.jsonl}.
 * The emulation's share of the node is started on it by {@link ClusterDeployment}.
 */
public final class ClusterNode implements AutoCloseable {

    /** The name of every node's ActorSystem: members of one cluster share it. */
    public static final String SYSTEM_NAME = "poolpair";
    /** Each node carries the cluster role {@code node-NAME}, so every member knows the others' names. */
    public static final String NODE_ROLE_PREFIX = "node-";
    /** Pekko gives each member the role {@code dc-SITE} for its data center. */
    public static final String DATA_CENTER_ROLE_PREFIX = "dc-";
    /** The node's Pekko settings, above Pekko's reference.conf. */
    public static final String SETTINGS_RESOURCE = "poolpair/cluster.conf";

    private final NodeSettings settings;
    private final ActorSystem<Void> system;
    private final MembershipJournal journal;
    private final EventBus events;
    private final long startWallMs;
    private final CompletableFuture<Done> up = new CompletableFuture<>();
    private final CompletableFuture<Done> terminated = new CompletableFuture<>();

    private ClusterNode(NodeSettings settings, Config overrides) {
        this.settings = settings;
        this.startWallMs = System.currentTimeMillis();
        try {
            Files.createDirectories(settings.folder());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.journal = new MembershipJournal(settings.folder().resolve("cluster.jsonl"));
        this.events = new EventBus(settings.folder().resolve("events.jsonl"), false);
        journal.subscribe(e -> {
            if (e.type().equals("self-up")) {
                up.complete(Done.getInstance());
                marker("node-up", settings.node() + " is Up in data center " + settings.site());
            } else if (e.type().equals("self-removed")) {
                marker("node-removed", settings.node() + " was removed from the cluster (" + e.detail() + ")");
            }
        });
        Config config = config(settings, overrides);
        ActorSystem<Void> sys;
        try {
            sys = ActorSystem.create(guardian(settings, journal), SYSTEM_NAME, config);
        } catch (RuntimeException e) {
            journal.close();
            events.close();
            throw e;
        }
        this.system = sys;
        system.getWhenTerminated().whenComplete((d, ex) -> {
            marker("node-stopped", settings.node() + " stopped: " + shutdownReason().orElse("terminated"));
            journal.close();
            events.close();
            terminated.complete(Done.getInstance());
        });
        marker("node-started", settings.node() + " in site " + settings.site() + " at " + selfAddress() + "; hosts "
                + (settings.servers().isEmpty() ? "no server" : String.join(", ", settings.servers())));
    }

    /**
     * Starts the node; it joins through its seed nodes in the background ({@link #up()} completes when it is Up).
     *
     * @param overrides more settings, above everything else (e.g. Pekko Management's); may be empty
     * @throws RuntimeException from Pekko when the ActorSystem cannot start (e.g. the port is taken)
     */
    public static ClusterNode start(NodeSettings settings, Config overrides) {
        return new ClusterNode(settings, overrides);
    }

    /**
     * One line saying why {@link #start} failed, e.g. {@code cannot listen on 127.0.0.1:25520: Address already in use}
     * (the innermost cause, without Pekko's bracketed prefixes).
     */
    public static String describeStartFailure(Throwable t) {
        Throwable c = t;
        String bind = null;
        while (c != null) {
            if (c instanceof java.net.BindException && bind == null) bind = c.getMessage();
            if (c.getCause() == null || c.getCause() == c) break;
            c = c.getCause();
        }
        String why = bind != null ? bind : c.getMessage() == null ? c.toString() : c.getMessage();
        why = why.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        String top = t.getMessage() == null ? "" : t.getMessage();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([^\\]]+:\\d+)\\]").matcher(top);
        String where = m.find() ? m.group(1) : null;
        return where != null ? "cannot listen on " + where + ": " + why : why;
    }

    /** {@code pekko://poolpair@HOST:PORT}. */
    public static String address(String host, int port) {
        return "pekko://" + SYSTEM_NAME + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * The node's settings: {@code overrides}, then the command line's (host, port, seeds, data center, role), then
     * -D system properties, then {@link #SETTINGS_RESOURCE}, then Pekko's reference.conf.
     */
    public static Config config(NodeSettings s, Config overrides) {
        Map<String, Object> node = new HashMap<>();
        node.put("pekko.remote.artery.canonical.hostname", s.host());
        node.put("pekko.remote.artery.canonical.port", s.port());
        node.put("pekko.cluster.seed-nodes", s.seeds().stream().map(NodeSettings.Seed::address).toList());
        node.put("pekko.cluster.multi-data-center.self-data-center", s.site());
        node.put("pekko.cluster.roles", List.of(NODE_ROLE_PREFIX + s.node()));
        Config cli = ConfigFactory.parseMap(node, "poolpair node command line");
        return overrides
                .withFallback(cli)
                .withFallback(ConfigFactory.systemProperties())
                .withFallback(ConfigFactory.parseResources(ClusterNode.class.getClassLoader(), SETTINGS_RESOURCE))
                .withFallback(ConfigFactory.load(ClusterNode.class.getClassLoader()))
                .resolve();
    }

    private static Behavior<Void> guardian(NodeSettings s, MembershipJournal journal) {
        return Behaviors.setup(ctx -> {
            ctx.spawn(MembershipListener.create(s.node(), s.site(), journal::publish, System::currentTimeMillis), "membership");
            return Behaviors.empty();
        });
    }

    private void marker(String marker, String detail) {
        long now = System.currentTimeMillis();
        events.publish(new RunMarker(new Time(now, now - startWallMs), new Where(settings.site(), null, null, null), marker,
                detail));
    }

    public NodeSettings settings() { return settings; }

    /** The node's event bus ({@code events.jsonl}, the console timeline). */
    public EventBus events() { return events; }

    public ActorSystem<Void> system() { return system; }

    /** This node's cluster address, with the port actually bound. */
    public String selfAddress() {
        return Cluster.get(system).selfMember().address().toString();
    }

    /** The Artery port actually bound (the one asked for, or the free one picked for port 0). */
    public int boundPort() {
        return Cluster.get(system).selfMember().address().getPort().orElse(settings.port());
    }

    /** Completes when this node is Up in the cluster. */
    public CompletionStage<Done> up() { return up; }

    /** Completes when the node's ActorSystem has terminated (left, downed, or closed) and its journals are closed. */
    public CompletionStage<Done> terminated() { return terminated; }

    /** Membership events as they happen (after those already journaled). */
    public void subscribe(Consumer<MembershipEvent> listener) { journal.subscribe(listener); }

    public Path folder() { return settings.folder(); }

    /**
     * Why the node shut down, once it has: "leave" (asked to leave, or SIGTERM), "downed" (the cluster downed or
     * removed it), or Pekko's reason otherwise; empty while it runs.
     */
    public Optional<String> shutdownReason() {
        return CoordinatedShutdown.get(system).getShutdownReason().map(ClusterNode::reason);
    }

    private static String reason(CoordinatedShutdown.Reason r) {
        if (r == CoordinatedShutdown.jvmExitReason() || r == CoordinatedShutdown.clusterLeavingReason()) return "leave";
        if (r == CoordinatedShutdown.clusterDowningReason()) return "downed";
        if (r == CoordinatedShutdown.clusterJoinUnsuccessfulReason()) return "join-unsuccessful";
        String name = r.getClass().getSimpleName().replace("$", "");
        return name.endsWith("Reason") ? name.substring(0, name.length() - "Reason".length()) : name;
    }

    /** Leaves the cluster gracefully; the node shuts down once it is removed ({@link #terminated()}). */
    public void leave() {
        Cluster cluster = Cluster.get(system);
        cluster.manager().tell(Leave.create(cluster.selfMember().address()));
    }

    /** Terminates the ActorSystem (leaving the cluster on the way) and waits for it. */
    @Override
    public void close() {
        CoordinatedShutdown.get(system).run(CoordinatedShutdown.clusterLeavingReason());
        terminated.toCompletableFuture().join();
    }
}
