package io.poolpair.model.analysis;

import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.frontend.FrontEndSettings;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.model.quorum.PoolQuorumRule;
import io.poolpair.model.quorum.PoolStartRule;
import io.poolpair.model.topology.Edition;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ProductVersion;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Site;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A static what-if reading of a topology: nothing runs, every answer is computed from the topology, the
 * quorum tables (spec §2.3), the initial routing-group placement of {@link FrontEndPool} (spec §2.2) and the
 * capacity figures (spec §7.1). For each Front End pool it answers which smallest sets of server losses
 * break pool quorum or a routing group, how the load per server grows as servers fail, and what the partner
 * carries after a failover (spec §3.1); for Edge, Director, Mediation and Persistent Chat pools, the load after
 * one loss; and for each site, what the other sites carry if it is lost.
 *
 * <p>Loads assume the users (calls, remote users) spread evenly over the running servers, rounded up.
 * Sets of servers are enumerated in lexicographic order of server position (first-start order), only up to
 * the smallest size that does damage.
 */
public final class WhatIfAnalysis {

    /** The most minimal quorum-loss sets listed per pool; the count is always given. */
    public static final int MAX_LISTED_SETS = 20;

    /** Above this many candidate sets of one size, routing-group enumeration is skipped (never reached with 3 replicas). */
    static final long MAX_ENUMERATED_SETS = 2_000_000L;

    /** Example sets shown per kind of routing-group damage: the first in server order, the worst, the mildest. */
    static final int MAX_EXAMPLES = 3;

    private static final Locale NUMBERS = Locale.US;

    private WhatIfAnalysis() {}

    // ================================================================================================ analysis

    /** Analyses every pool and every site of {@code t} with the given Front End settings. */
    public static AnalysisReport analyze(Topology t, FrontEndSettings settings) {
        Objects.requireNonNull(t, "topology");
        Objects.requireNonNull(settings, "settings");
        ProductVersion version = versionOf(t);
        List<PoolAnalysis> frontEnds = new ArrayList<>();
        List<SpreadPoolAnalysis> others = new ArrayList<>();
        for (PoolSpec p : t.pools()) {
            if (p.role() == null) continue;
            switch (p.role()) {
                case FRONT_END -> {
                    if (!p.servers().isEmpty()) frontEnds.add(frontEnd(t, p, version, settings));
                }
                case EDGE, DIRECTOR -> others.add(remoteAccess(t, p, version));
                case MEDIATION -> others.add(mediation(p, version));
                case PERSISTENT_CHAT -> others.add(persistentChat(p, version));
                default -> { }
            }
        }
        List<SiteLoss> sites = new ArrayList<>();
        for (String site : siteNames(t)) sites.add(siteLoss(t, site, version, settings));
        return new AnalysisReport(t.file(), version.label(), settings.usersPerServerGuideline(), frontEnds, others,
                sites);
    }

    private static ProductVersion versionOf(Topology t) {
        return t.version() == null ? ProductVersion.SFB_2015 : t.version();
    }

    // ------------------------------------------------------------------------------------------ Front End pools

