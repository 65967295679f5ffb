package io.poolpair.model.topology;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a {@link Topology} against the Skype for Business Server rules and sizing guidelines (spec §1, §2.4, §3.1,
 * §5.1, §6.5, §7.1; the full list is in docs/topology.md). Errors are what Topology Builder or the product refuses
 * (or what the emulator cannot model); warnings are accepted-but-unsupported choices and capacity guidelines.
 */
public final class TopologyValidator {

    /** Which pool roles each role-specific field applies to; a field written on another role is ignored. */
    private static final Map<String, Set<Role>> APPLIES_TO = Map.of(
            "users", Set.of(Role.FRONT_END, Role.PERSISTENT_CHAT),
            "routing-groups", Set.of(Role.FRONT_END),
            "collocated-mediation", Set.of(Role.FRONT_END),
            "calls", Set.of(Role.FRONT_END, Role.MEDIATION),
            "remote-users", Set.of(Role.EDGE, Role.DIRECTOR),
            "backend-mode", Set.of(Role.FRONT_END, Role.PERSISTENT_CHAT));
    private static final List<String> ROLE_SPECIFIC_FIELDS =
            List.of("users", "routing-groups", "collocated-mediation", "calls", "remote-users", "backend-mode");

    private TopologyValidator() {}

    /** Every error and warning, in file order (by line). */
    public static List<Problem> validate(Topology topology) {
        Checker checker = new Checker(topology);
        checker.run();
        List<Problem> problems = new ArrayList<>(checker.problems);
        problems.sort(Comparator.comparingInt(p -> p.origin().line()));
        return problems;
    }

    /** The errors of {@link #validate} only. */
    public static List<Problem> errors(Topology topology) {
        return validate(topology).stream().filter(Problem::isError).toList();
    }

    /** The warnings of {@link #validate} only. */
    public static List<Problem> warnings(Topology topology) {
        return validate(topology).stream().filter(p -> !p.isError()).toList();
    }

    /** Returns the topology, or throws {@link InvalidInputException} with its errors (warnings are not thrown). */
    public static Topology requireValid(Topology topology) {
        List<Problem> errors = errors(topology);
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        return topology;
    }

    /** Loads ({@link TopologyLoader#load}) and validates a file; throws with the ERROR problems if there are any. */
    public static Topology loadAndValidate(Path file) {
        return requireValid(TopologyLoader.load(file));
    }

    // ------------------------------------------------------------------------------------------------------

    private static final class Checker {
        final Topology t;
        final ProductVersion version;
        final String vlabel;
        final List<Problem> problems = new ArrayList<>();
        final Map<String, Site> sites = new LinkedHashMap<>();
        final Map<String, Integer> poolIndex = new HashMap<>();
        final List<PoolSpec> pools;

        Checker(Topology t) {
            this.t = t;
            this.version = t.version() == null ? ProductVersion.SFB_2015 : t.version();
            this.vlabel = "SfB " + version.label();
            this.pools = t.pools();
        }

        void error(Origin origin, String field, String message) {
            problems.add(Problem.error(origin, field, message));
        }

        void warning(Origin origin, String field, String message) {
            problems.add(Problem.warning(origin, field, message));
        }

        static String path(int i) { return "pools[" + i + "]"; }

        PoolSpec pool(String name) {
            Integer i = name == null ? null : poolIndex.get(name);
            return i == null ? null : pools.get(i);
        }

        void run() {
            names();
            cmsPool();
            for (int i = 0; i < pools.size(); i++) {
                PoolSpec p = pools.get(i);
                if (p.role() == null) {
                    error(p.originOf("role"), path(i) + ".role", "missing: pool '" + p.name() + "' has no role");
                    continue;
                }
                site(i, p);
                servers(i, p);
                frontEndSize(i, p);
                counts(i, p);
                ignoredFields(i, p);
                backend(i, p);
                persistentChat(i, p);
                edge(i, p);
                capacity(i, p);
                pairing(i, p);
            }
            if (t.placement() != null) new PlacementChecker(this, t.placement()).run();
        }

        // --- names --------------------------------------------------------------------------------------------

