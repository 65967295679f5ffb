package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One site's copy of the deployment-wide configuration ({@link SiteServices}: the active CMS master, Edge next hops, the
 * federation route) in a multi-node run, where each site keeps its own copy and the copies reach each other by
 * messages that a cut link or a dead site stops.
 *
 * <p>The rules (docs/cluster.md, "The CMS and the Edge routes"), after SfB's Central Management Store [P4][S11]:
 * <ul>
 *   <li>One writer at a time. A configuration change ({@code set-edge-next-hop}, {@code move-federation-route}) is
 *       published at the active CMS master, so it runs at the copy of the master pool's site; a CMS failover runs at
 *       the copy of its target's site (the standby, which becomes the master). Each change raises this copy's
 *       version; starting a CMS failover also raises its epoch (a new writer).</li>
 *   <li>A copy sends its snapshot to the other sites after every change and again until they acknowledge it. A copy
 *       takes a snapshot that is newer than its own: higher epoch, then higher version (then, only for two writers
 *       that never should be, the lower site name).</li>
 *   <li>So when the master's site is cut off or dead and the standby's site fails the CMS over with force, the changes
 *       the old master made that no other site had acknowledged are lost once the sites meet again: the old master's
 *       copy takes the newer epoch and reports them ({@code data-lost}, as a disaster-mode CMS failover does in one
 *       JVM).</li>
 * </ul>
 */
public final class CmsReplica {

    /** What a copy sends to the others: its state, ordered by {@code (epoch, version)}, written last by {@code writer}. */
    public record Snapshot(long epoch, long version, String writer, SiteServices.State state) {

        /** Whether this snapshot should replace {@code other}. */
        public boolean newerThan(Snapshot other) {
            if (epoch != other.epoch) return epoch > other.epoch;
            if (version != other.version) return version > other.version;
            return writer != null && other.writer != null && writer.compareTo(other.writer) < 0;
        }
    }

    private final Topology topology;
    private final String site;
    private final SiteServices services;
    private long epoch;
    private long version;
    private String writer;
    /** Configuration changes made here that no other site acknowledged: emulated time by version (of this epoch). */
    private final TreeMap<Long, Long> unreplicated = new TreeMap<>();

    public CmsReplica(Topology topology, String site) {
        this.topology = topology;
        this.site = site;
        this.services = new SiteServices(topology);
    }

    /** The rules and the pools this copy sees serving ({@link SiteServices#poolServing}). */
    public SiteServices services() { return services; }

    public String site() { return site; }

    public Snapshot snapshot() {
        return new Snapshot(epoch, version, writer, services.state());
    }

    /** The site of the active CMS master pool, where configuration changes are published. */
    public String masterSite() {
        return siteOf(services.cmsPool());
    }

    /**
     * Where {@code failover-cms} with target {@code target} (null: the master's standby) runs: the target's site, which
     * then holds the master. Null when the CMS pool has no backup pool (this copy refuses it).
     */
    public String cmsFailoverSite(String target) {
        String to = target != null ? target : topology.pool(services.cmsPool()).map(PoolSpec::backupPool).orElse(null);
        return to == null ? null : siteOf(to);
    }

    /**
     * Which site's copy runs {@code verb}: a configuration change ({@code set-edge-next-hop}, {@code move-federation-route})
     * at the CMS master's site, {@code failover-cms} at its target's ({@code targetPool}, null: the standby), any other
     * verb here. Null when no site can (the CMS pool has no backup pool: this copy refuses it).
     */
    public String writerSite(io.poolpair.model.scenario.AdminVerb verb, String targetPool) {
        return switch (verb) {
            case FAILOVER_CMS -> cmsFailoverSite(targetPool);
            case SET_EDGE_NEXT_HOP, MOVE_FEDERATION_ROUTE -> masterSite();
            default -> site;
        };
    }

    /** Whether this copy completes the running CMS failover (it runs at its target's site). */
    public boolean completesCmsHere() {
        String t = services.cmsTarget();
        return t != null && site.equals(siteOf(t));
    }

    // ------------------------------------------------------------------ changes made here

    public AdminResult setEdgeNextHop(String edge, String pool, Time now) {
        return changed(services.setEdgeNextHop(edge, pool, now), now);
    }

    public AdminResult moveFederationRoute(String edge, Time now) {
        return changed(services.moveFederationRoute(edge, now), now);
    }

    /**
     * {@code failover-cms} run here (the target's site): a new writer (epoch + 1). {@code masterReached}: a planned
     * failover first pulls the master's snapshot (the replication completes); when the master's copy did not answer,
     * the link counts as cut and only a forced failover goes ahead.
     */
    public AdminResult failoverCms(String target, boolean force, Time now, long durationMs, boolean masterReached) {
        boolean wasMaster = site.equals(masterSite());
        AdminResult r = services.failoverCms(target, force, now, durationMs, masterReached ? SiteLink.UP : SiteLink.CUT);
        if (r.refused()) return r;
        epoch++;
        version++;
        writer = site;
        if (!wasMaster) unreplicated.clear();
        return r;
    }

    /** The running CMS failover completes here: the target is the master now. */
    public List<FailoverEvent> completeCms(Time now) {
        List<FailoverEvent> ev = services.completeCms(now);
        if (!ev.isEmpty()) {
            version++;
            writer = site;
        }
        return ev;
    }

    private AdminResult changed(AdminResult r, Time now) {
        if (r.refused()) return r;
        version++;
        writer = site;
        unreplicated.put(version, now.emulatedMs());
        return r;
    }

    // ------------------------------------------------------------------ between the copies

    /**
     * Another site's snapshot arrived: taken when newer than this copy's. Configuration changes made here that the
     * other sites never acknowledged are then lost, and reported.
     */
    public List<FailoverEvent> receive(Snapshot s, Time now) {
        Snapshot mine = snapshot();
        if (!s.newerThan(mine)) return List.of();
        List<FailoverEvent> ev = new ArrayList<>();
        if (!unreplicated.isEmpty()) {
            String oldMaster = services.cmsPool();
            ev.add(new DataLost(now, Where.pool(siteOf(oldMaster), oldMaster), unreplicated.size(), unreplicated.firstEntry().getValue(),
                    unreplicated.lastEntry().getValue(), "disaster-mode CMS failover: configuration changes on " + oldMaster
                    + " not yet replicated to the standby CMS"));
            unreplicated.clear();
        }
        services.restore(s.state());
        epoch = s.epoch();
        version = s.version();
        writer = s.writer();
        return ev;
    }

    /** Another site acknowledged holding {@code theirs}: the changes it covers are replicated. */
    public void acknowledged(Snapshot theirs) {
        if (theirs.epoch() == epoch) unreplicated.headMap(theirs.version(), true).clear();
    }

    /** Whether some change made here waits for another site's acknowledgement. */
    public boolean unreplicated() { return !unreplicated.isEmpty(); }

    /** The emulated time of the oldest change made here that no other site acknowledged, or -1. */
    public long oldestUnreplicatedMs() {
        return unreplicated.isEmpty() ? -1 : unreplicated.firstEntry().getValue();
    }

    /** Takes back a snapshot kept by an earlier incarnation of this copy (its singleton moved to another node). */
    public void restore(Snapshot s) {
        if (s.newerThan(snapshot())) {
            services.restore(s.state());
            epoch = s.epoch();
            version = s.version();
            writer = s.writer();
        }
    }

    public Map<String, String> nextHops() {
        return services.state().nextHops();
    }

    private String siteOf(String pool) {
        return topology.pool(pool).map(PoolSpec::site).orElse(null);
    }
}
