package io.poolpair.cluster;

/**
 * A change of cluster membership or reachability as one node saw it: a line of the node's {@code cluster.jsonl}
 * (docs/cluster.md#clusterjsonl). These are not failover events (docs/events.md): they say what the cluster layer
 * saw of JVMs, not what Skype for Business does about it. Once pools run on nodes, a pool supervisor turns a member
 * that is unreachable or removed into the model's {@code server-down} (detected by "membership").
 *
 * @param type         {@code self-up}, {@code self-removed}, {@code member-joined}, {@code member-weakly-up},
 *                     {@code member-up}, {@code member-left}, {@code member-exited}, {@code member-downed},
 *                     {@code member-removed}, {@code member-unreachable}, {@code member-reachable},
 *                     {@code dc-unreachable}, {@code dc-reachable}
 * @param wallMs       when this node saw it (epoch milliseconds)
 * @param observer     the node that saw it (this node)
 * @param observerSite its site (data center)
 * @param node         the member it is about (its node name, or host:port when it has no node role); null for a data center
 * @param site         the member's data center, or the data center that became (un)reachable
 * @param address      the member's cluster address, or null for a data center
 * @param status       the member's status after the change (Up, Down, Removed, ...), or null for a data center
 * @param detail       more: the status before a removal; null when there is nothing more
 */
public record MembershipEvent(String type, long wallMs, String observer, String observerSite, String node, String site,
                              String address, String status, String detail) {

    /** Version of the {@code cluster.jsonl} schema; bump on an incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    /** Whether it means trouble (a member unreachable, downed or removed by a downing, a data center unreachable). */
    public boolean warning() {
        return switch (type) {
            case "member-unreachable", "member-downed", "dc-unreachable" -> true;
            // removed after a downing, not after leaving
            case "member-removed", "self-removed" -> "was Down".equals(detail);
            default -> false;
        };
    }

    /** One readable sentence. */
    public String text() {
        String who = node == null ? "data center " + site : node + " (" + site + ")";
        return switch (type) {
            case "self-up" -> "this node is Up in data center " + site;
            case "self-removed" -> "this node was removed from the cluster" + (detail == null ? "" : " (" + detail + ")");
            case "member-unreachable" -> who + " is UNREACHABLE";
            case "member-reachable" -> who + " is reachable again";
            case "member-removed" -> who + " was removed" + (detail == null ? "" : " (" + detail + ")");
            case "dc-unreachable" -> who + " is UNREACHABLE";
            case "dc-reachable" -> who + " is reachable again";
            default -> who + " is " + status;
        };
    }

    /**
     * The console line: {@code [OBSERVER SITE] TYPE NODE (SITE) ADDRESS[ DETAIL]}, or {@code [OBSERVER SITE] TYPE SITE}
     * for a data center.
     */
    public String line() {
        StringBuilder b = new StringBuilder().append('[').append(observer).append(' ').append(observerSite).append("] ")
                .append(type).append(' ');
        if (node == null) {
            b.append(site);
        } else {
            b.append(node).append(" (").append(site).append(')');
            if (address != null) b.append(' ').append(address);
        }
        if (detail != null) b.append(' ').append(detail);
        return b.toString();
    }
}