        void names() {
            for (int i = 0; i < t.sites().size(); i++) {
                Site s = t.sites().get(i);
                Site first = sites.putIfAbsent(s.name(), s);
                if (first != null) {
                    error(s.origin(), "sites[" + i + "].name",
                            "duplicate site name '" + s.name() + "' (first defined at line " + first.origin().line() + ")");
                }
            }
            for (int i = 0; i < pools.size(); i++) {
                PoolSpec p = pools.get(i);
                Integer first = poolIndex.putIfAbsent(p.name(), i);
                if (first != null) {
                    error(p.originOf("name"), path(i) + ".name", "duplicate pool name '" + p.name()
                            + "' (first defined at line " + pools.get(first).originOf("name").line() + ")");
                }
            }
            Map<String, String> serverPool = new HashMap<>();
            Map<String, Origin> serverOrigin = new HashMap<>();
            for (int i = 0; i < pools.size(); i++) {
                PoolSpec p = pools.get(i);
                for (int j = 0; j < p.servers().size(); j++) {
                    ServerSpec s = p.servers().get(j);
                    String field = path(i) + ".servers[" + j + "].name";
                    PoolSpec samePool = pool(s.name());
                    if (samePool != null) {
                        error(s.origin(), field, "server name '" + s.name() + "' is also the name of pool '"
                                + samePool.name() + "' (line " + samePool.originOf("name").line()
                                + "); names must be unique across pools and servers");
                    } else if (serverPool.containsKey(s.name())) {
                        error(s.origin(), field, "duplicate server name '" + s.name() + "' (already in pool '"
                                + serverPool.get(s.name()) + "' at line " + serverOrigin.get(s.name()).line() + ")");
                    } else {
                        serverPool.put(s.name(), p.name());
                        serverOrigin.put(s.name(), s.origin());
                    }
                }
            }
        }

        String siteList() {
            return sites.isEmpty() ? "none defined" : String.join(", ", sites.keySet());
        }

        String poolList(Set<Role> roles) {
            String list = pools.stream().filter(p -> roles.contains(p.role())).map(PoolSpec::name).distinct()
                    .collect(Collectors.joining(", "));
            return list.isEmpty() ? "none defined" : list;
        }

        void cmsPool() {
            Origin origin = TopologyLoader.fieldOrigin(t, "cms-pool");
            if (t.cmsPool() == null) {
                error(origin, "cms-pool", "missing: name the front-end pool hosting the Central Management Store");
                return;
            }
            PoolSpec cms = pool(t.cmsPool());
            if (cms == null) {
                error(origin, "cms-pool", "unknown pool '" + t.cmsPool() + "'; front-end pools: "
                        + poolList(Set.of(Role.FRONT_END)));
            } else if (!cms.isFrontEnd()) {
                error(origin, "cms-pool", "pool '" + cms.name() + "' is " + article(cms.role())
                        + " pool; the Central Management Store must be on a front-end pool");
            }
        }

        // --- per pool -----------------------------------------------------------------------------------------

        void site(int i, PoolSpec p) {
            if (p.site() == null) {
                error(p.origin(), path(i) + ".site", "missing: name the site of pool '" + p.name() + "'");
            } else if (!sites.containsKey(p.site())) {
                error(p.originOf("site"), path(i) + ".site", "unknown site '" + p.site() + "'; sites: " + siteList());
            }
        }

        void servers(int i, PoolSpec p) {
            if (p.servers().isEmpty()) {
                error(p.originOf("servers"), path(i) + ".servers", "pool '" + p.name() + "' has no servers");
            }
            for (int j = 0; j < p.servers().size(); j++) {
                ServerSpec s = p.servers().get(j);
                String field = path(i) + ".servers[" + j + "]";
                if (s.site() != null) {
                    if (!sites.containsKey(s.site())) {
                        error(s.origin(), field + ".site", "unknown site '" + s.site() + "' for server '" + s.name()
                                + "'; sites: " + siteList());
                    } else if (p.role() != Role.PERSISTENT_CHAT && !s.site().equals(p.site())) {
                        error(s.origin(), field + ".site", "server '" + s.name() + "' is in site '" + s.site()
                                + "' but its " + p.role().label() + " pool '" + p.name() + "' is in site '" + p.site()
                                + "'; only persistent-chat pools may be stretched across sites [S21]");
                    }
                }
                if (s.standby() && p.role() != Role.PERSISTENT_CHAT) {
                    error(s.origin(), field + ".standby", "server '" + s.name() + "' is marked standby, but only "
                            + "persistent-chat pools have standby servers; '" + p.name() + "' is "
                            + article(p.role()) + " pool");
                }
            }
        }

