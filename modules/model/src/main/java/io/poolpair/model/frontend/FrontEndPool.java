package io.poolpair.model.frontend;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.CapacityExceeded;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.PoolQuorumLost;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.PoolStartBlocked;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.ReplicaRebuilt;
import io.poolpair.model.event.FailoverEvent.RoutingGroupLost;
import io.poolpair.model.event.FailoverEvent.RoutingGroupQuorumLost;
import io.poolpair.model.event.FailoverEvent.RoutingGroupRecovered;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.event.Where;
import io.poolpair.model.quorum.PoolQuorumRule;
import io.poolpair.model.quorum.PoolStartRule;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.ProductVersion;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A Front End pool as Windows Fabric runs it (spec §2): users in routing groups with one primary and
 * two secondary replicas on distinct servers, pool quorum by Table A, starts by Table B, and the
 * admin verbs that act on one pool. Plain Java: callers pass time in and publish the events returned.
 *
 * <p>Server indices are positions in first-start order (0-based), which decide the quorum seeds.
 */
public final class FrontEndPool {

    private final String name;
    private final String site;
    private final List<String> servers;
    private final int users;
    private final FrontEndSettings settings;
    private final PoolQuorumRule quorumRule;
    private final int requiredToStart;
    private final int replicaTarget;

    private final ServerStatus[] status;
    private final List<Group> groups = new ArrayList<>();
    private final List<io.poolpair.model.history.LossWindow> lossWindows = new ArrayList<>();
    private PoolState state = PoolState.STARTING;
    private boolean everStarted;
    /** Servers in the order they went down since the pool last ran (for the 2-FE restart-order rule). */
    private final List<Integer> downOrder = new ArrayList<>();
    /** The first server to come back after the whole pool was down, for the 2-FE rule. */
    private int firstBackAfterFullStop = -1;
    private String lastBlockedReason;
    private final Set<Integer> overCapacity = new HashSet<>();
    /** Emulated time at which placement work (rebuild, rebalance) is due, or -1. */
    private long placementDueMs = -1;
    /** Servers that have never been up: when one first joins a running pool, Fabric places load on it at once. */
    private final Set<Integer> neverUp = new HashSet<>();
    /** Whether the primary SQL database is there to break ties (spec §2.3); false once it failed over or is down. */
    private boolean sqlWitness = true;
    /** Fault domain of each server (multi-node runs: its node); by default each server is its own. */
    private int[] domain;

    public FrontEndPool(String name, String site, List<String> servers, int users, int routingGroups,
                        ProductVersion version, FrontEndSettings settings) {
        if (servers.isEmpty()) throw new IllegalArgumentException("a pool needs servers");
        if (routingGroups < 1) throw new IllegalArgumentException("routing groups must be >= 1");
        this.name = name;
        this.site = site;
        this.servers = List.copyOf(servers);
        this.users = users;
        this.settings = settings;
        this.quorumRule = PoolQuorumRule.forPool(servers.size(), version, settings.quorum());
        this.requiredToStart = PoolStartRule.requiredToStart(servers.size(), settings.quorum());
        this.replicaTarget = Math.min(settings.replicasPerGroup(), servers.size());
        this.status = new ServerStatus[servers.size()];
        java.util.Arrays.fill(status, ServerStatus.DOWN);
        for (int i = 0; i < servers.size(); i++) neverUp.add(i);
        this.domain = new int[servers.size()];
        for (int i = 0; i < domain.length; i++) domain[i] = i;
        place(routingGroups);
    }

