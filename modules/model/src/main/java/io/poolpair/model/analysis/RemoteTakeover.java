package io.poolpair.model.analysis;

import java.util.List;

/**
 * Remote users of a role (Edge or Director) after the pools of one site are lost: clients fall to the
 * other sites' pools by DNS SRV priority (spec §6.2, §6.3); the analysis spreads the role's whole remote
 * load evenly over the surviving servers.
 *
 * @param remoteUsers      the role's remote users across the deployment
 * @param survivingServers servers of the role outside the lost site
 * @param perServer        remote users per surviving server (rounded up), 0 when none survives
 * @param unserved         remote users without a server (no pool of the role survives)
 */
public record RemoteTakeover(
        String role,
        List<String> lostPools,
        List<String> survivingPools,
        int remoteUsers,
        int survivingServers,
        int perServer,
        int guidelinePerServer,
        boolean overGuideline,
        int unserved) {

    public RemoteTakeover {
        lostPools = List.copyOf(lostPools);
        survivingPools = List.copyOf(survivingPools);
    }
}
