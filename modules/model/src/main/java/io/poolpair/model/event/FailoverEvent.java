package io.poolpair.model.event;

import io.poolpair.model.time.Time;

import java.util.List;

/**
 * Everything the emulator reports. One sealed hierarchy; the JSON-lines schema (docs/events.md)
 * uses {@link #type()} as the discriminator. Every event carries wall and emulated time and where
 * it happened.
 */
public sealed interface FailoverEvent {

    /** Schema version of the event log; bump on incompatible change. */
    int SCHEMA_VERSION = 1;

    Time time();

    Where where();

    /** kebab-case event type, e.g. "server-down". */
    String type();

    /** One readable sentence for the console timeline. */
    String describe();

    /** Severity for the timeline: INFO, WARN (degraded) or ERROR (service lost). */
    default Level level() { return Level.INFO; }

    enum Level { INFO, WARN, ERROR }

    // ----- servers -----

    /** A server missed heartbeats and is suspected. */
    record ServerSuspected(Time time, Where where, int missedHeartbeats) implements FailoverEvent {
        public String type() { return "server-suspected"; }
        public String describe() { return where.server() + " suspected: missed " + missedHeartbeats + " heartbeats"; }
        public Level level() { return Level.WARN; }
    }

    /**
     * A server is declared down; {@code detectedBy} is "heartbeat", "terminated", "drain", "membership" (its node is
     * unreachable) or "supervisor-rebuilt" (it did not answer a new supervisor).
     */
    record ServerDown(Time time, Where where, String detectedBy) implements FailoverEvent {
        public String type() { return "server-down"; }
        public String describe() { return where.server() + " is DOWN (detected by " + detectedBy + ")"; }
        public Level level() { return Level.ERROR; }
    }

    /** A server is up (heartbeating) again, or for the first time. */
    record ServerUp(Time time, Where where) implements FailoverEvent {
        public String type() { return "server-up"; }
        public String describe() { return where.server() + " is UP"; }
    }

    /** A fault was injected into a server (kill, hang, restart) or healed. */
    record FaultInjected(Time time, Where where, String fault) implements FailoverEvent {
        public String type() { return "fault-injected"; }
        public String describe() { return "fault injected: " + fault + " " + (where.server() != null ? where.server() : where.pool()); }
        public Level level() { return Level.WARN; }
    }

    record FaultHealed(Time time, Where where, String fault) implements FailoverEvent {
        public String type() { return "fault-healed"; }
        public String describe() { return "fault healed: " + fault + " " + (where.server() != null ? where.server() : where.pool()); }
    }

    // ----- Front End routing groups -----

    /** A routing group's primary moved (promotion after a loss, drain, rebalance or recovery). */
    record PrimaryMoved(Time time, Where where, String fromServer, String toServer, long epoch, String reason,
                        int users) implements FailoverEvent {
        public String type() { return "primary-moved"; }
        public String describe() {
            return "routing group " + where.routingGroup() + " primary " + (fromServer == null ? "-" : fromServer)
                    + " -> " + toServer + " (epoch " + epoch + ", " + reason + ", " + users + " users)";
        }
    }

    /** A lost replica of a routing group was rebuilt on another server. */
    record ReplicaRebuilt(Time time, Where where, String onServer, int replicas) implements FailoverEvent {
        public String type() { return "replica-rebuilt"; }
        public String describe() {
            return "routing group " + where.routingGroup() + " replica rebuilt on " + onServer + " (" + replicas + " replicas)";
        }
    }

    /** A routing group is left with too few replicas: routing-group quorum loss. */
    record RoutingGroupQuorumLost(Time time, Where where, int liveReplicas, int users, String service)
            implements FailoverEvent {
        public String type() { return "routing-group-quorum-lost"; }
        public String describe() {
            return "routing group " + where.routingGroup() + " in QUORUM LOSS (" + liveReplicas + " replica left, "
                    + users + " users, service: " + service + ")";
        }
        public Level level() { return Level.ERROR; }
    }

    /** A routing group has no replica left; it waits for recovery from the back end. */
    record RoutingGroupLost(Time time, Where where, int users) implements FailoverEvent {
        public String type() { return "routing-group-lost"; }
        public String describe() {
            return "routing group " + where.routingGroup() + " LOST: no replica left, " + users + " users without service";
        }
        public Level level() { return Level.ERROR; }
    }