    private static PoolAnalysis frontEnd(Topology t, PoolSpec p, ProductVersion version, FrontEndSettings settings) {
        List<String> names = p.serverNames();
        int n = names.size();
        List<String> notes = new ArrayList<>();
        PoolQuorumRule rule = PoolQuorumRule.forPool(n, version, settings.quorum());

        PoolQuorumAnalysis quorum = poolQuorum(names, rule, settings, notes);

        int guideline = p.edition() == Edition.STANDARD ? version.standardEditionUsers()
                : settings.usersPerServerGuideline();
        List<LoadStep> steps = new ArrayList<>();
        Integer exceededAfter = null;
        int alwaysLost = n;
        for (int k = 0; k <= n; k++) {
            int running = n - k;
            boolean worstHolds = rule.holds(range(k, n));   // the first k (seeds first) failed
            boolean bestHolds = rule.holds(range(0, n - k)); // the last k (non-seeds first) failed
            if (!bestHolds) {
                steps.add(new LoadStep(k, running, 0, false, LoadStep.Quorum.LOST, p.users()));
                alwaysLost = k;
                break;
            }
            int per = ceilDiv(p.users(), running);
            boolean over = per > guideline;
            if (over && exceededAfter == null) exceededAfter = k;
            steps.add(new LoadStep(k, running, per, over,
                    worstHolds ? LoadStep.Quorum.HOLDS : LoadStep.Quorum.DEPENDS, 0));
        }

        RoutingGroupAnalysis groups = null;
        int groupCount = p.routingGroups() >= 1 ? p.routingGroups()
                : Math.max(1, TopologyLoader.DEFAULT_ROUTING_GROUPS_PER_SERVER * n);
        if (n > 62) {
            notes.add("routing groups not analysed: more than 62 servers");
        } else {
            try {
                FrontEndPool pool = new FrontEndPool(p.name(), p.site(), names, p.users(), groupCount, version,
                        settings);
                groups = routingGroups(pool, rule, settings, notes);
            } catch (IllegalArgumentException e) {
                notes.add("routing groups not analysed: " + e.getMessage());
            }
        }

        PartnerLoad failover = null;
        if (p.backupPool() != null) {
            Optional<PoolSpec> partner = t.pool(p.backupPool());
            if (partner.isEmpty()) {
                notes.add("backup pool " + p.backupPool() + " is not in the topology: no failover analysis");
            } else if (!partner.get().isFrontEnd() || partner.get().servers().isEmpty()) {
                notes.add("backup pool " + p.backupPool() + " is not a Front End pool with servers: no failover analysis");
            } else {
                failover = partnerLoad(p, partner.get(), version, settings);
                if (Objects.equals(partner.get().site(), p.site())) {
                    notes.add("backup pool " + p.backupPool() + " is in the same site: a site loss takes both");
                }
            }
        }

        SpreadPoolAnalysis mediation = null;
        if (p.collocatedMediation()) {
            mediation = spread(p.name(), "mediation (collocated)", p.site(), n, n, "calls", p.calls(),
                    version.collocatedMediationCallsPerFrontEnd(), List.of(),
                    "if the pool stops, its calls need a failover route through another site");
        }

        String verdict = frontEndVerdict(quorum, n, guideline, exceededAfter, failover);
        return new PoolAnalysis(p.name(), p.site(), p.edition() == null ? null : p.edition().label(), n, p.users(),
                groupCount, verdict, quorum, groups, steps, guideline, exceededAfter, quorum.minimumLosses(),
                alwaysLost, failover, mediation, notes);
    }

    private static PoolQuorumAnalysis poolQuorum(List<String> names, PoolQuorumRule rule, FrontEndSettings settings,
                                                 List<String> notes) {
        int n = names.size();
        int seeds = Math.min(rule.seeds(), n);
        Integer start = null;
        boolean documented = false;
        try {
            start = PoolStartRule.requiredToStart(n, settings.quorum());
            documented = PoolStartRule.isDocumented(n) && !settings.quorum().startOverrides().containsKey(n);
        } catch (IllegalArgumentException e) {
            notes.add("no Table B start value for a pool of " + n + " Front Ends");
        }
        // Removing non-seed servers never changes quorum, so only sets of seeds can be minimal.
        int minimum = seeds;
        long count = 0;
        List<List<String>> listed = new ArrayList<>();
        for (int k = 1; k <= seeds; k++) {
            int[] c = firstCombination(k);
            do {
                if (!rule.holds(runningWithout(n, c))) {
                    count++;
                    if (listed.size() < MAX_LISTED_SETS) listed.add(namesOf(names, c));
                }
            } while (nextCombination(c, seeds));
            if (count > 0) {
                minimum = k;
                break;
            }
        }
        List<String> nonSeeds = names.subList(seeds, n);
        return new PoolQuorumAnalysis(rule.describe(), rule.required(), seeds, names.subList(0, seeds), start,
                documented, minimum, count, listed, count > listed.size(), nonSeeds, n - rule.required());
    }

    private static RoutingGroupAnalysis routingGroups(FrontEndPool pool, PoolQuorumRule rule,
                                                      FrontEndSettings settings, List<String> notes) {
        List<String> names = pool.servers();
        int n = names.size();
        List<RoutingGroupView> views = pool.groups();
        int g = views.size();
        long[] masks = new long[g];
        int[] users = new int[g];
        for (int i = 0; i < g; i++) {
            for (String r : views.get(i).replicas()) masks[i] |= 1L << names.indexOf(r);
            users[i] = views.get(i).users();
        }
        int replicas = Math.min(settings.replicasPerGroup(), n);
        int q = settings.quorumLossAtLiveReplicas();
        boolean quorumLossPossible = replicas >= 3 && q >= 1;
        GroupDamage damage = new GroupDamage(masks, users, quorumLossPossible ? q : 0);

        Search ql = quorumLossPossible ? search(n, replicas, damage, true, notes) : null;
        Search lost = search(n, replicas, damage, false, notes);
        return new RoutingGroupAnalysis(replicas, q,
                ql == null ? null : ql.size, ql == null ? 0 : ql.count, ql == null ? 0 : ql.ofSize,
                ql == null ? List.of() : examples(ql, names, damage, rule),
                lost == null ? null : lost.size, lost == null ? 0 : lost.count, lost == null ? 0 : lost.ofSize,
                lost == null ? List.of() : examples(lost, names, damage, rule));
    }