        void frontEndSize(int i, PoolSpec p) {
            if (!p.isFrontEnd()) return;
            int n = p.servers().size();
            String field = path(i) + ".servers";
            Origin origin = p.originOf("servers");
            if (p.edition() == Edition.STANDARD) {
                if (n != 1) {
                    error(origin, field, "a Standard Edition pool has exactly 1 server, '" + p.name() + "' lists " + n);
                }
                return;
            }
            if (n > version.maxFrontEndsPerPool()) {
                error(origin, field, n + " Front Ends in pool '" + p.name() + "' exceed the " + vlabel + " limit of "
                        + version.maxFrontEndsPerPool() + " per Enterprise pool [S15][S16]");
            } else if (n == 2 && version == ProductVersion.SFB_2019) {
                error(origin, field, "SfB 2019 refuses to publish an Enterprise pool with exactly 2 Front Ends; "
                        + "use 3 or more, or Standard Edition [S2]");
            } else if (n == 2) {
                warning(origin, field, "an Enterprise pool with exactly 2 Front Ends is not recommended "
                        + "(recommended minimum 3; Microsoft suggests Standard Edition instead) [S2]");
            }
        }

        void counts(int i, PoolSpec p) {
            if (p.routingGroups() < 1) {
                error(p.originOf("routing-groups"), path(i) + ".routing-groups",
                        "must be at least 1, got " + p.routingGroups());
            }
            nonNegative(i, p, "users", p.users());
            nonNegative(i, p, "calls", p.calls());
            nonNegative(i, p, "remote-users", p.remoteUsers());
        }

        void nonNegative(int i, PoolSpec p, String field, int value) {
            if (value < 0) error(p.originOf(field), path(i) + "." + field, "must not be negative, got " + value);
        }

        /** Role-specific fields written on a pool of another role have no effect: warn, they are likely mistakes. */
        void ignoredFields(int i, PoolSpec p) {
            for (String field : ROLE_SPECIFIC_FIELDS) {
                if (!p.fieldOrigins().containsKey(field)) continue;
                Set<Role> roles = APPLIES_TO.get(field);
                if (!roles.contains(p.role())) {
                    warning(p.originOf(field), path(i) + "." + field, "'" + field + "' has no effect on "
                            + article(p.role()) + " pool (it applies to " + roles.stream().sorted()
                            .map(Role::label).collect(Collectors.joining(" and ")) + " pools)");
                } else if (field.equals("calls") && p.isFrontEnd() && !p.collocatedMediation()) {
                    warning(p.originOf(field), path(i) + ".calls", "'calls' has no effect: pool '" + p.name()
                            + "' has collocated-mediation = false (offer the calls to a mediation pool)");
                }
            }
        }

        void backend(int i, PoolSpec p) {
            BackendMode mode = p.backendMode();
            if (mode == null) return;
            String field = path(i) + ".backend-mode";
            Origin origin = p.originOf("backend-mode");
            if (mode.isMirroring() && version == ProductVersion.SFB_2019) {
                error(origin, field, "SQL mirroring ('" + mode.label() + "') is not supported in SfB 2019; use "
                        + "alwayson-ag, alwayson-fci or sql-cluster [S5]");
            }
            if (mode == BackendMode.ALWAYSON_AG && p.role() == Role.PERSISTENT_CHAT) {
                error(origin, field, "AlwaysOn Availability Groups are not supported for Persistent Chat databases; "
                        + "use mirroring-witness or mirroring [S21]");
            }
            if (p.edition() == Edition.STANDARD && mode != BackendMode.NONE && p.fieldOrigins().containsKey("backend-mode")
                    && APPLIES_TO.get("backend-mode").contains(p.role())) {
                warning(origin, field, "a Standard Edition server keeps its databases locally and has no Back End "
                        + "HA; backend-mode '" + mode.label() + "' does not apply (use none) [L7]");
            }
        }