    /** A routing group regained quorum ({@code how}: "replica-returned", "rebuilt", "quorum-loss-recovery"). */
    record RoutingGroupRecovered(Time time, Where where, String how, int liveReplicas) implements FailoverEvent {
        public String type() { return "routing-group-recovered"; }
        public String describe() {
            return "routing group " + where.routingGroup() + " recovered (" + how + ", " + liveReplicas + " replicas)";
        }
    }

    /** A server that believed itself primary (e.g. frozen, then resumed) was refused and stepped down. */
    record PrimarySteppedDown(Time time, Where where, long staleEpoch, long currentEpoch, String currentPrimary)
            implements FailoverEvent {
        public String type() { return "primary-stepped-down"; }
        public String describe() {
            return where.server() + " stepped down as primary of routing group " + where.routingGroup() + ": epoch "
                    + staleEpoch + " is stale, " + (currentPrimary == null ? "no primary" : currentPrimary)
                    + " holds epoch " + currentEpoch;
        }
        public Level level() { return Level.WARN; }
    }

    // ----- pools -----
    /**
     * A new pool supervisor (a cluster singleton that moved to another node) rebuilt the pool's state from what the
     * surviving servers reported: which routing groups each holds, with which epoch, as primary or not, and the
     * writes they hold that the back end does not have yet.
     */
    record PoolRebuilt(Time time, Where where, List<String> reporting, int groups, int primariesKept,
                       int primariesPromoted, int unflushedWrites) implements FailoverEvent {
        public String type() { return "pool-rebuilt"; }
        public String describe() {
            return "pool " + where.pool() + " rebuilt by a new supervisor from " + reporting.size() + " servers' reports ("
                    + String.join(", ", reporting) + "): " + groups + " routing groups, " + primariesKept + " primaries kept, "
                    + primariesPromoted + " promoted, " + unflushedWrites + " unflushed writes held";
        }
        public Level level() { return Level.WARN; }
    }


    /** Pool-level quorum lost: the surviving Front Ends stop all services. */
    record PoolQuorumLost(Time time, Where where, int running, int needed, String rule, List<String> stopped)
            implements FailoverEvent {
        public PoolQuorumLost { stopped = List.copyOf(stopped); }
        public String type() { return "pool-quorum-lost"; }
        public String describe() {
            return "pool " + where.pool() + " LOST QUORUM: " + running + " running, rule " + rule
                    + "; survivors stop all services " + stopped;
        }
        public Level level() { return Level.ERROR; }
    }

    /** Pool quorum regained: the pool serves again ({@code how}: "first-start", "restart", "quorum-loss-recovery", "service-reset"). */
    record PoolQuorumRegained(Time time, Where where, int running, String how) implements FailoverEvent {
        public String type() { return "pool-quorum-regained"; }
        public String describe() { return "pool " + where.pool() + " is RUNNING (" + how + ", " + running + " servers)"; }
    }

    /** A starting pool is stuck: enough servers for quorum but not for a start (Table B), or a bad restart order. */
    record PoolStartBlocked(Time time, Where where, int running, int neededToStart, String reason)
            implements FailoverEvent {
        public String type() { return "pool-start-blocked"; }
        public String describe() {
            return "pool " + where.pool() + " stuck STARTING: " + reason + " (" + running + " running, "
                    + neededToStart + " needed); QuorumLossRecovery lets it proceed";
        }
        public Level level() { return Level.WARN; }
    }

    // ----- load -----

