package io.poolpair.model.analysis;

/**
 * The load on a paired (backup) pool after its partner fails over to it (spec §3.1, §7.1).
 *
 * @param failedPool                  the pool whose users move
 * @param partner                     the backup pool that now serves both pools' users
 * @param combinedUsers               failed pool's users plus the partner's own
 * @param usersPerServer              combined users over the partner's servers (rounded up)
 * @param usersPerServerGuideline     6,660 for Enterprise; 5,000 for a Standard Edition server whose pair failed
 * @param usersPerServerAfterOneMoreLoss the same after one more partner Front End fails, or null if it has one
 * @param maxUsersPerPool             the product's pool maximum (80,000 / 106,000; 5,000 for Standard Edition)
 * @param pairedPoolLimit             users per pool allowed before failover when paired (40,000 / 53,000;
 *                                    2,500 for Standard Edition)
 * @param overPairedPoolLimit         whether either pool exceeds {@code pairedPoolLimit} before failover
 */
public record PartnerLoad(
        String failedPool,
        String failedSite,
        String partner,
        String partnerSite,
        int failedPoolUsers,
        int partnerUsers,
        int combinedUsers,
        int partnerServers,
        int usersPerServer,
        int usersPerServerGuideline,
        boolean overServerGuideline,
        Integer usersPerServerAfterOneMoreLoss,
        boolean overAfterOneMoreLoss,
        int maxUsersPerPool,
        boolean overPoolMax,
        int pairedPoolLimit,
        boolean overPairedPoolLimit) {}
