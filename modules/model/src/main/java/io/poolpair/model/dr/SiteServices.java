package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.CmsMoved;
import io.poolpair.model.event.FailoverEvent.EdgeRouteChanged;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deployment-wide state the pool failover procedure depends on (spec §3.3, §6.2): where the active
 * Central Management Store lives, each Edge pool's next hop, and which Edge pool carries outbound
 * federation and XMPP. It checks the preconditions SfB enforces before a pool failover.
 */
public final class SiteServices {

    private final Topology topology;
    private String cmsPool;
    private final Map<String, String> nextHop = new LinkedHashMap<>();
    private String federationEdge;
    private final Map<String, Boolean> poolUp = new LinkedHashMap<>();
    private String cmsTarget;
    private long cmsDueMs = -1;
    private String cmsMode;

    public SiteServices(Topology topology) {
        this.topology = topology;
        this.cmsPool = topology.cmsPool();
        for (PoolSpec p : topology.poolsOf(Role.EDGE)) nextHop.put(p.name(), p.nextHop());
        String cmsSite = topology.pool(cmsPool).map(PoolSpec::site).orElse(null);
        this.federationEdge = topology.poolsOf(Role.EDGE).stream().filter(e -> e.site().equals(cmsSite)).map(PoolSpec::name)
                .findFirst().orElse(topology.poolsOf(Role.EDGE).stream().map(PoolSpec::name).findFirst().orElse(null));
        for (PoolSpec p : topology.pools()) poolUp.put(p.name(), false);
    }