    /** Load moved between servers of a pool after a change. {@code load} maps server to its load. */
    record LoadRedistributed(Time time, Where where, String unit, java.util.Map<String, Integer> load, String reason)
            implements FailoverEvent {
        public LoadRedistributed { load = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(load)); }
        public String type() { return "load-redistributed"; }
        public String describe() { return "pool " + where.pool() + " " + unit + " per server now " + load + " (" + reason + ")"; }
    }

    /** A server carries more than its guideline. */
    record CapacityExceeded(Time time, Where where, String unit, int load, int guideline) implements FailoverEvent {
        public String type() { return "capacity-exceeded"; }
        public String describe() {
            return (where.server() != null ? where.server() : "pool " + where.pool()) + " over capacity: " + load + " " + unit
                    + " > guideline " + guideline;
        }
        public Level level() { return Level.WARN; }
    }

    /** Sessions or calls that could not be kept: calls on a dying Mediation server, sessions with no server left. */
    record ServiceDropped(Time time, Where where, String unit, int count, String reason) implements FailoverEvent {
        public String type() { return "service-dropped"; }
        public String describe() { return count + " " + unit + " dropped in " + where.pool() + ": " + reason; }
        public Level level() { return Level.ERROR; }
    }

    // ----- admin verbs -----

    record AdminVerbStarted(Time time, Where where, String verb, String arguments) implements FailoverEvent {
        public String type() { return "admin-verb-started"; }
        public String describe() { return "admin: " + verb + " " + arguments + " started"; }
    }

    record AdminVerbFinished(Time time, Where where, String verb, String outcome) implements FailoverEvent {
        public String type() { return "admin-verb-finished"; }
        public String describe() { return "admin: " + verb + " finished: " + outcome; }
    }

    record AdminVerbRefused(Time time, Where where, String verb, String reason) implements FailoverEvent {
        public String type() { return "admin-verb-refused"; }
        public String describe() { return "admin: " + verb + " REFUSED: " + reason; }
        public Level level() { return Level.WARN; }
    }

    /** Data that an admin verb or a fault could not keep (e.g. unflushed writes at QuorumLossRecovery). */
    record DataLost(Time time, Where where, long writes, long windowFromEmulatedMs, long windowToEmulatedMs, String reason)
            implements FailoverEvent {
        public String type() { return "data-lost"; }
        public String describe() {
            return writes + " writes lost in " + (where.routingGroup() != null ? "routing group " + where.routingGroup() : where.pool())
                    + " (" + reason + ")";
        }
        public Level level() { return Level.ERROR; }
    }

    /** Free-form run marker (scenario step, run start/end). */
    record RunMarker(Time time, Where where, String marker, String detail) implements FailoverEvent {
        public String type() { return "run-marker"; }
        public String describe() { return marker + (detail == null || detail.isEmpty() ? "" : ": " + detail); }
    }

    // ----- disaster recovery (pool pairs, Backup Service, CMS, back end, users) -----

    /** A pool's SfB PoolState changed (Active, FailingOver, FailedOver, FailedBack). */
    record PoolFailoverState(Time time, Where where, String from, String to, String detail) implements FailoverEvent {
        public String type() { return "pool-failover-state"; }
        public String describe() { return "pool " + where.pool() + " PoolState " + from + " -> " + to + (detail == null ? "" : " (" + detail + ")"); }
        public Level level() { return to.equals("FailingOver") ? Level.WARN : Level.INFO; }
    }

    /** A Backup Service direction changed state (steady, final, backlog). */
    record BackupState(Time time, Where where, String fromPool, String toPool, String module, String state, long lagMs,
                       int pending) implements FailoverEvent {
        public String type() { return "backup-state"; }
        public String describe() {
            return "Backup Service " + module + " " + fromPool + " -> " + toPool + " is " + state + " (lag " + lagMs / 1000 + " s, "
                    + pending + " pending)";
        }
        public Level level() { return state.equals("backlog") ? Level.WARN : Level.INFO; }
    }

    /** Users of a home pool moved between modes (normal, resiliency, signed-out), or between serving pools. */
    record UsersMoved(Time time, Where where, int users, String fromMode, String toMode, String servedBy, String reason)
            implements FailoverEvent {
        public String type() { return "users-moved"; }
        public String describe() {
            return users + " users of " + where.pool() + " " + fromMode + " -> " + toMode
                    + (servedBy == null ? "" : " on " + servedBy) + " (" + reason + ")";
        }
        public Level level() { return toMode.equals("signed-out") ? Level.ERROR : toMode.equals("resiliency") ? Level.WARN : Level.INFO; }
    }

    /** The active Central Management Store master moved. */
    record CmsMoved(Time time, Where where, String fromPool, String toPool, String mode) implements FailoverEvent {
        public String type() { return "cms-moved"; }
        public String describe() { return "Central Management Store active master " + fromPool + " -> " + toPool + " (" + mode + ")"; }
    }

    /** An Edge pool's next hop or the federation route changed (admin). */
    record EdgeRouteChanged(Time time, Where where, String route, String from, String to) implements FailoverEvent {
        public String type() { return "edge-route-changed"; }
        public String describe() { return route + " of " + where.pool() + ": " + from + " -> " + to; }
    }

    /** Something the Backup Service does not replicate, met after a failover (LIS, Response Group, parked calls). */
    record NotReplicated(Time time, Where where, String what, String consequence) implements FailoverEvent {
        public String type() { return "not-replicated"; }
        public String describe() { return what + ": " + consequence; }
        public Level level() { return Level.WARN; }
    }

    /** The back end of a pool changed state (principal moved, unavailable, available again). */
    record BackEndState(Time time, Where where, String mode, String state, String principal, String detail)
            implements FailoverEvent {
        public String type() { return "back-end-state"; }
        public String describe() {
            return "back end of " + where.pool() + " (" + mode + ") " + state + (principal == null ? "" : ", principal " + principal)
                    + (detail == null ? "" : ": " + detail);
        }
        public Level level() { return state.equals("unavailable") ? Level.ERROR : Level.INFO; }
    }

    /**
     * Operations refused for the users of a pool in one mode, counted over a period: {@code counts} by
     * operation, {@code reasons} the rule behind each.
     */
    record OperationsRefused(Time time, Where where, String mode, java.util.Map<String, Integer> counts,
                             java.util.Map<String, String> reasons) implements FailoverEvent {
        public OperationsRefused {
            counts = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(counts));
            reasons = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(reasons));
        }
        public String type() { return "operations-refused"; }
        public int total() { return counts.values().stream().mapToInt(Integer::intValue).sum(); }
        public String describe() {
            return total() + " operations refused for users of " + where.pool() + " in " + mode + " mode " + counts;
        }
        public Level level() { return Level.WARN; }
    }

    // ----- site links -----

    /**
     * The network link between two sites was cut: nothing crosses it until it heals. {@code carries}: what crosses
     * it in this deployment (Backup Service pairs, CMS replication, federation, next hops).
     */
    record SiteLinkCut(Time time, Where where, String siteA, String siteB, List<String> carries) implements FailoverEvent {
        public SiteLinkCut { carries = List.copyOf(carries); }
        public String type() { return "site-link-cut"; }
        public String describe() {
            return "site link " + siteA + " <-> " + siteB + " CUT" + (carries.isEmpty() ? ": nothing of this deployment crosses it"
                    : "; it carries " + String.join("; ", carries));
        }
        public Level level() { return Level.WARN; }
    }

    /** The link between two sites is slow: everything that crosses it arrives {@code delayMs} (emulated) later. */
    record SiteLinkSlowed(Time time, Where where, String siteA, String siteB, long delayMs, List<String> carries)
            implements FailoverEvent {
        public SiteLinkSlowed { carries = List.copyOf(carries); }
        public String type() { return "site-link-slowed"; }
        public String describe() {
            return "site link " + siteA + " <-> " + siteB + " SLOW: every crossing delayed " + io.poolpair.model.time.Durations.format(delayMs)
                    + (carries.isEmpty() ? "" : " (" + String.join("; ", carries) + ")");
        }
        public Level level() { return Level.WARN; }
    }

    /** The link between two sites is up again after {@code degradedMs} (emulated) cut or slow; {@code was}: cut or slow (…). */
    record SiteLinkHealed(Time time, Where where, String siteA, String siteB, String was, long degradedMs, List<String> carries)
            implements FailoverEvent {
        public SiteLinkHealed { carries = List.copyOf(carries); }
        public String type() { return "site-link-healed"; }
        public String describe() {
            return "site link " + siteA + " <-> " + siteB + " healed (was " + was + " for " + io.poolpair.model.time.Durations.format(degradedMs)
                    + ")" + (!was.equals("cut") ? ": crossings are no longer delayed"
                    : carries.stream().anyMatch(c -> c.startsWith("Backup Service")) ? ": the Backup Service catches up at its next sync" : "");
        }
    }
}