    /**
     * Multi-node runs: the servers' fault domains (the node each runs on). A routing group's replicas go to servers
     * of different domains wherever the pool has enough of them, at the first placement and whenever a replica is
     * rebuilt or moved, so that losing one node loses at most one replica of a group. Call before any server is up.
     */
    public void placeAcrossDomains(Map<String, String> domainOfServer) {
        if (everStarted || runningCount() > 0) throw new IllegalStateException("fault domains are set before the pool starts");
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) {
            String d = domainOfServer.getOrDefault(servers.get(i), "server:" + servers.get(i));
            domain[i] = ids.computeIfAbsent(d, k -> ids.size());
        }
        int n = groups.size();
        groups.clear();
        place(n);
    }

    /** Whether server {@code i} shares a fault domain with any of {@code members} (other than itself). */
    private boolean sharesDomain(int i, List<Integer> members) {
        for (int m : members) if (m != i && domain[m] == domain[i]) return true;
        return false;
    }

    // ------------------------------------------------------------------ initial placement

    /** Spreads groups so each server holds an even share of primaries and replicas, with varied partners. */
    private void place(int routingGroups) {
        int n = servers.size();
        int[] primaries = new int[n];
        int[] replicas = new int[n];
        int[][] together = new int[n][n];
        for (int g = 0; g < routingGroups; g++) {
            int groupUsers = users / routingGroups + (g < users % routingGroups ? 1 : 0);
            int p = argMin(n, i -> true, i -> primaries[i] * 1_000_000L + replicas[i] * 1_000L + i);
            List<Integer> members = new ArrayList<>();
            members.add(p);
            primaries[p]++;
            replicas[p]++;
            while (members.size() < replicaTarget) {
                int s = argMin(n, i -> !members.contains(i), i -> {
                    long co = 0;
                    for (int m : members) co += together[m][i];
                    return (sharesDomain(i, members) ? 1_000_000_000_000L : 0) + replicas[i] * 1_000_000L + co * 1_000L + i;
                });
                for (int m : members) { together[m][s]++; together[s][m]++; }
                members.add(s);
                replicas[s]++;
            }
            groups.add(new Group(g, groupUsers, members, p));
        }
    }

    private interface IntPred { boolean test(int i); }

    private interface IntKey { long key(int i); }

    private static int argMin(int n, IntPred ok, IntKey key) {
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (!ok.test(i)) continue;
            long k = key.key(i);
            if (k < bestKey) { bestKey = k; best = i; }
        }
        return best;
    }

    // ------------------------------------------------------------------ server lifecycle

    /** A server's heartbeats arrive: it is up (first start, restart, or back from a fault). */
    public List<FailoverEvent> serverUp(String server, Time now) {
        int idx = indexOf(server);
        if (status[idx] != ServerStatus.DOWN) return List.of();
        List<FailoverEvent> ev = new ArrayList<>();
        status[idx] = ServerStatus.UP;
        boolean first = neverUp.remove(idx);
        ev.add(new ServerUp(now, where(idx)));
        if (state == PoolState.RUNNING) {
            rejoin(idx, now, ev);
            if (first) placementDueMs = now.emulatedMs();
            else schedulePlacement(now);
            loadChanged(now, "a Front End returned", ev);
        } else {
            if (runningCount() == 1 && firstBackAfterFullStop < 0) firstBackAfterFullStop = idx;
            tryStart(now, ev, false);
        }
        return ev;
    }

    /** A server stopped heartbeating (or its actor terminated): it is down. */
    public List<FailoverEvent> serverDown(String server, String detectedBy, Time now) {
        int idx = indexOf(server);
        // a drained server is already out of the pool: its process dying changes nothing, and it stays drained
        // (it comes back only with return-server, as after Invoke-CsComputerFailOver)
        if (status[idx] != ServerStatus.UP) return List.of();
        List<FailoverEvent> ev = new ArrayList<>();
        status[idx] = ServerStatus.DOWN;
        ev.add(new ServerDown(now, where(idx), detectedBy));
        downOrder.remove((Integer) idx);
        downOrder.add(idx);
        if (runningCount() == 0) firstBackAfterFullStop = -1;
        if (state == PoolState.RUNNING) {
            if (!quorumHolds(running())) {
                loseQuorum(now, ev);
                return ev;
            }
            for (Group g : groups) {
                if (g.members.contains(idx)) afterMemberLoss(g, idx, "failover", now, ev);
            }
            schedulePlacement(now);
            loadChanged(now, server + " down", ev);
        } else if (state == PoolState.STARTING) {
            lastBlockedReason = null;
        }
        return ev;
    }

    /**
     * Table A, plus the even-pool witness rule of spec §2.3: where the table's count is exactly half the
     * seeds (pools of 2, 4 and 6), the primary SQL database breaks the tie; once it has failed over or is
     * gone, the pool needs one seed more.
     */
    private boolean quorumHolds(List<Integer> run) {
        if (!quorumRule.holds(run)) return false;
        return sqlWitness || !witnessBreaksTie() || quorumRule.runningSeeds(run) > quorumRule.required();
    }

    private boolean witnessBreaksTie() {
        return quorumRule.seeds() % 2 == 0 && quorumRule.required() * 2 == quorumRule.seeds();
    }

    /** The rule as it applies now, for messages. */
    private String ruleNow() {
        return quorumRule.describe() + (!sqlWitness && witnessBreaksTie()
                ? " without the SQL witness, which failed over or is down: one more is needed" : "");
    }

    /**
     * The pool's primary SQL database is (or is no longer) available as the tie-breaking witness: it is not
     * when the back end failed over to the mirror or is unavailable. An even pool running exactly half its
     * seeds then loses quorum (spec §2.3).
     */
    public List<FailoverEvent> setSqlWitness(boolean available, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (sqlWitness == available) return ev;
        sqlWitness = available;
        if (state == PoolState.RUNNING && !quorumHolds(running())) loseQuorum(now, ev);
        else if (state != PoolState.RUNNING && available) tryStart(now, ev, false);
        return ev;
    }

    /**
     * A 2-FE pool whose back end failed goes down soon after (spec §2.4, [S2][B6]); the caller decides when
     * "soon" has come (a setting) and calls this.
     */
    public List<FailoverEvent> backEndLostTwoFrontEnds(Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (servers.size() == 2 && state == PoolState.RUNNING) {
            state = PoolState.QUORUM_LOST;
            List<String> stopped = new ArrayList<>();
            for (int i : running()) stopped.add(servers.get(i));
            ev.add(new PoolQuorumLost(now, Where.pool(site, name), running().size(), quorumRule.required(),
                    "a 2-FE pool whose back end failed goes down", stopped));
            placementDueMs = -1;
            lastBlockedReason = null;
            overCapacity.clear();
            for (Group g : groups) g.state = GroupState.OFFLINE;
        }
        return ev;
    }

    public boolean sqlWitness() { return sqlWitness; }

    private void loseQuorum(Time now, List<FailoverEvent> ev) {
        state = PoolState.QUORUM_LOST;
        List<String> stopped = new ArrayList<>();
        for (int i : running()) stopped.add(servers.get(i));
        ev.add(new PoolQuorumLost(now, Where.pool(site, name), running().size(), quorumRule.required(),
                ruleNow(), stopped));
        placementDueMs = -1;
        lastBlockedReason = null;
        overCapacity.clear();
        for (Group g : groups) g.state = GroupState.OFFLINE;
        if (stopped.isEmpty()) firstBackAfterFullStop = -1;
    }

    /** After losing member {@code idx}: promote if it was primary, classify the group, report. */
    private void afterMemberLoss(Group g, int idx, String reason, Time now, List<FailoverEvent> ev) {
        GroupState before = g.state;
        if (g.missingSinceMs < 0) g.missingSinceMs = now.emulatedMs();
        if (g.primary == idx || g.primary < 0) promote(g, -1, reason, now, ev);
        classify(g);
        reportTransition(g, before, now, ev);
    }

    /**
     * A new primary for a group: the live replica (other than {@code exclude}) with the fewest primaries,
     * with a higher epoch, reported as a primary move; none when no replica is live.
     */
    private void promote(Group g, int exclude, String reason, Time now, List<FailoverEvent> ev) {
        int np = electPrimary(g, exclude);
        String from = g.primary >= 0 ? servers.get(g.primary) : null;
        if (np >= 0) {
            g.primary = np;
            g.epoch++;
            ev.add(new PrimaryMoved(now, whereGroup(g, np), from, servers.get(np), g.epoch, reason, g.users));
        } else {
            g.primary = -1;
        }
    }

    private void reportTransition(Group g, GroupState before, Time now, List<FailoverEvent> ev) {
        if (g.state == before) return;
        switch (g.state) {
            case QUORUM_LOSS -> ev.add(new RoutingGroupQuorumLost(now, Where.group(site, name, g.id), live(g).size(),
                    g.users, settings.quorumLossService().label()));
            case LOST -> ev.add(new RoutingGroupLost(now, Where.group(site, name, g.id), g.users));
            case HEALTHY, DEGRADED -> {
                if (before == GroupState.QUORUM_LOSS || before == GroupState.LOST) {
                    ev.add(new RoutingGroupRecovered(now, Where.group(site, name, g.id), "replica-returned", live(g).size()));
                }
            }
            default -> { }
        }
    }

    /** A returning server's replicas rejoin their groups (catching up from the primary). */
    private void rejoin(int idx, Time now, List<FailoverEvent> ev) {
        for (Group g : groups) {
            if (!g.members.contains(idx)) continue;
            GroupState before = g.state;
            if ((g.primary < 0 || status[g.primary] != ServerStatus.UP) && hasQuorum(g)) {
                promote(g, -1, "quorum-restored", now, ev);
            }
            classify(g);
            reportTransition(g, before, now, ev);
        }
    }

    private void tryStart(Time now, List<FailoverEvent> ev, boolean forced) {
        tryStart(now, ev, forced, null);
    }

    /** @param how how the start is reported when it succeeds, or null for first-start / restart / recovery */
    private void tryStart(Time now, List<FailoverEvent> ev, boolean forced, String how) {
        List<Integer> run = running();
        if (!quorumHolds(run)) return;
        String blocked = null;
        if (!forced) {
            if (run.size() < requiredToStart) {
                blocked = "below the start threshold (Table B needs " + requiredToStart + " of " + servers.size() + ")";
            } else if (servers.size() == 2 && everStarted && run.size() == 1 && !downOrder.isEmpty()
                    && firstBackAfterFullStop >= 0 && firstBackAfterFullStop != downOrder.get(downOrder.size() - 1)) {
                blocked = "2-FE restart order: " + servers.get(firstBackAfterFullStop) + " stopped first; start both together"
                        + " or in the reverse of the shutdown order";
            }
        }
        if (blocked != null) {
            state = PoolState.STARTING;
            if (!blocked.equals(lastBlockedReason)) {
                ev.add(new PoolStartBlocked(now, Where.pool(site, name), run.size(),
                        blocked.startsWith("2-FE") ? servers.size() : requiredToStart, blocked));
                lastBlockedReason = blocked;
            }
            return;
        }
        if (how == null) how = forced ? "quorum-loss-recovery" : everStarted ? "restart" : "first-start";
        state = PoolState.RUNNING;
        everStarted = true;
        downOrder.clear();
        firstBackAfterFullStop = -1;
        lastBlockedReason = null;
        ev.add(new PoolQuorumRegained(now, Where.pool(site, name), run.size(), how));
        if (how.equals("first-start")) {
            // nothing was ever written: a group without quorum among the servers that did start is placed on
            // them (groups with quorum keep their placement; their other replicas come with their servers)
            for (Group g : groups) {
                if (hasQuorum(g)) continue;
                g.members.removeIf(m -> status[m] != ServerStatus.UP);
                while (g.members.size() < replicaTarget) {
                    int s = leastReplicas(run, g.members);
                    if (s < 0) break;
                    g.members.add(s);
                }
                if (g.primary < 0 || status[g.primary] != ServerStatus.UP) g.primary = electPrimary(g, -1);
            }
        }
        for (Group g : groups) {
            GroupState before = GroupState.HEALTHY;
            if (g.primary < 0 || status[g.primary] != ServerStatus.UP) promote(g, -1, how, now, ev);
            classify(g);
            reportTransition(g, before, now, ev);
        }
        schedulePlacement(now);
        loadChanged(now, "pool " + how, ev);
    }

    // ------------------------------------------------------------------ placement (rebuild, rebalance)

    private void schedulePlacement(Time now) {
        if (state != PoolState.RUNNING) return;
        long due = now.emulatedMs() + settings.replicaRebuildDelayMs();
        if (placementDueMs < 0 || due < placementDueMs) placementDueMs = due;
    }

    /** When placement work (replica rebuild, rebalance) is next due, in emulated ms. */
    public OptionalLong placementDue() {
        return placementDueMs < 0 ? OptionalLong.empty() : OptionalLong.of(placementDueMs);
    }

    /**
     * Runs due placement work: rebuilds missing replicas of groups that still have quorum on other
     * servers, then evens out replicas and primaries across the running servers (Windows Fabric's
     * rebalancing). Call when {@link #placementDue()} has passed.
     */
    public List<FailoverEvent> placementTick(Time now) {
        if (placementDueMs < 0 || now.emulatedMs() < placementDueMs || state != PoolState.RUNNING) return List.of();
        placementDueMs = -1;
        List<FailoverEvent> ev = new ArrayList<>();
        List<Integer> run = running();
        long nextDue = -1;
        for (Group g : groups) {
            if (!hasQuorum(g)) continue;
            boolean missing = g.members.size() < replicaTarget || g.members.stream().anyMatch(m -> status[m] != ServerStatus.UP);
            if (!missing) {
                g.missingSinceMs = -1;
                continue;
            }
            // each group's lost replica waits its own rebuild delay
            // (a group short of replicas for no failure, e.g. placed at first start, is filled at once)
            long due = g.missingSinceMs < 0 ? now.emulatedMs() : g.missingSinceMs + settings.replicaRebuildDelayMs();
            if (due > now.emulatedMs()) {
                nextDue = nextDue < 0 ? due : Math.min(nextDue, due);
                continue;
            }
            g.members.removeIf(m -> status[m] != ServerStatus.UP);
            while (g.members.size() < replicaTarget) {
                int s = leastReplicas(run, g.members);
                if (s < 0) break;
                g.members.add(s);
                ev.add(new ReplicaRebuilt(now, whereGroup(g, s), servers.get(s), g.members.size()));
            }
            if (g.members.size() >= replicaTarget) g.missingSinceMs = -1;
            classify(g);
        }
        rebalanceReplicas(run, now, ev);
        boolean moved = rebalancePrimaries(run, now, ev);
        if (moved) loadChanged(now, "rebalance", ev);
        if (nextDue >= 0 && (placementDueMs < 0 || nextDue < placementDueMs)) placementDueMs = nextDue;
        return ev;
    }

    private void rebalanceReplicas(List<Integer> run, Time now, List<FailoverEvent> ev) {
        for (int guard = 0; guard < groups.size() * 3; guard++) {
            int[] count = replicaCounts();
            int max = argMin(servers.size(), run::contains, i -> -count[i] * 1000L + i);
            int min = argMin(servers.size(), run::contains, i -> count[i] * 1000L + i);
            if (max < 0 || count[max] - count[min] <= 1) return;
            Group pick = null;
            for (Group g : groups) {
                if (g.members.contains(max) && !g.members.contains(min) && g.primary != max && hasQuorum(g)
                        && !sharesDomain(min, g.members.stream().filter(m -> m != max).toList())) {
                    pick = g;
                    break;
                }
            }
            if (pick == null) return;
            pick.members.remove((Integer) max);
            pick.members.add(min);
            ev.add(new ReplicaRebuilt(now, whereGroup(pick, min), servers.get(min), pick.members.size()));
        }
    }

    private boolean rebalancePrimaries(List<Integer> run, Time now, List<FailoverEvent> ev) {
        boolean any = false;
        // each move is a failover its users notice: a group's primary moves at most once per rebalance
        Set<Group> moved = new HashSet<>();
        for (int guard = 0; guard < groups.size(); guard++) {
            int[] count = primaryCounts();
            Group pick = null;
            int target = -1;
            int best = 1;
            // the move that narrows the gap most: from the busiest primary to its least busy secondary
            for (Group g : groups) {
                if (g.primary < 0 || !isServing(g) || moved.contains(g)) continue;
                for (int m : g.members) {
                    if (status[m] == ServerStatus.UP && count[g.primary] - count[m] > best) {
                        best = count[g.primary] - count[m];
                        pick = g;
                        target = m;
                    }
                }
            }
            if (pick == null) return any;
            String from = servers.get(pick.primary);
            pick.primary = target;
            pick.epoch++;
            moved.add(pick);
            ev.add(new PrimaryMoved(now, whereGroup(pick, target), from, servers.get(target), pick.epoch, "rebalance", pick.users));
            any = true;
        }
        return any;
    }

    private int leastReplicas(List<Integer> candidates, List<Integer> exclude) {
        int[] count = replicaCounts();
        int[] prim = primaryCounts();
        return argMin(servers.size(), i -> candidates.contains(i) && !exclude.contains(i),
                i -> (sharesDomain(i, exclude) ? 1_000_000_000_000L : 0) + count[i] * 1_000_000L + prim[i] * 1_000L + i);
    }

    private int electPrimary(Group g, int exclude) {
        int[] prim = primaryCounts();
        return argMin(servers.size(), i -> g.members.contains(i) && i != exclude && status[i] == ServerStatus.UP,
                i -> prim[i] * 1_000L + i);
    }

    private int[] replicaCounts() {
        int[] c = new int[servers.size()];
        for (Group g : groups) for (int m : g.members) c[m]++;
        return c;
    }

    private int[] primaryCounts() {
        int[] c = new int[servers.size()];
        for (Group g : groups) if (g.primary >= 0 && state == PoolState.RUNNING && status[g.primary] == ServerStatus.UP) c[g.primary]++;
        return c;
    }

    // ------------------------------------------------------------------ admin verbs

    /**
     * {@code Reset-CsPoolRegistrarState -ResetType QuorumLossRecovery} [P1]: reloads the routing groups in
     * quorum loss (or lost) from the back end; unflushed writes of those groups are lost and reported.
     * Also lets a pool stuck starting at the Table A level proceed [S2].
     */
    public AdminResult quorumLossRecovery(Time now) {
        String verb = "quorum-loss-recovery";
        List<FailoverEvent> ev = new ArrayList<>();
        if (state != PoolState.RUNNING) {
            if (!quorumHolds(running())) {
                return AdminResult.refused(new AdminVerbRefused(now, Where.pool(site, name), verb,
                        "only " + running().size() + " Front Ends running; the pool needs " + quorumRule.describe()
                                + " before it can be recovered"));
            }
            tryStart(now, ev, true);
        }
        int recovered = 0;
        for (Group g : groups) {
            if (g.state != GroupState.QUORUM_LOSS && g.state != GroupState.LOST) continue;
            long lost = g.committedWrites - g.flushedWrites;
            if (lost > 0) {
                ev.add(new DataLost(now, Where.group(site, name, g.id), lost, g.lastFlushEmulatedMs, now.emulatedMs(),
                        "quorum-loss-recovery reloaded the group from the back end; writes after its last flush are gone"));
            }
            g.committedWrites = g.flushedWrites;
            lossWindows.add(new io.poolpair.model.history.LossWindow(io.poolpair.model.history.LossWindow.QUORUM_LOSS_RECOVERY,
                    name, null, g.id, g.lastFlushEmulatedMs, now.emulatedMs(), g.unflushed));
            g.unflushed.clear();
            g.members.removeIf(m -> status[m] != ServerStatus.UP);
            List<Integer> run = running();
            while (g.members.size() < replicaTarget) {
                int s = leastReplicas(run, g.members);
                if (s < 0) break;
                g.members.add(s);
            }
            promote(g, -1, verb, now, ev);
            classify(g);
            ev.add(new RoutingGroupRecovered(now, Where.group(site, name, g.id), verb, live(g).size()));
            recovered++;
        }
        loadChanged(now, verb, ev);
        return AdminResult.done(ev, recovered == 0 ? "no routing group was in quorum loss" :
                recovered + " routing groups reloaded from the back end");
    }

    /**
     * {@code Reset-CsPoolRegistrarState -ResetType ServiceReset} [P1]: restarts the Front End services of
     * the pool's running servers; the pool comes back by the start rule (Table B).
     */
    public AdminResult serviceReset(Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (running().isEmpty()) {
            return AdminResult.refused(new AdminVerbRefused(now, Where.pool(site, name), "service-reset",
                    "no Front End of pool " + name + " is running"));
        }
        if (!quorumHolds(running())) {
            return AdminResult.refused(new AdminVerbRefused(now, Where.pool(site, name), "service-reset",
                    "only " + running().size() + " Front Ends running: the pool needs " + ruleNow() + " to start"));
        }
        if (state == PoolState.RUNNING) {
            state = PoolState.STARTING;
            for (Group g : groups) g.state = GroupState.OFFLINE;
        }
        lastBlockedReason = null;
        boolean wasStarted = everStarted;
        tryStart(now, ev, false, "service-reset");
        everStarted = wasStarted || state == PoolState.RUNNING;
        return AdminResult.done(ev, state == PoolState.RUNNING ? "pool restarted" : "pool is starting: " + lastBlockedReason);
    }

    /**
     * {@code Invoke-CsComputerFailOver} [P11]: drains one Front End (moves its primaries and replicas to
     * the others, then stops it). Refused without {@code force} when the rest of the pool lacks capacity
     * or would lose pool quorum.
     */
    public AdminResult drain(String server, boolean force, Time now) {
        String verb = "drain-server";
        int idx = indexOf(server);
        if (status[idx] != ServerStatus.UP || state != PoolState.RUNNING) {
            return AdminResult.refused(new AdminVerbRefused(now, where(idx), verb,
                    server + " is not serving (" + status[idx].label() + ", pool " + state.label() + ")"));
        }
        List<Integer> rest = new ArrayList<>(running());
        rest.remove((Integer) idx);
        if (!force) {
            if (!quorumHolds(rest)) {
                return AdminResult.refused(new AdminVerbRefused(now, where(idx), verb,
                        "draining " + server + " would leave " + rest.size() + " running and lose pool quorum ("
                                + quorumRule.describe() + "); use force to drain anyway"));
            }
            long capacity = (long) rest.size() * settings.usersPerServerGuideline();
            if (users > capacity) {
                return AdminResult.refused(new AdminVerbRefused(now, where(idx), verb,
                        "the remaining " + rest.size() + " Front Ends would carry " + users + " users, "
                                + (rest.isEmpty() ? users : users / rest.size()) + " each, above the "
                                + settings.usersPerServerGuideline() + " guideline; use force to drain anyway"));
            }
        }
        List<FailoverEvent> ev = new ArrayList<>();
        status[idx] = ServerStatus.DRAINED;
        ev.add(new ServerDown(now, where(idx), "drain"));
        if (!quorumHolds(running())) {
            loseQuorum(now, ev);
            return AdminResult.done(ev, server + " drained by force; the pool lost quorum");
        }
        for (Group g : groups) {
            if (!g.members.contains(idx)) continue;
            GroupState before = g.state;
            boolean wasPrimary = g.primary == idx;
            if (wasPrimary) promote(g, idx, "drain", now, ev);
            g.members.remove((Integer) idx);
            int s = leastReplicas(running(), g.members);
            if (s >= 0) {
                g.members.add(s);
                ev.add(new ReplicaRebuilt(now, whereGroup(g, s), servers.get(s), g.members.size()));
                if (wasPrimary && g.primary < 0) {
                    // no other live replica: the drain copied the group to s, which takes over its users
                    g.primary = s;
                    g.epoch++;
                    ev.add(new PrimaryMoved(now, whereGroup(g, s), server, servers.get(s), g.epoch, "drain", g.users));
                }
            }
            classify(g);
            reportTransition(g, before, now, ev);
        }
        loadChanged(now, server + " drained", ev);
        return AdminResult.done(ev, server + " drained" + (force ? " (forced)" : ""));
    }

    /** {@code Invoke-CsComputerFailBack} [P11]: returns a drained Front End to service. */
    public AdminResult returnServer(String server, Time now) {
        int idx = indexOf(server);
        if (status[idx] != ServerStatus.DRAINED) {
            return AdminResult.refused(new AdminVerbRefused(now, where(idx), "return-server",
                    server + " is not drained (" + status[idx].label() + ")"));
        }
        List<FailoverEvent> ev = new ArrayList<>();
        status[idx] = ServerStatus.UP;
        ev.add(new ServerUp(now, where(idx)));
        if (state == PoolState.RUNNING) {
            // a drain that cost the pool its quorum left the server's replicas in place: they rejoin now
            rejoin(idx, now, ev);
            schedulePlacement(now);
        } else {
            tryStart(now, ev, false);
        }
        return AdminResult.done(ev, server + " returned; replicas move back at the next rebalance");
    }

    // ------------------------------------------------------------------ data (writes and back-end flush)

    /** Outcome of a persistent write to a routing group. */
    public record WriteResult(boolean acknowledged, String server, long epoch, String refusal) {

        private static final String NO_ANSWER = "no answer from ";

        /** The group's primary is frozen: the client waits in vain and times out, not knowing what happened. */
        public static WriteResult noAnswer(String primary) {
            return noAnswer(primary, "not responding");
        }

        /** The client got no usable answer from {@code primary}, for the reason given: it times out, not knowing. */
        public static WriteResult noAnswer(String primary, String why) {
            return new WriteResult(false, null, -1, NO_ANSWER + primary + " (" + why + "): timed out");
        }

        /** Whether the client timed out (the outcome is unknown to it), rather than being refused. */
        public boolean timedOut() {
            return !acknowledged && refusal != null && refusal.startsWith(NO_ANSWER);
        }

        /**
         * How the history records this answer: ok when acknowledged; otherwise info when the client timed out (it cannot
         * know whether its operation took effect), fail when it was refused.
         */
        public io.poolpair.model.history.HistoryRecord.Type historyType() {
            return acknowledged ? io.poolpair.model.history.HistoryRecord.Type.OK
                    : timedOut() ? io.poolpair.model.history.HistoryRecord.Type.INFO : io.poolpair.model.history.HistoryRecord.Type.FAIL;
        }

        /**
         * Whether a server answered the user (it stays signed in: a write refused in quorum loss); otherwise (no primary,
         * a frozen one) the user signs in again.
         */
        public boolean answered() {
            return acknowledged || server != null;
        }
    }

    /**
     * A persistent write (contact, meeting, setting) by a user of group {@code groupId}: acknowledged by the
     * primary once a majority of the replica set holds it.
     */
    public WriteResult write(int groupId) {
        return serve(groupId, true, null);
    }

    /**
     * An emulated user's operation in routing group {@code groupId}: served by the group's primary when the
     * group is served; a persistent write also needs the group's quorum (unless quorum-loss-service is full).
     * {@code write}, when not null, identifies the persistent write: it is kept with the group until the next
     * flush to the back end, so that QuorumLossRecovery can say exactly which writes it dropped.
     */
    public WriteResult serve(int groupId, boolean persistentWrite, io.poolpair.model.dr.WriteRecord write) {
        Group g = groups.get(groupId);
        if (!isServing(g)) return new WriteResult(false, null, g.epoch, "routing group not served (" + g.state.label() + ")");
        if (!persistentWrite) return new WriteResult(true, servers.get(g.primary), g.epoch, null);
        if (!hasQuorum(g) && settings.quorumLossService() != FrontEndSettings.QuorumLossService.FULL) {
            return new WriteResult(false, servers.get(g.primary), g.epoch,
                    "routing group in quorum loss: persistent writes refused");
        }
        g.committedWrites++;
        if (write != null) g.unflushed.add(write);
        return new WriteResult(true, servers.get(g.primary), g.epoch, null);
    }

    /**
     * A persistent write the group's replicas really hold (multi-node runs: the primary had a majority of them
     * store it): it joins the group's unflushed writes, as {@link #serve} does in one JVM. Call after
     * {@code serve(group, true, null)} acknowledged.
     */
    public void recordAcknowledged(int groupId, io.poolpair.model.dr.WriteRecord write) {
        Group g = groups.get(groupId);
        g.committedWrites++;
        g.unflushed.add(write);
    }

    /** The writes of a group acknowledged since its last flush, oldest first. */
    public List<io.poolpair.model.dr.WriteRecord> unflushed(int groupId) {
        return List.copyOf(groups.get(groupId).unflushed);
    }

    /**
     * These writes of the group are durable in the back end now (multi-node runs flush write by write, since
     * more may be acknowledged while a flush travels). Unknown ids are ignored.
     */
    public void flushed(int groupId, java.util.Collection<Long> ids, Time now) {
        Group g = groups.get(groupId);
        java.util.Set<Long> done = new java.util.HashSet<>(ids);
        if (g.unflushed.removeIf(w -> done.contains(w.id()))) {
            g.flushedWrites = g.committedWrites - g.unflushed.size();
            g.lastFlushEmulatedMs = now.emulatedMs();
        }
    }

    /** Whether the pool may flush now (it runs; a stopped pool's groups write nothing). */
    public boolean flushable(int groupId) {
        Group g = groups.get(groupId);
        return state == PoolState.RUNNING && g.state != GroupState.LOST && !live(g).isEmpty();
    }

    /** What one server holds of one routing group, as it reports it to a new supervisor. */
    public record HeldReplica(int group, long epoch, boolean primary, List<io.poolpair.model.dr.WriteRecord> unflushed) {
        public HeldReplica {
            unflushed = List.copyOf(unflushed);
        }
    }

    /**
     * A new supervisor takes over a pool that was running (a cluster singleton moved after its node died): the
     * servers that answered are up, each routing group's replicas are the servers that hold it, its epoch the
     * highest any of them knows, its primary the one that holds that epoch as primary (else a live replica is
     * promoted with a higher epoch), its unflushed writes the union of what its replicas hold. Servers that did
     * not answer are down; missing replicas are rebuilt after the usual delay. When no server holds anything
     * (a first start) the servers simply come up. Call once, on a supervisor that has not run the pool yet.
     */
    public List<FailoverEvent> rebuild(Map<String, List<HeldReplica>> reports, Time now) {
        if (everStarted || runningCount() > 0) throw new IllegalStateException("rebuild needs a fresh pool model");
        boolean held = reports.values().stream().anyMatch(l -> !l.isEmpty());
        List<FailoverEvent> ev = new ArrayList<>();
        if (!held) {
            for (String s : servers) if (reports.containsKey(s)) ev.addAll(serverUp(s, now));
            return ev;
        }
        List<String> reporting = new ArrayList<>();
        for (String s : servers) {
            if (!reports.containsKey(s)) continue;
            int idx = indexOf(s);
            status[idx] = ServerStatus.UP;
            neverUp.remove(idx);
            reporting.add(s);
        }
        everStarted = true;
        int kept = 0;
        int unflushedCount = 0;
        for (Group g : groups) {
            long epoch = 0;
            Map<Long, io.poolpair.model.dr.WriteRecord> writes = new java.util.TreeMap<>();
            List<Integer> holders = new ArrayList<>();
            for (Map.Entry<String, List<HeldReplica>> e : reports.entrySet()) {
                int idx = servers.indexOf(e.getKey());
                if (idx < 0) continue;
                for (HeldReplica h : e.getValue()) {
                    if (h.group() != g.id) continue;
                    holders.add(idx);
                    for (io.poolpair.model.dr.WriteRecord w : h.unflushed()) writes.putIfAbsent(w.id(), w);
                    epoch = Math.max(epoch, h.epoch());
                }
            }
            // the primary is the holder that claims the highest epoch as primary
            int primary = -1;
            for (Map.Entry<String, List<HeldReplica>> e : reports.entrySet()) {
                int idx = servers.indexOf(e.getKey());
                for (HeldReplica h : e.getValue()) {
                    if (h.group() == g.id && h.primary() && h.epoch() == epoch) primary = idx;
                }
            }
            g.members.clear();
            holders.stream().distinct().sorted().forEach(g.members::add);
            g.epoch = Math.max(1, epoch);
            g.primary = primary;
            if (primary >= 0) kept++;
            g.unflushed.clear();
            List<io.poolpair.model.dr.WriteRecord> sorted = new ArrayList<>(writes.values());
            sorted.sort(java.util.Comparator.comparingLong(io.poolpair.model.dr.WriteRecord::emulatedMs)
                    .thenComparingLong(io.poolpair.model.dr.WriteRecord::id));
            g.unflushed.addAll(sorted);
            g.committedWrites = g.unflushed.size();
            g.flushedWrites = 0;
            unflushedCount += g.unflushed.size();
            if (g.members.size() < replicaTarget) g.missingSinceMs = now.emulatedMs();
        }
        List<FailoverEvent> promotions = new ArrayList<>();
        if (quorumHolds(running())) {
            state = PoolState.RUNNING;
            for (Group g : groups) {
                if (g.primary < 0 || status[g.primary] != ServerStatus.UP) promote(g, -1, "supervisor-rebuilt", now, promotions);
                GroupState before = GroupState.HEALTHY;
                classify(g);
                reportTransition(g, before, now, promotions);
            }
            schedulePlacement(now);
        } else {
            state = PoolState.STARTING;
        }
        int promoted = (int) promotions.stream().filter(e -> e instanceof PrimaryMoved).count();
        ev.add(new FailoverEvent.PoolRebuilt(now, Where.pool(site, name), reporting, groups.size(), kept, promoted, unflushedCount));
        // the servers that did not answer are down for the new supervisor: said so, as a loss would be
        for (int i = 0; i < servers.size(); i++) {
            if (!reporting.contains(servers.get(i))) ev.add(new ServerDown(now, where(i), "supervisor-rebuilt"));
        }
        ev.addAll(promotions);
        if (state != PoolState.RUNNING) loseQuorum(now, ev);
        else loadChanged(now, "pool rebuilt", ev);
        return ev;
    }

    /**
     * A server reported what it holds after the pool was rebuilt (it answered late): its unflushed writes join
     * their groups, so that nothing it holds is forgotten.
     */
    public int adoptWrites(List<HeldReplica> held) {
        int added = 0;
        for (HeldReplica h : held) {
            if (h.group() < 0 || h.group() >= groups.size()) continue;
            Group g = groups.get(h.group());
            java.util.Set<Long> have = new java.util.HashSet<>();
            for (io.poolpair.model.dr.WriteRecord w : g.unflushed) have.add(w.id());
            for (io.poolpair.model.dr.WriteRecord w : h.unflushed()) {
                if (have.add(w.id())) {
                    g.unflushed.add(w);
                    g.committedWrites++;
                    added++;
                }
            }
        }
        return added;
    }

    /** The loss windows QuorumLossRecovery declared since the last call (with the identified writes it dropped). */
    public List<io.poolpair.model.history.LossWindow> drainLossWindows() {
        List<io.poolpair.model.history.LossWindow> out = List.copyOf(lossWindows);
        lossWindows.clear();
        return out;
    }

    /** Lazy write to the back end: every group's acknowledged writes become durable there. */
    public void flushToBackEnd(Time now) {
        if (state != PoolState.RUNNING) return;
        for (Group g : groups) {
            // only a group with a live replica has anything to write; a lost group's data is gone
            if (g.state == GroupState.LOST || live(g).isEmpty()) continue;
            if (g.committedWrites != g.flushedWrites) {
                g.flushedWrites = g.committedWrites;
                g.lastFlushEmulatedMs = now.emulatedMs();
            }
            g.unflushed.clear();
        }
    }

    // ------------------------------------------------------------------ queries

    public String name() { return name; }

    public String site() { return site; }

    public List<String> servers() { return servers; }

    public int users() { return users; }

    public PoolState state() { return state; }

    public PoolQuorumRule quorumRule() { return quorumRule; }

    public int requiredToStart() { return requiredToStart; }

    public String blockedReason() { return state == PoolState.STARTING ? lastBlockedReason : null; }

    public ServerStatus status(String server) { return status[indexOf(server)]; }

    /** Whether the server is up and its pool is running, i.e. it serves users. */
    public boolean isServing(String server) {
        return state == PoolState.RUNNING && status[indexOf(server)] == ServerStatus.UP;
    }

    public boolean hasServer(String server) { return servers.contains(server); }

    public int routingGroupCount() { return groups.size(); }

    /** The routing group a user (0-based index among the pool's users) belongs to. */
    public int groupOfUser(int userIndex) {
        // users are spread in contiguous blocks matching the group sizes chosen in place()
        int base = users / groups.size();
        int extra = users % groups.size();
        int boundary = extra * (base + 1);
        if (userIndex < boundary) return userIndex / (base + 1);
        return base == 0 ? groups.size() - 1 : extra + (userIndex - boundary) / base;
    }

    public RoutingGroupView group(int id) {
        Group g = groups.get(id);
        List<String> reps = g.members.stream().map(servers::get).toList();
        List<String> lv = live(g).stream().map(servers::get).toList();
        return new RoutingGroupView(g.id, g.users, reps, lv, g.primary >= 0 ? servers.get(g.primary) : null, g.epoch,
                g.state, isServing(g));
    }

    public List<RoutingGroupView> groups() {
        List<RoutingGroupView> out = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) out.add(group(i));
        return out;
    }

    /** Users registered per server (on the primaries of the groups it serves), in server order. */
    public Map<String, Integer> usersPerServer() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String s : servers) m.put(s, 0);
        for (Group g : groups) {
            if (isServing(g)) m.merge(servers.get(g.primary), g.users, Integer::sum);
        }
        return m;
    }

    /** Users whose routing group is not served right now. */
    public int usersWithoutService() {
        int n = 0;
        for (Group g : groups) if (!isServing(g)) n += g.users;
        return n;
    }

    public int groupsIn(GroupState s) {
        int n = 0;
        for (Group g : groups) if (g.state == s) n++;
        return n;
    }

    /** Servers that are up (heartbeating), in first-start order. */
    public List<Integer> running() {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < status.length; i++) if (status[i] == ServerStatus.UP) r.add(i);
        return r;
    }

    public int runningCount() { return running().size(); }

    public Optional<String> primaryOf(int groupId) {
        Group g = groups.get(groupId);
        return g.primary >= 0 && isServing(g) ? Optional.of(servers.get(g.primary)) : Optional.empty();
    }

    public long epochOf(int groupId) { return groups.get(groupId).epoch; }

    // ------------------------------------------------------------------ internals

    private boolean isServing(Group g) {
        if (state != PoolState.RUNNING || g.primary < 0 || status[g.primary] != ServerStatus.UP) return false;
        return switch (g.state) {
            case HEALTHY, DEGRADED -> true;
            case QUORUM_LOSS -> settings.quorumLossService() != FrontEndSettings.QuorumLossService.NONE;
            default -> false;
        };
    }

    private List<Integer> live(Group g) {
        List<Integer> l = new ArrayList<>();
        for (int m : g.members) if (status[m] == ServerStatus.UP) l.add(m);
        return l;
    }

    private boolean hasQuorum(Group g) {
        int lv = live(g).size();
        if (replicaTarget >= 3) return lv > settings.quorumLossAtLiveReplicas();
        return lv >= 1;
    }

    private void classify(Group g) {
        if (state != PoolState.RUNNING) {
            g.state = GroupState.OFFLINE;
            return;
        }
        int lv = live(g).size();
        if (lv == 0) g.state = GroupState.LOST;
        else if (!hasQuorum(g)) g.state = GroupState.QUORUM_LOSS;
        else if (lv < replicaTarget) g.state = GroupState.DEGRADED;
        else g.state = GroupState.HEALTHY;
    }

    private void loadChanged(Time now, String reason, List<FailoverEvent> ev) {
        if (state != PoolState.RUNNING) return;
        Map<String, Integer> load = new LinkedHashMap<>();
        Map<String, Integer> all = usersPerServer();
        for (int i : running()) load.put(servers.get(i), all.get(servers.get(i)));
        ev.add(new LoadRedistributed(now, Where.pool(site, name), "users", load, reason));
        Set<Integer> over = new HashSet<>();
        for (int i : running()) {
            int l = all.get(servers.get(i));
            if (l > settings.usersPerServerGuideline()) {
                over.add(i);
                if (!overCapacity.contains(i)) {
                    ev.add(new CapacityExceeded(now, where(i), "users", l, settings.usersPerServerGuideline()));
                }
            }
        }
        overCapacity.clear();
        overCapacity.addAll(over);
    }

    private int indexOf(String server) {
        int i = servers.indexOf(server);
        if (i < 0) throw new IllegalArgumentException("no server " + server + " in pool " + name);
        return i;
    }

    private Where where(int idx) { return Where.server(site, name, servers.get(idx)); }

    private Where whereGroup(Group g, int idx) { return Where.groupOnServer(site, name, servers.get(idx), g.id); }

    /** Mutable routing group state, private to the pool. */
    private static final class Group {
        final int id;
        final int users;
        final List<Integer> members;
        int primary;
        long epoch = 1;
        GroupState state = GroupState.OFFLINE;
        long committedWrites;
        long flushedWrites;
        long lastFlushEmulatedMs;
        /** identified writes acknowledged since the last flush (the emulated users' writes), oldest first */
        final List<io.poolpair.model.dr.WriteRecord> unflushed = new ArrayList<>();
        /** when the group first lacked a replica since it was last complete, or -1 */
        long missingSinceMs = -1;

        Group(int id, int users, List<Integer> members, int primary) {
            this.id = id;
            this.users = users;
            this.members = new ArrayList<>(members);
            this.primary = primary;
        }
    }

    /** Used by tests and analysis: the replica sets as server names. */
    public List<List<String>> replicaSets() {
        List<List<String>> out = new ArrayList<>();
        for (Group g : groups) out.add(Collections.unmodifiableList(g.members.stream().map(servers::get).toList()));
        return out;
    }
}