    /** Which groups a set of failed servers (a bit mask) puts in quorum loss or loses. */
    private record GroupDamage(long[] masks, int[] users, int quorumLossAt) {
        /** Users of groups in quorum loss (1..quorumLossAt live replicas) or lost (0), per {@code lostOnly}. */
        int users(long failed, boolean lostOnly) {
            int u = 0;
            for (int i = 0; i < masks.length; i++) {
                int live = Long.bitCount(masks[i] & ~failed);
                if (lostOnly ? live == 0 : live >= 1 && live <= quorumLossAt) u += users[i];
            }
            return u;
        }

        boolean hits(long failed, boolean lostOnly) {
            for (long m : masks) {
                int live = Long.bitCount(m & ~failed);
                if (lostOnly ? live == 0 : live >= 1 && live <= quorumLossAt) return true;
            }
            return false;
        }

        List<Integer> groups(long failed, boolean lostOnly) {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < masks.length; i++) {
                int live = Long.bitCount(masks[i] & ~failed);
                if (lostOnly ? live == 0 : live >= 1 && live <= quorumLossAt) out.add(i);
            }
            return out;
        }
    }

    /** The smallest damaging size, how many sets of it do damage, and the example sets (first, worst, mildest). */
    private static final class Search {
        int size;
        long count;
        long ofSize;
        long first = -1;
        final List<Long> firstFew = new ArrayList<>();
        long worst = -1;
        int worstUsers = -1;
        long mildest = -1;
        int mildestUsers = Integer.MAX_VALUE;
    }

    private static Search search(int n, int maxSize, GroupDamage damage, boolean quorumLoss, List<String> notes) {
        boolean lostOnly = !quorumLoss;
        for (int k = 1; k <= Math.min(maxSize, n); k++) {
            long ofSize = binomial(n, k);
            if (ofSize > MAX_ENUMERATED_SETS) {
                notes.add("routing-group " + (lostOnly ? "loss" : "quorum loss") + " sets of " + k
                        + " servers not enumerated: " + ofSize + " candidates");
                return null;
            }
            Search s = new Search();
            int[] c = firstCombination(k);
            do {
                long failed = maskOf(c);
                if (!damage.hits(failed, lostOnly)) continue;
                s.count++;
                int u = damage.users(failed, lostOnly);
                if (s.first < 0) s.first = failed;
                if (s.firstFew.size() < MAX_EXAMPLES) s.firstFew.add(failed);
                if (u > s.worstUsers) { s.worstUsers = u; s.worst = failed; }
                if (u > 0 && u < s.mildestUsers) { s.mildestUsers = u; s.mildest = failed; }
            } while (nextCombination(c, n));
            if (s.count > 0) {
                s.size = k;
                s.ofSize = ofSize;
                return s;
            }
        }
        return null;
    }

    private static List<LossSet> examples(Search s, List<String> names, GroupDamage damage, PoolQuorumRule rule) {
        Set<Long> picked = new LinkedHashSet<>();
        for (long m : new long[] {s.first, s.worst, s.mildest}) if (m >= 0) picked.add(m);
        for (long m : s.firstFew) if (picked.size() < MAX_EXAMPLES) picked.add(m);
        List<LossSet> out = new ArrayList<>();
        int n = names.size();
        for (long failed : picked) {
            List<String> servers = new ArrayList<>();
            List<Integer> running = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if ((failed & (1L << i)) != 0) servers.add(names.get(i));
                else running.add(i);
            }
            out.add(new LossSet(servers, damage.groups(failed, false), damage.users(failed, false),
                    damage.groups(failed, true), damage.users(failed, true), rule.holds(running)));
        }
        return out;
    }

    private static PartnerLoad partnerLoad(PoolSpec failed, PoolSpec partner, ProductVersion version,
                                           FrontEndSettings settings) {
        boolean standard = partner.edition() == Edition.STANDARD;
        int perServerGuideline = standard ? 2 * version.standardEditionUsers() : settings.usersPerServerGuideline();
        int poolMax = standard ? 2 * version.standardEditionUsers() : version.maxUsersPerPool();
        int pairedLimit = standard ? version.standardEditionUsers() : version.maxUsersPerPairedPool();
        int m = partner.servers().size();
        int combined = (int) Math.min(Integer.MAX_VALUE, (long) failed.users() + partner.users());
        int per = ceilDiv(combined, m);
        Integer afterOne = m >= 2 ? ceilDiv(combined, m - 1) : null;
        return new PartnerLoad(failed.name(), failed.site(), partner.name(), partner.site(), failed.users(),
                partner.users(), combined, m, per, perServerGuideline, per > perServerGuideline,
                afterOne, afterOne != null && afterOne > perServerGuideline, poolMax, combined > poolMax,
                pairedLimit, failed.users() > pairedLimit || partner.users() > pairedLimit);
    }

    private static String frontEndVerdict(PoolQuorumAnalysis q, int n, int guideline, Integer exceededAfter,
                                          PartnerLoad failover) {
        int m = q.minimumLosses();
        StringBuilder v = new StringBuilder();
        if (m <= 1) {
            v.append("does not survive a Front End failure; the 1st loses quorum");
        } else {
            v.append("survives ").append(m - 1).append(" Front End failure").append(m - 1 == 1 ? "" : "s")
                    .append("; the ").append(ordinal(m)).append(" loses quorum");
        }
        if (q.seedCount() < n) {
            v.append(" if all ").append(m).append(" are among the first ").append(q.seedCount()).append(" (")
                    .append(positions(q.seedCount() + 1, n)).append(n - q.seedCount() == 1 ? " can fail)" : " can all fail)");
        }
        if (exceededAfter == null) {
            v.append("; within the ").append(num(guideline)).append(" guideline until quorum is lost");
        } else if (exceededAfter == 0) {
            v.append("; over the ").append(num(guideline)).append(" guideline with all servers up");
        } else {
            v.append("; guideline exceeded after ").append(exceededAfter);
        }
        if (failover != null) {
            v.append("; failover onto ").append(failover.partner()).append(": ").append(num(failover.usersPerServer()))
                    .append(" per server (").append(failover.overServerGuideline() ? "over " : "within ")
                    .append(num(failover.usersPerServerGuideline())).append(')');
        }
        return v.toString();
    }

    // ---------------------------------------------------------------------------------- Edge, Director, others

    private static SpreadPoolAnalysis remoteAccess(Topology t, PoolSpec p, ProductVersion version) {
        List<String> fallback = t.poolsOf(p.role()).stream()
                .filter(o -> !o.name().equals(p.name()) && !Objects.equals(o.site(), p.site()))
                .map(PoolSpec::name).toList();
        int n = p.servers().size();
        return spread(p.name(), p.role().label(), p.site(), n, n, "remote users", p.remoteUsers(),
                version.remoteUsersPerEdgeOrDirector(), fallback,
                "if all fail, remote access through " + title(p.role().label()) + " stops: no "
                        + title(p.role().label()) + " pool in another site");
    }

    private static SpreadPoolAnalysis mediation(PoolSpec p, ProductVersion version) {
        int n = p.servers().size();
        return spread(p.name(), p.role().label(), p.site(), n, n, "calls", p.calls(), version.standaloneMediationCalls(),
                List.of(), "if all fail, its calls need a failover route through another site's gateway");
    }

    private static SpreadPoolAnalysis persistentChat(PoolSpec p, ProductVersion version) {
        int active = (int) p.servers().stream().filter(s -> !s.standby()).count();
        return spread(p.name(), p.role().label(), p.site(), p.servers().size(), active, "users", p.users(),
                version.persistentChatUsersPerServer(), List.of(),
                "if all active servers fail, chat stops until standby servers are made active");
    }

    private static SpreadPoolAnalysis spread(String pool, String role, String site, int servers, int active,
                                             String unit, int offered, int guideline, List<String> fallback,
                                             String allDown) {
        List<SpreadLoad> steps = new ArrayList<>();
        for (int k : stepCounts(active)) {
            int running = active - k;
            int per = running > 0 ? ceilDiv(offered, running) : 0;
            steps.add(new SpreadLoad(k, running, per, per > guideline, running > 0 ? 0 : offered));
        }
        StringBuilder v = new StringBuilder();
        if (offered == 0) {
            v.append("no ").append(unit).append(" given");
        } else if (active == 0) {
            v.append(num(offered)).append(' ').append(unit).append(" and no serving server");
        } else {
            SpreadLoad all = steps.get(0);
            v.append(num(offered)).append(' ').append(unit).append(": ").append(num(all.perServer()))
                    .append(" per server with ").append(active == 1 ? "its one server" : active == 2 ? "both" : "all " + active)
                    .append(" up");
            if (all.overGuideline()) v.append(" (over the ").append(num(guideline)).append(" guideline)");
            SpreadLoad one = steps.get(1);
            if (one.running() > 0) {
                v.append("; after 1 loss ").append(num(one.perServer())).append(" per server (")
                        .append(one.overGuideline() ? "over" : "within").append(" the ").append(num(guideline))
                        .append(" guideline)");
            } else {
                v.append("; after 1 loss no server is left");
            }
        }
        if (active > 0 && offered > 0) {
            v.append("; ");
            if (!fallback.isEmpty()) {
                v.append("if all fail, clients fall to ").append(String.join(", ", fallback))
                        .append(" by DNS SRV priority");
            } else {
                v.append(allDown);
            }
        }
        return new SpreadPoolAnalysis(pool, role, site, servers, active, unit, offered, guideline, steps, fallback,
                v.toString());
    }

    /** 0, 1 and all (deduplicated). */
    private static List<Integer> stepCounts(int active) {
        Set<Integer> s = new LinkedHashSet<>();
        s.add(0);
        if (active >= 1) s.add(1);
        s.add(active);
        return new ArrayList<>(s);
    }

    // ------------------------------------------------------------------------------------------------- sites

    private static List<String> siteNames(Topology t) {
        Set<String> names = new LinkedHashSet<>();
        for (Site s : t.sites()) names.add(s.name());
        for (PoolSpec p : t.pools()) if (p.site() != null) names.add(p.site());
        return new ArrayList<>(names);
    }

    private static SiteLoss siteLoss(Topology t, String site, ProductVersion version, FrontEndSettings settings) {
        List<PoolSpec> lost = t.poolsInSite(site);
        List<PartnerLoad> takeovers = new ArrayList<>();
        List<String> withoutBackup = new ArrayList<>();
        long usersWithout = 0;
        for (PoolSpec p : lost) {
            if (!p.isFrontEnd()) continue;
            Optional<PoolSpec> partner = p.backupPool() == null ? Optional.empty() : t.pool(p.backupPool());
            if (partner.isPresent() && partner.get().isFrontEnd() && !partner.get().servers().isEmpty()
                    && !site.equals(partner.get().site())) {
                takeovers.add(partnerLoad(p, partner.get(), version, settings));
            } else {
                withoutBackup.add(p.name());
                usersWithout += p.users();
            }
        }
        List<RemoteTakeover> remote = new ArrayList<>();
        for (Role role : List.of(Role.EDGE, Role.DIRECTOR)) {
            List<PoolSpec> all = t.poolsOf(role);
            List<String> lostPools = all.stream().filter(p -> site.equals(p.site())).map(PoolSpec::name).toList();
            if (lostPools.isEmpty()) continue;
            List<PoolSpec> survivors = all.stream().filter(p -> !site.equals(p.site())).toList();
            long total = all.stream().mapToLong(PoolSpec::remoteUsers).sum();
            int servers = survivors.stream().mapToInt(p -> p.servers().size()).sum();
            int totalUsers = (int) Math.min(Integer.MAX_VALUE, total);
            int per = servers > 0 ? ceilDiv(totalUsers, servers) : 0;
            int guideline = version.remoteUsersPerEdgeOrDirector();
            remote.add(new RemoteTakeover(role.label(), lostPools, survivors.stream().map(PoolSpec::name).toList(),
                    totalUsers, servers, per, guideline, per > guideline, servers > 0 ? 0 : totalUsers));
        }
        int without = (int) Math.min(Integer.MAX_VALUE, usersWithout);
        return new SiteLoss(site, lost.stream().map(PoolSpec::name).toList(), takeovers, withoutBackup, without,
                remote, siteVerdict(lost, takeovers, withoutBackup, without, remote));
    }

    private static String siteVerdict(List<PoolSpec> lost, List<PartnerLoad> takeovers, List<String> withoutBackup,
                                      int usersWithout, List<RemoteTakeover> remote) {
        if (lost.isEmpty()) return "no pools in this site";
        List<String> parts = new ArrayList<>();
        for (PartnerLoad l : takeovers) {
            parts.add(l.partner() + " carries " + num(l.combinedUsers()) + " users with " + l.failedPool() + "'s ("
                    + num(l.usersPerServer()) + " per server, " + (l.overServerGuideline() ? "over" : "within")
                    + " the " + num(l.usersPerServerGuideline()) + " guideline"
                    + (l.overPoolMax() ? "; over the " + num(l.maxUsersPerPool()) + " pool maximum" : "") + ")");
        }
        if (!withoutBackup.isEmpty()) {
            parts.add(num(usersWithout) + " users of " + String.join(", ", withoutBackup)
                    + " have no backup pool outside the site");
        }
        for (RemoteTakeover r : remote) {
            if (r.survivingServers() == 0) {
                parts.add(r.role() + ": no pool in another site; " + num(r.unserved()) + " remote users lose access");
            } else {
                parts.add(r.role() + ": " + num(r.remoteUsers()) + " remote users on " + String.join(", ", r.survivingPools())
                        + " (" + num(r.perServer()) + " per server, " + (r.overGuideline() ? "over" : "within") + " the "
                        + num(r.guidelinePerServer()) + " guideline)");
            }
        }
        if (parts.isEmpty()) return "no Front End, Edge or Director pool in this site";
        return String.join("; ", parts);
    }

    // ================================================================================================ text

    /** The report as plain text for people: one section per pool, each with a verdict line first. */
    public static String renderText(AnalysisReport r) {
        StringBuilder b = new StringBuilder();
        b.append("What-if analysis of ").append(r.topology()).append(" (Skype for Business Server ")
                .append(r.productVersion()).append(")\n");
        b.append("Static: computed from the topology, nothing was run. Loads assume an even spread, rounded up.\n");
        for (PoolAnalysis p : r.frontEndPools()) renderFrontEnd(b, p);
        for (SpreadPoolAnalysis s : r.otherPools()) {
            b.append('\n').append(title(s.role())).append(" pool ").append(s.pool()).append(" (site ").append(s.site())
                    .append("): ").append(s.servers()).append(s.servers() == 1 ? " server" : " servers");
            if (s.activeServers() != s.servers()) b.append(", ").append(s.activeServers()).append(" active");
            b.append(", ").append(num(s.offered())).append(' ').append(s.unit()).append('\n');
            b.append("  Verdict: ").append(s.verdict()).append('\n');
            renderSpreadTable(b, s, "    ");
        }
        if (!r.siteLosses().isEmpty()) {
            b.append("\nSite loss\n");
            for (SiteLoss s : r.siteLosses()) {
                b.append("  ").append(s.site()).append(": ").append(s.verdict()).append('\n');
                if (!s.poolsLost().isEmpty()) kv(b, "    ", "pools lost", String.join(", ", s.poolsLost()));
                for (PartnerLoad l : s.takeovers()) {
                    kv(b, "    ", l.failedPool() + " -> " + l.partner(), num(l.combinedUsers()) + " users on "
                            + l.partnerServers() + " Front Ends = " + num(l.usersPerServer()) + " per server ("
                            + verdictWord(l.overServerGuideline()) + " " + num(l.usersPerServerGuideline()) + ")");
                }
                if (!s.poolsWithoutBackup().isEmpty()) {
                    kv(b, "    ", "no backup", String.join(", ", s.poolsWithoutBackup()) + ": "
                            + num(s.usersWithoutService()) + " users without service");
                }
                for (RemoteTakeover t : s.remoteAccess()) {
                    kv(b, "    ", t.role(), t.survivingServers() == 0
                            ? num(t.unserved()) + " remote users without a server"
                            : num(t.remoteUsers()) + " remote users on " + t.survivingServers() + " servers of "
                            + String.join(", ", t.survivingPools()) + " = " + num(t.perServer()) + " per server ("
                            + verdictWord(t.overGuideline()) + " " + num(t.guidelinePerServer()) + ")");
                }
            }
        }
        return b.toString();
    }

    private static void renderFrontEnd(StringBuilder b, PoolAnalysis p) {
        String in = "    ";
        b.append('\n').append("Front End pool ").append(p.pool()).append(" (site ").append(p.site()).append("): ")
                .append(p.servers()).append(p.servers() == 1 ? " Front End, " : " Front Ends, ")
                .append(num(p.users())).append(" users, ").append(num(p.routingGroupCount())).append(" routing groups");
        if ("standard".equals(p.edition())) b.append(", Standard Edition");
        b.append('\n');
        b.append("  Verdict: ").append(p.verdict()).append('\n');

        PoolQuorumAnalysis q = p.quorum();
        b.append("  Pool quorum\n");
        kv(b, in, "rule", q.rule());
        kv(b, in, "seeds", positions(1, q.seedCount()) + ": " + String.join(", ", q.seeds()));
        kv(b, in, "start (Table B)", q.startRequired() == null ? "no value for this pool size"
                : q.startRequired() + " of " + p.servers() + " must be up" + (q.startDocumented() ? "" : " (not in the source; a documented choice)"));
        String among = q.seedCount() < p.servers() ? " among the first " + q.seedCount() : "";
        kv(b, in, "fewest losses", q.minimumLosses() + among + ": " + num(q.minimalSetCount())
                + (q.minimalSetCount() == 1 ? " set" : " sets")
                + (q.minimalSetsTruncated() ? " (first " + q.minimalSets().size() + " listed)" : ""));
        boolean firstSet = true;
        for (List<String> set : q.minimalSets()) {
            kv(b, in, firstSet ? "minimal sets" : "", "{" + String.join(", ", set) + "}");
            firstSet = false;
        }
        if (q.minimalSetsTruncated()) kv(b, in, "", "... and " + num(q.minimalSetCount() - q.minimalSets().size()) + " more");
        kv(b, in, "non-seed servers", q.nonSeedServers().isEmpty() ? "none: every server is a seed"
                : positions(q.seedCount() + 1, p.servers()) + " (" + String.join(", ", q.nonSeedServers()) + ")"
                + (q.nonSeedServers().size() == 1 ? " can fail" : " can all fail") + " without touching quorum");
        kv(b, in, "best case", "survives " + q.survivesAtMost() + " failures when non-seeds fail first");

        RoutingGroupAnalysis g = p.routingGroups();
        if (g != null) {
            b.append("  Routing groups (").append(g.replicasPerGroup()).append(g.replicasPerGroup() == 1 ? " replica" : " replicas")
                    .append(" each; quorum loss at ").append(g.quorumLossAtLiveReplicas()).append(" live replica")
                    .append(g.quorumLossAtLiveReplicas() == 1 ? "" : "s").append(")\n");
            if (g.quorumLossMinimum() == null) {
                kv(b, in, "quorum loss", "not possible: groups keep serving while one replica lives");
            } else {
                kv(b, in, "quorum loss", g.quorumLossMinimum() + " losses: " + num(g.quorumLossSets()) + " of "
                        + num(g.quorumLossSetsOfSize()) + " " + setWord(g.quorumLossMinimum()) + " share a routing group");
                for (LossSet s : g.quorumLossExamples()) renderLossSet(b, in, s, false);
            }
            if (g.lostMinimum() != null) {
                kv(b, in, "all replicas lost", g.lostMinimum() + " losses: " + num(g.lostSets()) + " of "
                        + num(g.lostSetsOfSize()) + " " + setWord(g.lostMinimum()) + " hold a whole group");
                for (LossSet s : g.lostExamples()) renderLossSet(b, in, s, true);
            }
        }

        b.append("  Load per Front End (guideline ").append(num(p.usersPerServerGuideline())).append(")\n");
        b.append(in).append(String.format(NUMBERS, "%6s  %7s  %12s  %s%n", "failed", "running", "users/server", "quorum"));
        for (LoadStep s : p.loadSteps()) {
            String tail;
            switch (s.quorum()) {
                case LOST -> tail = "lost whichever fail: the pool stops, " + num(s.usersWithoutService())
                        + " users without service";
                case DEPENDS -> tail = "lost if " + q.minimumLosses() + " or more of them are among the first "
                        + q.seedCount() + "; holds otherwise" + (s.overGuideline() ? "; OVER guideline" : "");
                default -> tail = "holds" + (s.overGuideline() ? "; OVER guideline" : "");
            }
            b.append(in).append(String.format(NUMBERS, "%6d  %7d  %12s  %s%n", s.failed(), s.running(),
                    s.quorum() == LoadStep.Quorum.LOST ? "-" : num(s.usersPerServer()), tail));
        }

        PartnerLoad f = p.failover();
        if (f != null) {
            b.append("  Failover onto ").append(f.partner()).append(" (site ").append(f.partnerSite()).append(")\n");
            kv(b, in, "partner carries", num(f.combinedUsers()) + " users (" + num(f.partnerUsers()) + " own + "
                    + num(f.failedPoolUsers()) + " from " + f.failedPool() + ") on " + f.partnerServers() + " Front Ends");
            kv(b, in, "per server", num(f.usersPerServer()) + " vs " + num(f.usersPerServerGuideline()) + ": "
                    + verdictWord(f.overServerGuideline()));
            if (f.usersPerServerAfterOneMoreLoss() != null) {
                kv(b, in, "one more loss", num(f.usersPerServerAfterOneMoreLoss()) + " per server on "
                        + (f.partnerServers() - 1) + ": " + verdictWord(f.overAfterOneMoreLoss()));
            }
            kv(b, in, "pool total", num(f.combinedUsers()) + " vs " + num(f.maxUsersPerPool()) + " max per pool: "
                    + verdictWord(f.overPoolMax()));
            kv(b, in, "paired-pool limit", f.failedPool() + " " + num(f.failedPoolUsers()) + ", " + f.partner() + " "
                    + num(f.partnerUsers()) + " vs " + num(f.pairedPoolLimit()) + " each: "
                    + verdictWord(f.overPairedPoolLimit()));
        }

        SpreadPoolAnalysis m = p.collocatedMediation();
        if (m != null) {
            b.append("  Collocated Mediation: ").append(m.verdict()).append('\n');
            if (m.offered() > 0) renderSpreadTable(b, m, in);
        }
        if (!p.notes().isEmpty()) {
            b.append("  Notes\n");
            for (String note : p.notes()) b.append(in).append("- ").append(note).append('\n');
        }
    }

    private static void renderLossSet(StringBuilder b, String in, LossSet s, boolean lost) {
        String what = lost
                ? s.groupsLost().size() + (s.groupsLost().size() == 1 ? " group" : " groups") + " lost, "
                + num(s.usersLost()) + " users"
                : s.groupsInQuorumLoss().size() + (s.groupsInQuorumLoss().size() == 1 ? " group" : " groups")
                + " in quorum loss, " + num(s.usersInQuorumLoss()) + " users";
        if (!lost && !s.groupsLost().isEmpty()) what += "; " + s.groupsLost().size() + " lost";
        if (!s.poolQuorumHolds()) what += " (the pool loses quorum too)";
        b.append(in).append("  - {").append(String.join(", ", s.servers())).append("}: ").append(what).append('\n');
    }

    private static void renderSpreadTable(StringBuilder b, SpreadPoolAnalysis s, String in) {
        b.append(in).append(String.format(NUMBERS, "%6s  %7s  %12s%n", "failed", "running", "per server"));
        for (SpreadLoad l : s.steps()) {
            String tail = l.running() == 0
                    ? (l.unserved() > 0 ? num(l.unserved()) + " " + s.unit() + " without a server" : "")
                    : verdictWord(l.overGuideline()) + " " + num(s.guidelinePerServer());
            b.append(in).append(String.format(NUMBERS, "%6d  %7d  %12s  %s", l.failed(), l.running(),
                    l.running() == 0 ? "-" : num(l.perServer()), tail).stripTrailing()).append('\n');
        }
    }

    private static void kv(StringBuilder b, String indent, String key, String value) {
        b.append(indent).append(String.format(NUMBERS, "%-18s", key)).append("  ").append(value).append('\n');
    }

    private static String verdictWord(boolean over) { return over ? "OVER" : "within"; }

    private static String setWord(int size) {
        return switch (size) {
            case 1 -> "servers";
            case 2 -> "pairs";
            case 3 -> "triples";
            default -> "sets of " + size;
        };
    }

    private static String title(String role) {
        return switch (role) {
            case "edge" -> "Edge";
            case "director" -> "Director";
            case "mediation" -> "Mediation";
            case "persistent-chat" -> "Persistent Chat";
            default -> role;
        };
    }

    // ================================================================================================ helpers

    /** "server 3" or "servers 8-9" (1-based positions). */
    static String positions(int from, int to) {
        return from == to ? "server " + from : "servers " + from + "-" + to;
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    private static String num(long n) { return String.format(NUMBERS, "%,d", n); }

    private static int ceilDiv(int a, int b) { return (int) ((a + (long) b - 1) / b); }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>(Math.max(0, to - from));
        for (int i = from; i < to; i++) r.add(i);
        return r;
    }

    /** Indices 0..n-1 except those in the (sorted) combination. */
    private static List<Integer> runningWithout(int n, int[] failed) {
        List<Integer> r = new ArrayList<>(n);
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (j < failed.length && failed[j] == i) j++;
            else r.add(i);
        }
        return r;
    }

    private static List<String> namesOf(List<String> names, int[] c) {
        List<String> out = new ArrayList<>(c.length);
        for (int i : c) out.add(names.get(i));
        return out;
    }

    private static long maskOf(int[] c) {
        long m = 0;
        for (int i : c) m |= 1L << i;
        return m;
    }

    private static int[] firstCombination(int k) {
        int[] c = new int[k];
        for (int i = 0; i < k; i++) c[i] = i;
        return c;
    }

    /** Advances {@code c} to the next k-combination of 0..n-1 in lexicographic order; false after the last. */
    private static boolean nextCombination(int[] c, int n) {
        int k = c.length;
        int i = k - 1;
        while (i >= 0 && c[i] == n - k + i) i--;
        if (i < 0) return false;
        c[i]++;
        for (int j = i + 1; j < k; j++) c[j] = c[j - 1] + 1;
        return true;
    }

    static long binomial(int n, int k) {
        if (k < 0 || k > n) return 0;
        long r = 1;
        for (int i = 1; i <= Math.min(k, n - k); i++) {
            r = r * (n - Math.min(k, n - k) + i) / i;
            if (r > Long.MAX_VALUE / 64) return Long.MAX_VALUE;
        }
        return r;
    }
}