        void persistentChat(int i, PoolSpec p) {
            if (p.role() != Role.PERSISTENT_CHAT) return;
            if (version == ProductVersion.SFB_2019) {
                error(p.originOf("role"), path(i) + ".role", "Persistent Chat was removed in SfB 2019; pool '"
                        + p.name() + "' needs product-version 2015 [S22]");
            }
            long active = p.servers().stream().filter(s -> !s.standby()).count();
            int max = version.maxActivePersistentChatServers();
            if (active > max) {
                error(p.originOf("servers"), path(i) + ".servers", active + " active persistent chat servers in pool '"
                        + p.name() + "' exceed the maximum of " + max + " active per pool; mark the others standby = true [S22]");
            } else if (active == 0 && !p.servers().isEmpty()) {
                warning(p.originOf("servers"), path(i) + ".servers", "every server of persistent chat pool '"
                        + p.name() + "' is standby; the pool serves no one until a site failover [S21]");
            }
        }

        void edge(int i, PoolSpec p) {
            String field = path(i) + ".next-hop";
            if (p.role() != Role.EDGE) {
                if (p.nextHop() != null) {
                    error(p.originOf("next-hop"), field, "next-hop applies to edge pools only; '" + p.name()
                            + "' is " + article(p.role()) + " pool");
                }
                return;
            }
            if (p.nextHop() == null) {
                error(p.originOf("next-hop"), field, "edge pool '" + p.name() + "' needs a next-hop "
                        + "(the front-end or director pool it forwards to)");
                return;
            }
            PoolSpec hop = pool(p.nextHop());
            if (hop == null) {
                error(p.originOf("next-hop"), field, "unknown pool '" + p.nextHop() + "'; front-end and director pools: "
                        + poolList(Set.of(Role.FRONT_END, Role.DIRECTOR)));
            } else if (hop.role() != Role.FRONT_END && hop.role() != Role.DIRECTOR) {
                error(p.originOf("next-hop"), field, "pool '" + hop.name() + "' is " + article(hop.role())
                        + " pool; an edge next-hop must be a front-end or director pool");
            }
        }

        // --- capacity -----------------------------------------------------------------------------------------

        void capacity(int i, PoolSpec p) {
            int n = p.servers().size();
            if (n == 0) return;
            switch (p.role()) {
                case FRONT_END -> {
                    if (p.edition() == Edition.STANDARD) {
                        int max = version.standardEditionUsers();
                        if (p.users() > max) {
                            warning(p.originOf("users"), path(i) + ".users", fmt(p.users()) + " users on Standard "
                                    + "Edition pool '" + p.name() + "' exceed the guideline of " + fmt(max)
                                    + " users per Standard Edition server [S15]");
                        }
                    } else {
                        long limit = (long) n * version.usersPerFrontEnd();
                        if (p.users() > limit) {
                            warning(p.originOf("users"), path(i) + ".users", fmt(p.users()) + " users on " + n
                                    + " Front Ends is " + fmt(ceilDiv(p.users(), n)) + " per server, above the guideline of "
                                    + fmt(version.usersPerFrontEnd()) + " users per Front End [S15]");
                        }
                        if (p.users() > version.maxUsersPerPool()) {
                            warning(p.originOf("users"), path(i) + ".users", fmt(p.users()) + " users exceed the "
                                    + vlabel + " guideline of " + fmt(version.maxUsersPerPool()) + " users per pool [S15][S16]");
                        }
                    }
                    if (p.collocatedMediation()) {
                        long limit = (long) n * version.collocatedMediationCallsPerFrontEnd();
                        if (p.calls() > limit) {
                            warning(p.originOf("calls"), path(i) + ".calls", fmt(p.calls()) + " calls on " + n
                                    + " Front Ends with collocated Mediation is " + fmt(ceilDiv(p.calls(), n))
                                    + " per server, above the " + vlabel + " guideline of "
                                    + fmt(version.collocatedMediationCallsPerFrontEnd()) + " per Front End [S15][S16]");
                        }
                    }
                }
                case EDGE, DIRECTOR -> {
                    if (n < 2) {
                        warning(p.originOf("servers"), path(i) + ".servers", p.role().label() + " pool '" + p.name()
                                + "' has " + n + " server; at least 2 are needed for high availability [S15][S16]");
                    }
                    long limit = (long) n * version.remoteUsersPerEdgeOrDirector();
                    if (p.remoteUsers() > limit) {
                        warning(p.originOf("remote-users"), path(i) + ".remote-users", fmt(p.remoteUsers())
                                + " remote users on " + n + " " + p.role().label() + " servers is "
                                + fmt(ceilDiv(p.remoteUsers(), n)) + " per server, above the " + vlabel
                                + " guideline of " + fmt(version.remoteUsersPerEdgeOrDirector()) + " per server [S15][S16]");
                    }
                }
                case MEDIATION -> {
                    long limit = (long) n * version.standaloneMediationCalls();
                    if (p.calls() > limit) {
                        warning(p.originOf("calls"), path(i) + ".calls", fmt(p.calls()) + " calls on " + n
                                + " standalone Mediation servers is " + fmt(ceilDiv(p.calls(), n))
                                + " per server, above the " + vlabel + " guideline of "
                                + fmt(version.standaloneMediationCalls()) + " per server [S15][S16]");
                    }
                }
                case PERSISTENT_CHAT -> {
                    long active = p.servers().stream().filter(s -> !s.standby()).count();
                    long limit = active * version.persistentChatUsersPerServer();
                    if (active > 0 && p.users() > limit) {
                        warning(p.originOf("users"), path(i) + ".users", fmt(p.users()) + " users on " + active
                                + " active persistent chat servers is " + fmt(ceilDiv(p.users(), (int) active))
                                + " per server, above the guideline of " + fmt(version.persistentChatUsersPerServer())
                                + " per server [S22]");
                    }
                }
            }
        }

