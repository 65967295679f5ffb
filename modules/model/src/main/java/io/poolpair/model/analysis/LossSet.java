package io.poolpair.model.analysis;

import java.util.List;

/**
 * One set of failed Front Ends and what it does to the routing groups.
 *
 * @param servers            the failed servers, in server order
 * @param groupsInQuorumLoss routing groups left with too few live replicas (but at least one)
 * @param usersInQuorumLoss  users of those groups
 * @param groupsLost         routing groups with no live replica
 * @param usersLost          users of those groups
 * @param poolQuorumHolds    whether the pool itself keeps quorum with these servers down
 */
public record LossSet(
        List<String> servers,
        List<Integer> groupsInQuorumLoss,
        int usersInQuorumLoss,
        List<Integer> groupsLost,
        int usersLost,
        boolean poolQuorumHolds) {

    public LossSet {
        servers = List.copyOf(servers);
        groupsInQuorumLoss = List.copyOf(groupsInQuorumLoss);
        groupsLost = List.copyOf(groupsLost);
    }
}
