package io.poolpair.cluster;

import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.NodeSpec;
import io.poolpair.model.topology.Placement;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.BackEndStore;
import io.poolpair.runtime.pool.FrontEndPoolSupervisor;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.Remote;
import io.poolpair.runtime.pool.SpreadPoolSupervisor;
import io.poolpair.runtime.server.FrontEndServer;
import io.poolpair.runtime.server.PooledServer;
import io.poolpair.runtime.server.ServerHost;
import io.poolpair.runtime.site.SiteServicesActor;
import io.poolpair.runtime.users.PoolUsers;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The emulation on a cluster node (multi-node runs). Every node of a site runs:
 * <ul>
 *   <li>the servers its placement gives it, as actors under a {@link ServerHost}: they heartbeat to their pool's
 *       supervisor wherever it runs, and Front Ends hold their routing groups' writes;</li>
 *   <li>one replica of its site's back-end store ({@link BackEndStore});</li>
 *   <li>a {@link ClusterSingleton} per pool of its site (the pool's supervisor) and per Front End pool with users
 *       (its users): Pekko runs each on the oldest node of the site (a data center) and starts it again on the next
 *       one when that node leaves or is downed; a new supervisor rebuilds its pool from its servers' reports;</li>
 *   <li>a membership watcher: a node of its site that becomes unreachable or is removed takes its servers down at
 *       once in their pools, before their missed heartbeats would;</li>
 *   <li>a bridge of its event bus to the deployment's event topic ({@link DeploymentEvents}): every node receives the
 *       events of every node, for its dashboard.</li>
 * </ul>
 * A paired pool's users actor is also its half of the pool pair: the Backup Service to the partner's site and the
 * failover and failback between them (docs/cluster.md, "Pool pairs across sites").
 */
public final class ClusterDeployment {

    private final ActorSystem<?> system;
    private final Topology topology;
    private final NodeSpec self;
    private final Map<String, ActorRef<PoolProtocol.Command>> pools = new LinkedHashMap<>();
    private final Map<String, ActorRef<PoolUsers.Command>> users = new LinkedHashMap<>();
    private final Map<String, ActorRef<SiteServicesActor.Command>> siteServices = new LinkedHashMap<>();
    /** The pools of this node's site. */
    private final List<String> sitePools = new ArrayList<>();
    private final EmulatorSettings settings;
    private final EmulationClock clock;
    private final DeploymentEvents events;

    private ClusterDeployment(ActorSystem<?> system, Topology topology, NodeSpec self, EmulatorSettings settings,
                              EmulationClock clock, DeploymentEvents events) {
        this.system = system;
        this.topology = topology;
        this.self = self;
        this.settings = settings;
        this.clock = clock;
        this.events = events;
    }

    /**
     * Starts this node's share of the emulation on its (already started) cluster node.
     *
     * @param runStartWallMs the emulated zero shared by every node of the run
     */
    public static ClusterDeployment start(ClusterNode node, Topology topology, EmulatorSettings settings, long runStartWallMs,
                                          Duration gather) {
        Placement placement = topology.placementIfAny().orElseThrow();
        NodeSpec self = placement.node(node.settings().node()).orElseThrow();
        ActorSystem<?> system = node.system();
        EventBus bus = node.events();
        EmulationClock clock = new EmulationClock.ScaledWallClock(settings.timeScale(), runStartWallMs);
        ClusterDeployment d = new ClusterDeployment(system, topology, self, settings, clock,
                DeploymentEvents.start(system, self.name(), bus));
        String site = self.site();
        int siteNodes = placement.nodesIn(site).size();
        Map<String, String> nodeOf = new LinkedHashMap<>();
        for (NodeSpec n : placement.nodes()) for (String server : n.servers()) nodeOf.put(server, n.name());
        Remote remote = new Remote(site, siteNodes / 2 + 1, gather, Duration.ofMillis(Math.max(1500, 3 * settings.wallHeartbeatMs())),
                Duration.ofMillis(Math.max(1000, 2 * settings.wallHeartbeatMs())), nodeOf);
        system.systemActorOf(BackEndStore.create(self.name(), site), "back-end-store", Props.empty());

        ClusterSingleton singletons = ClusterSingleton.get(system);
        // a singleton of this site runs here when this node is the site's oldest; one of another site is reached by a
        // proxy that finds that site's oldest node (messages wait in the proxy while it moves, or the link is cut)
        for (PoolSpec p : topology.pools()) {
            boolean here = p.site().equals(site);
            Behavior<PoolProtocol.Command> b = !here ? Behaviors.empty() : p.role() == Role.FRONT_END
                    ? FrontEndPoolSupervisor.create(p, topology.version(), settings, clock, bus, null, remote)
                    : SpreadPoolSupervisor.create(p, topology.version(), settings, clock, bus, null, remote);
            ActorRef<PoolProtocol.Command> proxy = singletons.init(SingletonActor.of(
                    Behaviors.supervise(b).onFailure(SupervisorStrategy.restart()), "pool-" + p.name())
                    .withSettings(ClusterSingletonSettings.create(system).withDataCenter(p.site())));
            d.pools.put(p.name(), proxy);
            if (here) d.sitePools.add(p.name());
        }
        // each site's copy of the CMS and the Edge routes: a singleton of the site, with proxies to the other sites' copies
        List<String> sites = new ArrayList<>();
        for (NodeSpec n : placement.nodes()) if (!sites.contains(n.site())) sites.add(n.site());
        for (String s : sites) {
            Behavior<SiteServicesActor.Command> b = Behaviors.empty();
            if (s.equals(site)) {
                Map<String, ActorRef<SiteServicesActor.Command>> peers = new LinkedHashMap<>();
                for (String other : sites) {
                    if (!other.equals(site)) peers.put(other, singletons.init(SingletonActor.of(
                            Behaviors.<SiteServicesActor.Command>empty(), "site-services-" + other)
                            .withSettings(ClusterSingletonSettings.create(system).withDataCenter(other))));
                }
                b = Behaviors.supervise(SiteServicesActor.create(topology, site, settings, clock, bus, d.pools, peers))
                        .onFailure(SupervisorStrategy.restart());
            }
            d.siteServices.put(s, singletons.init(SingletonActor.of(b, "site-services-" + s)
                    .withSettings(ClusterSingletonSettings.create(system).withDataCenter(s))));
        }
        long seed = settings.workload().seed();
        for (PoolSpec p : topology.poolsOf(Role.FRONT_END)) {
            seed++;
            boolean here = p.site().equals(site);
            PoolSpec partner = p.backupPool() == null ? null : topology.pool(p.backupPool()).orElse(null);
            Behavior<PoolUsers.Command> b;
            if (here) {
                ActorRef<PoolUsers.Command> partnerRef = partner == null ? null : singletons.init(SingletonActor.of(
                        Behaviors.<PoolUsers.Command>empty(), "users-" + partner.name())
                        .withSettings(ClusterSingletonSettings.create(system).withDataCenter(partner.site())));
                b = PoolUsers.create(p, partner, partnerRef, settings, clock, bus, d.pools.get(p.name()), remote.storeQuorum(), seed,
                        d.siteServices.get(site));
            } else {
                b = Behaviors.empty();
            }
            ActorRef<PoolUsers.Command> proxy = singletons.init(SingletonActor.of(b, "users-" + p.name())
                    .withSettings(ClusterSingletonSettings.create(system).withDataCenter(p.site())));
            d.users.put(p.name(), proxy);
        }

        Map<String, ServerHost.ServerFactory> hosted = new LinkedHashMap<>();
        Duration heartbeat = Duration.ofMillis(settings.wallHeartbeatMs());
        for (String server : self.servers()) {
            PoolSpec p = topology.poolOfServer(server).orElseThrow();
            ActorRef<PoolProtocol.Command> sup = d.pools.get(p.name());
            if (sup == null) continue; // placement validation keeps a pool's servers in its site
            Role role = p.role();
            hosted.put(server, role == Role.FRONT_END
                    ? (name, inc, host) -> FrontEndServer.create(name, inc, sup, heartbeat, host, remote.replicationTimeout())
                    : (name, inc, host) -> PooledServer.create(role, name, inc, sup, heartbeat, host));
        }
        system.systemActorOf(ServerHost.create(hosted), "servers", Props.empty());
        system.systemActorOf(membershipWatcher(placement, site, topology, d.pools), "pool-membership", Props.empty());
        return d;
    }

    /** Unreachable or removed nodes of this site: their servers are down in their pools now. */
    private static Behavior<Object> membershipWatcher(Placement placement, String site, Topology topology,
                                                      Map<String, ActorRef<PoolProtocol.Command>> pools) {
        return Behaviors.<Object>setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.UnreachableMember.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberRemoved.class));
            return Behaviors.receiveMessage(msg -> {
                Member m = msg instanceof ClusterEvent.UnreachableMember u ? u.member()
                        : msg instanceof ClusterEvent.MemberRemoved r ? r.member() : null;
                if (m == null || !m.dataCenter().equals(site)) return Behaviors.same();
                String node = null;
                for (String role : m.getRoles()) {
                    if (role.startsWith(ClusterNode.NODE_ROLE_PREFIX)) node = role.substring(ClusterNode.NODE_ROLE_PREFIX.length());
                }
                if (node == null) return Behaviors.same();
                Map<String, List<String>> byPool = new LinkedHashMap<>();
                for (String server : placement.node(node).map(NodeSpec::servers).orElse(List.of())) {
                    topology.poolOfServer(server).ifPresent(p -> byPool.computeIfAbsent(p.name(), x -> new ArrayList<>()).add(server));
                }
                String n = node;
                byPool.forEach((pool, servers) -> {
                    ActorRef<PoolProtocol.Command> ref = pools.get(pool);
                    if (ref != null) ref.tell(new PoolProtocol.ServersUnreachable(n, servers));
                });
                return Behaviors.same();
            });
        });
    }

    public NodeSpec self() { return self; }

    public Topology topology() { return topology; }

    public EmulatorSettings settings() { return settings; }

    /** The run's emulated time, shared by every node (the same emulated zero). */
    public EmulationClock clock() { return clock; }

    /** The events of the whole deployment as this node receives them (every node's, merged in arrival order). */
    public DeploymentEvents events() { return events; }

    /** The supervisors (singleton proxies) of every pool, by name, this site's first. */
    public Map<String, ActorRef<PoolProtocol.Command>> pools() { return java.util.Collections.unmodifiableMap(pools); }

    /** The pools of this node's site. */
    public List<String> sitePools() { return List.copyOf(sitePools); }

    /** Each site's copy of the CMS and the Edge routes (singleton proxies), by site. */
    public Map<String, ActorRef<SiteServicesActor.Command>> siteServices() {
        return java.util.Collections.unmodifiableMap(siteServices);
    }

    /** The users and pool-pair halves (singleton proxies) of every Front End pool, by pool. */
    public Map<String, ActorRef<PoolUsers.Command>> users() { return java.util.Collections.unmodifiableMap(users); }

    /**
     * The end of a run for this site: each of its Front End pools' users stop, wait for what is in flight, and record
     * their final read in the history of the node they run on.
     */
    public CompletionStage<List<PoolUsers.FinalReadDone>> finalRead(Duration timeout) {
        List<CompletableFuture<PoolUsers.FinalReadDone>> all = new ArrayList<>();
        for (Map.Entry<String, ActorRef<PoolUsers.Command>> e : users.entrySet()) {
            if (!sitePools.contains(e.getKey())) continue;
            ActorRef<PoolUsers.Command> u = e.getValue();
            all.add(AskPattern.<PoolUsers.Command, PoolUsers.FinalReadDone>ask(u, PoolUsers.FinalRead::new, timeout,
                    system.scheduler()).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0]))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }
}