        // --- pairing ------------------------------------------------------------------------------------------

        void pairing(int i, PoolSpec a) {
            if (a.backupPool() == null) return;
            String field = path(i) + ".backup-pool";
            Origin origin = a.originOf("backup-pool");
            if (!a.isFrontEnd()) {
                error(origin, field, "only front-end pools can be paired; '" + a.name() + "' is "
                        + article(a.role()) + " pool");
                return;
            }
            if (a.backupPool().equals(a.name())) {
                error(origin, field, "pool '" + a.name() + "' cannot be its own backup pool");
                return;
            }
            PoolSpec b = pool(a.backupPool());
            if (b == null) {
                error(origin, field, "unknown pool '" + a.backupPool() + "'; front-end pools: "
                        + poolList(Set.of(Role.FRONT_END)));
                return;
            }
            if (!b.isFrontEnd()) {
                error(origin, field, "pool '" + b.name() + "' is " + article(b.role())
                        + " pool; a backup pool must be a front-end pool");
                return;
            }
            if (a.name().equals(b.backupPool())) {
                if (poolIndex.get(b.name()) > i) pairWarnings(i, a, b);
                pairCapacity(i, a, b);
                return;
            }
            // not reciprocal: find out whether b is someone else's partner
            PoolSpec c = pool(b.backupPool());
            if (c != null && c != a && b.name().equals(c.backupPool())) {
                error(origin, field, "pool '" + b.name() + "' is already paired with '" + c.name()
                        + "' (line " + b.originOf("backup-pool").line() + "); pairing is 1:1 [S3]");
                return;
            }
            for (int k = 0; k < i; k++) {
                PoolSpec d = pools.get(k);
                if (d.isFrontEnd() && b.name().equals(d.backupPool())) {
                    error(origin, field, "pool '" + b.name() + "' is already paired with '" + d.name()
                            + "' (line " + d.originOf("backup-pool").line() + "); pairing is 1:1 [S3]");
                    return;
                }
            }
            error(origin, field, "pairing must be reciprocal: pool '" + b.name() + "' "
                    + (b.backupPool() == null ? "has no backup-pool" : "names '" + b.backupPool() + "'")
                    + "; set backup-pool = \"" + a.name() + "\" in pool '" + b.name() + "' [S3]");
        }

        /** Warnings about a reciprocal pair, reported once, on the first pool of the pair in file order. */
        void pairWarnings(int i, PoolSpec a, PoolSpec b) {
            String field = path(i) + ".backup-pool";
            Origin origin = a.originOf("backup-pool");
            if (a.site() != null && a.site().equals(b.site())) {
                warning(origin, field, "paired pools '" + a.name() + "' and '" + b.name() + "' are both in site '"
                        + a.site() + "'; disaster recovery needs the pair in two sites [S3]");
            }
            if (a.edition() != b.edition()) {
                warning(origin, field, "unsupported pairing (Topology Builder accepts it): '" + a.name() + "' is "
                        + a.edition().label() + " edition and '" + b.name() + "' is " + b.edition().label()
                        + " edition; pair Enterprise with Enterprise and Standard with Standard [S3][L7]");
            }
            if (a.edition() == b.edition() && a.backendMode() != b.backendMode()) {
                // (across editions the modes differ anyway: Standard Edition has no Back End; warned above)
                warning(origin, field, "paired pools use different back-end modes ('" + a.name() + "': "
                        + label(a.backendMode()) + ", '" + b.name() + "': " + label(b.backendMode())
                        + "); both pools of a pair should use the same Back End HA method [S5][L4]");
            }
        }

