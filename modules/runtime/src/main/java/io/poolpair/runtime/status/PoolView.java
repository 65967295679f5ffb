package io.poolpair.runtime.status;

import io.poolpair.model.frontend.RoutingGroupView;

import java.util.List;
import java.util.Map;

/**
 * One pool as the emulator shows it.
 *
 * @param state          Front End: running, starting, quorum-lost; other roles: serving, degraded, down
 * @param detail         a sentence on why (e.g. why a start is blocked), or null
 * @param quorumRule     Front End: Table A rule as said ("any 3 of 6"), else null
 * @param groupsByState  Front End: routing groups per state
 * @param unserved       load the pool cannot serve now (users without service, sessions or calls lost)
 */
public record PoolView(String name, String role, String site, String state, String detail, String quorumRule,
                       int requiredToStart, List<ServerView> servers, Map<String, Integer> groupsByState,
                       List<RoutingGroupView> routingGroups, String unit, int offered, int unserved, String backupPool)
        implements io.poolpair.runtime.CborSerializable {
    public PoolView {
        servers = List.copyOf(servers);
        groupsByState = groupsByState == null ? Map.of() : Map.copyOf(groupsByState);
        routingGroups = routingGroups == null ? List.of() : List.copyOf(routingGroups);
    }
}