    /**
     * What an admin changed here, as one site's copy of it travels to another site's (multi-node runs, {@link CmsReplica}):
     * the active CMS master, a CMS failover running (its target, when it completes, emulated ms, or -1, its mode), each
     * Edge pool's next hop and the federation route. Which pools serve is not part of it: each site sees that itself.
     */
    public record State(String cmsPool, String cmsTarget, long cmsDueMs, String cmsMode, Map<String, String> nextHops,
                        String federationEdge) {
        public State {
            nextHops = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(nextHops));
        }
    }

    public State state() {
        return new State(cmsPool, cmsTarget, cmsDueMs, cmsMode, nextHop, federationEdge);
    }

    /** Takes another copy's state (see {@link #state}); which pools serve stays as this copy saw it. */
    public void restore(State s) {
        cmsPool = s.cmsPool();
        cmsTarget = s.cmsTarget();
        cmsDueMs = s.cmsDueMs();
        cmsMode = s.cmsMode();
        nextHop.clear();
        nextHop.putAll(s.nextHops());
        federationEdge = s.federationEdge();
    }

    /** The target of the running CMS failover, or null. */
    public String cmsTarget() { return cmsTarget; }

    /** Whether this copy sees {@code pool} serving. */
    public boolean serving(String pool) { return poolUp.getOrDefault(pool, false); }

    /** Whether a pool serves (Front End: running; Edge/Director: a server up). */
    public List<FailoverEvent> poolServing(String pool, boolean up, Time now) {
        Boolean before = poolUp.put(pool, up);
        List<FailoverEvent> ev = new ArrayList<>();
        if (pool.equals(federationEdge) && before != null && before && !up) {
            PoolSpec e = topology.pool(pool).orElseThrow();
            ev.add(new ServiceDropped(now, Where.pool(e.site(), pool), "federation routes", 1,
                    "outbound federation and XMPP go through " + pool + ": down until an admin moves the federation route"
                            + " (move-federation-route) [L5][S11]"));
        }
        return ev;
    }

    /**
     * Deployment-level checks before {@code Invoke-CsPoolFailover} for {@code home}: the CMS first, then any
     * surviving Edge whose next hop is the failed pool. Null when the failover may proceed.
     */
    public String failoverPrecondition(String home) {
        if (cmsDueMs >= 0) {
            return "the CMS failover to " + cmsTarget + " is still running: Invoke-CsPoolFailover fails until it completes [S11]";
        }
        if (home.equals(cmsPool)) {
            return "pool " + home + " hosts the active Central Management Store: fail the CMS over first"
                    + " (failover-cms, Invoke-CsManagementServerFailover) [S11]";
        }
        for (Map.Entry<String, String> e : nextHop.entrySet()) {
            if (home.equals(e.getValue()) && poolUp.getOrDefault(e.getKey(), false)) {
                return "Edge pool " + e.getKey() + " uses " + home + " as its next hop: re-point it first"
                        + " (set-edge-next-hop) [S11]";
            }
        }
        return null;
    }

    /**
     * {@code Invoke-CsManagementServerFailover} [P4]: the active CMS master moves to its pool's partner.
     * Without force the master must be up (replication completes, no loss); with force (disaster) it may be down.
     */
    public AdminResult failoverCms(String target, boolean force, Time now) {
        return failoverCms(target, force, now, 0);
    }

    /**
     * The same, taking {@code durationMs} (emulated) to complete: the master moves at {@link #completeCms}, and
     * a pool failover is refused until then.
     */
    public AdminResult failoverCms(String target, boolean force, Time now, long durationMs) {
        return failoverCms(target, force, now, durationMs, SiteLink.UP);
    }

    /**
     * The same, with the site link between the master's and the standby's sites in its condition {@code link}
     * ({@link SiteLinks}): a planned CMS failover (master up, no force) first completes the replication to the
     * standby, so it is refused while that link is cut. A forced failover does not wait for replication.
     */
    public AdminResult failoverCms(String target, boolean force, Time now, long durationMs, SiteLink link) {
        String verb = "failover-cms";
        if (cmsDueMs >= 0) {
            return refused(now, Where.pool(null, cmsPool), verb, "a CMS failover to " + cmsTarget + " is already running");
        }
        PoolSpec cms = topology.pool(cmsPool).orElseThrow();
        String partner = cms.backupPool();
        Where w = Where.pool(cms.site(), cmsPool);
        if (partner == null) {
            return refused(now, w, verb, "CMS pool " + cmsPool + " has no backup pool: there is no standby CMS");
        }
        String to = target == null ? partner : target;
        if (!to.equals(partner)) {
            return refused(now, w, verb, "the standby CMS of " + cmsPool + " is on " + partner + ", not " + to);
        }
        if (!poolUp.getOrDefault(to, false)) return refused(now, w, verb, "target pool " + to + " is not running");
        boolean masterUp = poolUp.getOrDefault(cmsPool, false);
        if (!masterUp && !force) {
            return refused(now, w, verb, "the CMS master pool " + cmsPool + " is down: a disaster-mode CMS failover needs force");
        }
        if (masterUp && !force && !link.carries()) {
            return refused(now, w, verb, "the site link between " + cms.site() + " and " + topology.pool(to).map(PoolSpec::site).orElse("?")
                    + " is cut: a planned CMS failover cannot complete the replication to the standby CMS on " + to
                    + " (heal the link, or use force and lose what was not replicated)");
        }
        cmsMode = masterUp ? "planned: replication completed, source read-only" : "disaster (force)";
        if (durationMs > 0) {
            cmsTarget = to;
            cmsDueMs = now.emulatedMs() + durationMs;
            return AdminResult.done(List.of(), "CMS failover to " + to + " started (" + cmsMode + ")");
        }
        cmsTarget = to;
        List<FailoverEvent> ev = completeCms(now);
        return AdminResult.done(ev, "CMS active master now " + to);
    }

    /** When a running CMS failover completes (emulated ms), or -1. */
    public long cmsDueMs() { return cmsDueMs; }

    /** Completes a running CMS failover: the active master is now the target. */
    public List<FailoverEvent> completeCms(Time now) {
        if (cmsTarget == null) return List.of();
        String from = cmsPool;
        cmsPool = cmsTarget;
        cmsTarget = null;
        cmsDueMs = -1;
        return List.of(new CmsMoved(now, Where.pool(topology.pool(cmsPool).orElseThrow().site(), cmsPool), from, cmsPool, cmsMode));
    }

    /** {@code Set-CsEdgeServer -Registrar} / Topology Builder next hop [S11]. */
    public AdminResult setEdgeNextHop(String edge, String pool, Time now) {
        String verb = "set-edge-next-hop";
        Optional<PoolSpec> e = topology.pool(edge);
        if (e.isEmpty() || e.get().role() != Role.EDGE) {
            return refused(now, Where.pool(null, edge), verb, "no Edge pool named " + edge);
        }
        Optional<PoolSpec> p = topology.pool(pool);
        if (p.isEmpty() || (p.get().role() != Role.FRONT_END && p.get().role() != Role.DIRECTOR)) {
            return refused(now, Where.pool(e.get().site(), edge), verb, "no Front End or Director pool named " + pool);
        }
        String from = nextHop.put(edge, pool);
        return AdminResult.done(List.of(new EdgeRouteChanged(now, Where.pool(e.get().site(), edge), "next hop", from, pool)),
                "next hop of " + edge + " is now " + pool);
    }

    /** Moves outbound federation and XMPP to another Edge pool (Topology Builder, Set-CsSite -XmppExternalFederationRoute). */
    public AdminResult moveFederationRoute(String edge, Time now) {
        String verb = "move-federation-route";
        Optional<PoolSpec> e = topology.pool(edge);
        if (e.isEmpty() || e.get().role() != Role.EDGE) {
            return refused(now, Where.pool(null, edge), verb, "no Edge pool named " + edge);
        }
        if (!poolUp.getOrDefault(edge, false)) return refused(now, Where.pool(e.get().site(), edge), verb, "Edge pool " + edge + " is down");
        String from = federationEdge;
        federationEdge = edge;
        return AdminResult.done(List.of(new EdgeRouteChanged(now, Where.pool(e.get().site(), edge), "federation route", from, edge)),
                "outbound federation and XMPP now go through " + edge);
    }

    /**
     * The serving Edge pools whose next hop is {@code pool}: what must be re-pointed ({@code set-edge-next-hop}) before
     * {@code pool} can be failed over (the automatic policy does it, to the pool's partner).
     */
    public List<String> edgesToRepoint(String pool) {
        List<String> out = new ArrayList<>();
        nextHop.forEach((edge, hop) -> {
            if (pool.equals(hop) && poolUp.getOrDefault(edge, false)) out.add(edge);
        });
        return out;
    }

    /**
     * Where the remote users of a dead Edge or Director pool go (spec §6.2, §6.3): they re-query DNS SRV and
     * reach a pool of the same role in another site that is up (SRV priority: topology order). Null if none.
     */
    public String srvFallback(String deadPool) {
        PoolSpec dead = topology.pool(deadPool).orElseThrow();
        for (PoolSpec other : topology.poolsOf(dead.role())) {
            if (!other.site().equals(dead.site()) && poolUp.getOrDefault(other.name(), false)) return other.name();
        }
        return null;
    }

    /** Whether clients can reach a Director to sign in through: always where the topology has none. */
    public boolean directorsReachable() {
        List<PoolSpec> directors = topology.poolsOf(Role.DIRECTOR);
        return directors.isEmpty() || directors.stream().anyMatch(d -> poolUp.getOrDefault(d.name(), false));
    }

    public String cmsPool() { return cmsPool; }

    public String nextHopOf(String edge) { return nextHop.get(edge); }

    public String federationEdge() { return federationEdge; }

    /** Whether outbound federation and XMPP work now. */
    public boolean federationUp() { return federationEdge != null && poolUp.getOrDefault(federationEdge, false); }

    private static AdminResult refused(Time now, Where w, String verb, String reason) {
        return AdminResult.refused(new AdminVerbRefused(now, w, verb, reason));
    }
}