        /** Capacity of one pool of a reciprocal pair, alone and after its partner failed over to it. */
        void pairCapacity(int i, PoolSpec a, PoolSpec b) {
            String field = path(i) + ".users";
            Origin origin = a.originOf("users");
            int n = a.servers().size();
            if (a.edition() == Edition.ENTERPRISE && a.users() > version.maxUsersPerPairedPool()) {
                warning(origin, field, fmt(a.users()) + " users on paired pool '" + a.name() + "' exceed the " + vlabel
                        + " guideline of " + fmt(version.maxUsersPerPairedPool()) + " users per pool when paired for DR [S15][S16]");
            }
            long carried = (long) a.users() + b.users();
            if (n == 0) return;
            if (a.edition() == Edition.STANDARD) {
                int max = 2 * version.standardEditionUsers();
                if (carried > max) {
                    warning(origin, field, "after a failover of '" + b.name() + "' this pool would carry "
                            + fmt(carried) + " users on its Standard Edition server, above the " + fmt(max)
                            + " it can carry while its pair has failed [S15]");
                }
            } else {
                long max = (long) n * version.usersPerFrontEnd();
                if (carried > max) {
                    warning(origin, field, "after a failover of '" + b.name() + "' this pool would carry "
                            + fmt(carried) + " users on " + n + " servers, above the guideline of " + fmt(max)
                            + " (" + n + " x " + fmt(version.usersPerFrontEnd()) + ") [S3][S15]");
                }
            }
        }
    }

    // --- placement (multi-node runs) ----------------------------------------------------------------------------

    /** Fewest nodes of its site a Front End pool under test should be spread over (the multi-node issue). */
    static final int MIN_NODES_PER_FRONT_END_POOL = 3;

    private static final class PlacementChecker {
        final Checker c;
        final Placement placement;

        PlacementChecker(Checker c, Placement placement) {
            this.c = c;
            this.placement = placement;
        }

        void run() {
            Map<String, Integer> poolOfServer = new HashMap<>();
            Map<String, ServerSpec> specOfServer = new HashMap<>();
            for (int i = 0; i < c.pools.size(); i++) {
                for (ServerSpec s : c.pools.get(i).servers()) {
                    poolOfServer.putIfAbsent(s.name(), i);
                    specOfServer.putIfAbsent(s.name(), s);
                }
            }
            Map<String, NodeSpec> nodes = new HashMap<>();
            Map<String, NodeSpec> placedOn = new HashMap<>();
            Map<String, Origin> placedAt = new HashMap<>();
            List<NodeSpec> all = placement.nodes();
            for (int i = 0; i < all.size(); i++) {
                NodeSpec n = all.get(i);
                String path = "placement.nodes[" + i + "]";
                NodeSpec first = nodes.putIfAbsent(n.name(), n);
                if (first != null) {
                    c.error(n.originOf("name"), path + ".name", "duplicate node name '" + n.name() + "' (first defined at line "
                            + first.originOf("name").line() + ")");
                }
                boolean siteKnown = c.sites.containsKey(n.site());
                if (!siteKnown) {
                    c.error(n.originOf("site"), path + ".site", "unknown site '" + n.site() + "' for node '" + n.name()
                            + "'; sites: " + c.siteList());
                }
                for (int j = 0; j < n.servers().size(); j++) {
                    String server = n.servers().get(j);
                    Origin origin = n.serverOrigins().get(j);
                    String field = path + ".servers[" + j + "]";
                    Integer poolIndex = poolOfServer.get(server);
                    if (poolIndex == null) {
                        PoolSpec pool = c.pool(server);
                        if (pool != null) {
                            c.error(origin, field, "'" + server + "' is a pool, not a server: place its servers ("
                                    + String.join(", ", pool.serverNames()) + ")");
                        } else {
                            String near = TopologyLoader.closest(server, List.copyOf(poolOfServer.keySet()));
                            c.error(origin, field, "unknown server '" + server + "'"
                                    + (near != null ? " (did you mean '" + near + "'?)" : "") + "; a node hosts servers of the pools");
                        }
                        continue;
                    }
                    NodeSpec already = placedOn.putIfAbsent(server, n);
                    if (already != null) {
                        c.error(origin, field, "server '" + server + "' is already placed on node '" + already.name()
                                + "' (line " + placedAt.get(server).line() + "); a server runs on exactly one node");
                        continue;
                    }
                    placedAt.put(server, origin);
                    PoolSpec pool = c.pools.get(poolIndex);
                    String serverSite = pool.siteOf(specOfServer.get(server));
                    if (siteKnown && serverSite != null && !serverSite.equals(n.site())) {
                        boolean stretched = specOfServer.get(server).site() != null && !serverSite.equals(pool.site());
                        c.error(origin, field, "server '" + server + "' is in site '" + serverSite + "'"
                                + (stretched ? " (its own site in the stretched pool '" + pool.name() + "')" : "")
                                + " but node '" + n.name() + "' is in site '" + n.site()
                                + "'; a server runs on a node of its own site");
                    }
                }
            }
            String where = "the placement (line " + placement.origin().line() + ")";
            for (int i = 0; i < c.pools.size(); i++) {
                PoolSpec p = c.pools.get(i);
                for (int j = 0; j < p.servers().size(); j++) {
                    ServerSpec s = p.servers().get(j);
                    if (!placedOn.containsKey(s.name()) && i == poolOfServer.get(s.name()) && s == specOfServer.get(s.name())) {
                        c.error(s.origin(), Checker.path(i) + ".servers[" + j + "]", "server '" + s.name()
                                + "' is on no node: " + where + " must place every server on exactly one node of its site");
                    }
                }
            }
            frontEndSpread(placedOn);
            twoNodeSites();
        }

