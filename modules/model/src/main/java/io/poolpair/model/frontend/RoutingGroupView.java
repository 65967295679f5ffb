package io.poolpair.model.frontend;

import java.util.List;

/**
 * A read-only snapshot of one routing group.
 *
 * @param replicas  servers holding a replica (the replica set; some may be down)
 * @param live      replicas on servers that are up
 * @param primary   the primary's server, or null
 * @param epoch     primary epoch; rises on every promotion
 * @param serving   whether the group's users get service now
 */
public record RoutingGroupView(int id, int users, List<String> replicas, List<String> live, String primary,
                               long epoch, GroupState state, boolean serving) {
    public RoutingGroupView {
        replicas = List.copyOf(replicas);
        live = List.copyOf(live);
    }
}
