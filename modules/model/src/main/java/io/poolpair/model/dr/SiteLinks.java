package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.FailoverEvent.SiteLinkCut;
import io.poolpair.model.event.FailoverEvent.SiteLinkHealed;
import io.poolpair.model.event.FailoverEvent.SiteLinkSlowed;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Durations;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.model.topology.Topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The network links between the sites of a deployment (data-center interconnects), one per pair of sites,
 * each {@link SiteLink#UP up}, {@link SiteLink#CUT cut} or slow, and what crosses each in the emulation.
 *
 * <p>What a link carries, and what a cut or a slow link does to it:
 * <ul>
 *   <li>The Backup Service between two paired pools in those sites (user data, conference content) and, when
 *       the pair holds the active CMS master, the CMS replication: cut, no sync reaches the partner (the
 *       direction is in {@code backlog} and its lag grows), and the next scheduled sync after the heal ships
 *       everything that waited; slow, each sync's data arrives the delay later. A planned failover or
 *       failback needs its final sync to cross: refused while the link is cut, longer by the delay while
 *       slow ({@link PoolPair}, {@link BackupService}).</li>
 *   <li>Outbound federation and XMPP of the Front End pools of one site, when the federation route's Edge
 *       pool is in the other: cut, they are dropped until the link heals ({@code service-dropped}).</li>
 *   <li>Listed but not enforced (the emulation does not route this traffic): an Edge pool's next hop in the
 *       other site, and a Persistent Chat pool stretched over both sites (its log shipping).</li>
 * </ul>
 * Clients do not cross a site link in the emulation (they reach their pools from wherever they are), so a
 * cut signs nobody out and moves nobody: each site keeps serving its own users, and users failed over to
 * the other site's pool stay there. A cut is not a pool failure either: the pools' Front Ends report their
 * own health within their site, so neither pool is seen down, the Registrar timers do not start, and the
 * automatic failover policy ({@code poolpair.dr.auto-failover}) has nothing to act on. That policy acts only
 * on a pool whose Front Ends stopped serving, never on a partner it cannot reach.
 */
public final class SiteLinks {

    private final Topology topology;
    private final Map<String, SiteLink> links = new LinkedHashMap<>();
    private final Map<String, Long> degradedSinceMs = new LinkedHashMap<>();

    public SiteLinks(Topology topology) {
        this.topology = topology;
    }

    /** What happened when a link was set: its events (the link's own first) and a line for the step's progress. */
    public record Change(boolean changed, List<FailoverEvent> events, String message) {
        public Change {
            events = List.copyOf(events);
        }
    }

    /** The link between two sites; {@link SiteLink#UP} within one site. */
    public SiteLink between(String siteA, String siteB) {
        if (siteA == null || siteB == null || siteA.equals(siteB)) return SiteLink.UP;
        return links.getOrDefault(key(siteA, siteB), SiteLink.UP);
    }

    /** The link the Backup Service of two paired pools crosses (that between their sites). */
    public SiteLink forPair(String poolA, String poolB) {
        return between(siteOfPool(poolA), siteOfPool(poolB));
    }

    /** One link between two sites of the topology and its condition now. */
    public record Entry(String siteA, String siteB, SiteLink link) {}

    /** Every link between two sites of the topology (each pair once, in topology order), up ones included. */
    public List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        List<String> sites = topology.sites().stream().map(x -> x.name()).toList();
        for (int i = 0; i < sites.size(); i++) {
            for (int j = i + 1; j < sites.size(); j++) {
                out.add(new Entry(sites.get(i), sites.get(j), between(sites.get(i), sites.get(j))));
            }
        }
        return out;
    }

    /** Every link that is not up, as {@code site-a <-> site-b: cut}. */
    public List<String> degraded() {
        List<String> out = new ArrayList<>();
        links.forEach((k, v) -> out.add(k.replace("|", " <-> ") + ": " + v.describe()));
        return out;
    }

    /**
     * Sets the link between two different sites to {@code to} (cut, slow, or up to heal it), with its
     * consequences as events. Setting the condition it already has changes nothing and publishes nothing.
     * {@code site} gives the current federation route and Edge next hops.
     */
    public Change set(String siteA, String siteB, SiteLink to, SiteServices site, Time now) {
        checkSite(siteA);
        checkSite(siteB);
        if (siteA.equals(siteB)) throw new IllegalArgumentException("a site link joins two different sites, got " + siteA + " twice");
        String k = key(siteA, siteB);
        String[] ends = k.split("\\|");
        SiteLink before = between(siteA, siteB);
        String name = ends[0] + " <-> " + ends[1];
        if (before.equals(to)) {
            return new Change(false, List.of(), "site link " + name + " is already " + to.describe());
        }
        List<FailoverEvent> ev = new ArrayList<>();
        List<String> carries = carries(ends[0], ends[1], site);
        Where w = new Where(null, null, null, null);
        if (to.state() == SiteLink.State.UP) {
            links.remove(k);
            long since = degradedSinceMs.remove(k);
            ev.add(new SiteLinkHealed(now, w, ends[0], ends[1], before.describe(), now.emulatedMs() - since, carries));
        } else {
            links.put(k, to);
            degradedSinceMs.putIfAbsent(k, now.emulatedMs());
            if (to.state() == SiteLink.State.CUT) {
                ev.add(new SiteLinkCut(now, w, ends[0], ends[1], carries));
                if (before.carries()) ev.addAll(federationCut(ends[0], ends[1], site, now));
            } else {
                ev.add(new SiteLinkSlowed(now, w, ends[0], ends[1], to.delayMs(), carries));
            }
        }
        return new Change(true, ev, "site link " + name + " " + before.describe() + " -> " + to.describe()
                + (carries.isEmpty() ? " (nothing of this deployment crosses it)" : ""));
    }

    /** Heals every link that is cut or slow (heal-all). */
    public List<Change> healAll(SiteServices site, Time now) {
        List<Change> out = new ArrayList<>();
        for (String k : new ArrayList<>(links.keySet())) {
            String[] ends = k.split("\\|");
            out.add(set(ends[0], ends[1], SiteLink.UP, site, now));
        }
        return out;
    }

    /**
     * What crosses the link between two sites in this deployment now, one phrase each: the Backup Service of
     * each pool pair across it, the CMS replication, outbound federation through the other site's Edge, Edge
     * next hops into the other site, and stretched Persistent Chat pools.
     */
    public List<String> carries(String siteA, String siteB, SiteServices site) {
        Set<String> out = new LinkedHashSet<>();
        for (PoolSpec p : topology.poolsOf(Role.FRONT_END)) {
            if (p.backupPool() == null) continue;
            PoolSpec q = topology.pool(p.backupPool()).orElse(null);
            if (q == null || !across(p.site(), q.site(), siteA, siteB)) continue;
            String first = p.name().compareTo(q.name()) <= 0 ? p.name() : q.name();
            String second = first.equals(p.name()) ? q.name() : p.name();
            out.add("Backup Service " + first + " <-> " + second + " (user data, conference content)");
            String cms = site == null ? topology.cmsPool() : site.cmsPool();
            if (cms.equals(p.name()) || cms.equals(q.name())) {
                out.add("CMS replication " + cms + " -> " + (cms.equals(p.name()) ? q.name() : p.name()));
            }
        }
        for (String pool : federationAcross(siteA, siteB, site)) {
            out.add("outbound federation and XMPP of " + pool + " through " + site.federationEdge());
        }
        for (PoolSpec e : topology.poolsOf(Role.EDGE)) {
            String hop = site == null ? e.nextHop() : site.nextHopOf(e.name());
            String hopSite = hop == null ? null : siteOfPool(hop);
            if (hopSite != null && across(e.site(), hopSite, siteA, siteB)) out.add("next hop of " + e.name() + " (" + hop + ")");
        }
        for (PoolSpec p : topology.poolsOf(Role.PERSISTENT_CHAT)) {
            Set<String> sites = new LinkedHashSet<>();
            for (ServerSpec s : p.servers()) sites.add(p.siteOf(s));
            if (sites.contains(siteA) && sites.contains(siteB)) out.add("stretched Persistent Chat pool " + p.name());
        }
        return List.copyOf(out);
    }

    /** Front End pools whose outbound federation crosses the link: the federation Edge is on one side, they on the other. */
    private List<String> federationAcross(String siteA, String siteB, SiteServices site) {
        if (site == null || site.federationEdge() == null) return List.of();
        String edgeSite = siteOfPool(site.federationEdge());
        if (!siteA.equals(edgeSite) && !siteB.equals(edgeSite)) return List.of();
        String other = siteA.equals(edgeSite) ? siteB : siteA;
        return topology.poolsOf(Role.FRONT_END).stream().filter(p -> other.equals(p.site())).map(PoolSpec::name).toList();
    }

    private List<FailoverEvent> federationCut(String siteA, String siteB, SiteServices site, Time now) {
        List<String> pools = federationAcross(siteA, siteB, site);
        if (pools.isEmpty()) return List.of();
        String edge = site.federationEdge();
        String edgeSite = siteOfPool(edge);
        return List.of(new ServiceDropped(now, Where.pool(edgeSite, edge), "federation routes", pools.size(),
                "outbound federation and XMPP of " + String.join(", ", pools) + " go through " + edge + " in " + edgeSite
                        + ": cut with the site link until it heals"));
    }

    private static boolean across(String x, String y, String siteA, String siteB) {
        return (x.equals(siteA) && y.equals(siteB)) || (x.equals(siteB) && y.equals(siteA));
    }

    private String siteOfPool(String pool) {
        return topology.pool(pool).map(PoolSpec::site).orElse(null);
    }

    private void checkSite(String s) {
        if (topology.sites().stream().noneMatch(x -> x.name().equals(s))) {
            throw new IllegalArgumentException("no site named '" + s + "' in " + topology.file());
        }
    }

    private static String key(String a, String b) {
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }
}
