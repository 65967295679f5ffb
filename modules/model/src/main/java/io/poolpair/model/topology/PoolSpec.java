package io.poolpair.model.topology;

import java.util.List;
import java.util.Map;

/**
 * One pool of a topology.
 *
 * @param users               users homed on the pool (Front End) or Persistent Chat users
 * @param routingGroups       number of Front End routing groups the users are spread over
 * @param collocatedMediation Front End: Mediation Server collocated on every Front End
 * @param calls               concurrent PSTN calls offered to the pool's Mediation (standalone or collocated)
 * @param remoteUsers         Edge and Director: concurrent remote-user sessions offered to the pool
 * @param fileStore           the pool's file store name (a DFS pair in its site), or null
 * @param backupPool          the paired (backup) pool, or null
 * @param backendMode         back-end SQL HA mode
 * @param nextHop             Edge pools: the pool they forward to, or null
 * @param fieldOrigins        where each field was written (for error lines)
 */
public record PoolSpec(
        String name,
        Role role,
        Edition edition,
        String site,
        List<ServerSpec> servers,
        int users,
        int routingGroups,
        boolean collocatedMediation,
        int calls,
        int remoteUsers,
        String fileStore,
        String backupPool,
        BackendMode backendMode,
        String nextHop,
        Origin origin,
        Map<String, Origin> fieldOrigins) {

    public PoolSpec {
        servers = List.copyOf(servers);
        fieldOrigins = Map.copyOf(fieldOrigins);
    }

    /** Where a field was written, or the pool's own origin. */
    public Origin originOf(String field) {
        return fieldOrigins.getOrDefault(field, origin);
    }

    public boolean isFrontEnd() { return role == Role.FRONT_END; }

    public List<String> serverNames() {
        return servers.stream().map(ServerSpec::name).toList();
    }

    public String siteOf(ServerSpec server) {
        return server.site() != null ? server.site() : site;
    }
}
