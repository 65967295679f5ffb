package io.poolpair.model.analysis;

import java.util.List;

/**
 * What the rest of the deployment carries when a whole site is lost.
 *
 * @param poolsLost           every pool in the site
 * @param takeovers           Front End pools of the site whose partner survives elsewhere, with the partner's load
 * @param poolsWithoutBackup  Front End pools of the site with no surviving partner
 * @param usersWithoutService users of those pools
 * @param remoteAccess        Edge and Director: the lost pools' remote users on the surviving pools of the role
 */
public record SiteLoss(
        String site,
        List<String> poolsLost,
        List<PartnerLoad> takeovers,
        List<String> poolsWithoutBackup,
        int usersWithoutService,
        List<RemoteTakeover> remoteAccess,
        String verdict) {

    public SiteLoss {
        poolsLost = List.copyOf(poolsLost);
        takeovers = List.copyOf(takeovers);
        poolsWithoutBackup = List.copyOf(poolsWithoutBackup);
        remoteAccess = List.copyOf(remoteAccess);
    }
}