        /** A Front End pool under test should be spread over at least 3 nodes of its site (fewer when it has fewer servers). */
        void frontEndSpread(Map<String, NodeSpec> placedOn) {
            for (int i = 0; i < c.pools.size(); i++) {
                PoolSpec p = c.pools.get(i);
                if (!p.isFrontEnd() || p.servers().isEmpty()) continue;
                java.util.Set<String> on = new java.util.LinkedHashSet<>();
                for (ServerSpec s : p.servers()) {
                    NodeSpec n = placedOn.get(s.name());
                    if (n != null && n.site().equals(p.site())) on.add(n.name());
                }
                int wanted = Math.min(MIN_NODES_PER_FRONT_END_POOL, p.servers().size());
                if (on.size() < wanted) {
                    c.warning(p.originOf("servers"), Checker.path(i) + ".servers", "Front End pool '" + p.name() + "' runs on "
                            + on.size() + " node" + (on.size() == 1 ? "" : "s") + " of site '" + p.site() + "'"
                            + (on.isEmpty() ? "" : " (" + String.join(", ", on) + ")") + "; spread its servers over at least "
                            + wanted + " nodes, so that a node lost in a multi-node test is a part of the pool, not all of it");
                }
            }
        }

        /**
         * A site with exactly two nodes: the cluster keeps a majority of a site's nodes when one becomes unreachable
         * (docs/cluster.md), and one of two is no majority, so a crash of one node can take the other down as well.
         */
        void twoNodeSites() {
            for (Site site : c.t.sites()) {
                List<NodeSpec> in = placement.nodesIn(site.name());
                if (in.size() == 2) {
                    int i = placement.nodes().indexOf(in.get(1));
                    c.warning(in.get(1).originOf("site"), "placement.nodes[" + i + "].site", "site '" + site.name()
                            + "' has 2 nodes (" + in.get(0).name() + ", " + in.get(1).name() + "): the split-brain resolver keeps"
                            + " a majority of a site's nodes, and 1 of 2 is none, so a crash of one may take the other down too;"
                            + " give a site 1 node, or 3 or more");
                }
            }
        }
    }

    private static String label(BackendMode mode) {
        return mode == null ? "unset" : mode.label();
    }

    private static String article(Role role) {
        return role == Role.EDGE ? "an edge" : "a " + role.label();
    }

    private static long ceilDiv(long a, int b) {
        return (a + b - 1) / b;
    }

    static String fmt(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
