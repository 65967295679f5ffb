package io.poolpair.model.analysis;

import java.util.List;

/**
 * What-if analysis of one Front End pool.
 *
 * @param verdict                 one line: failures survived, the one that loses quorum, when the guideline is exceeded
 * @param quorum                  pool-level quorum (Table A) and the smallest sets of losses that break it
 * @param routingGroups           the smallest sets of losses that put a routing group in quorum loss or lose it,
 *                                on the pool's real initial placement; null when the placement cannot be built
 * @param loadSteps               users per running server after 0, 1, 2, ... failures, until quorum is lost
 *                                whichever servers fail
 * @param usersPerServerGuideline the per-server guideline the steps are compared with (2,500 for Standard Edition)
 * @param guidelineExceededAfter  the first failure count at which a running pool exceeds the guideline
 *                                (0: with all servers up), or null when it never does before quorum is lost
 * @param quorumLostAfter         the fewest failures that lose pool quorum (when they all hit seeds)
 * @param quorumAlwaysLostAfter   the failure count at which quorum is lost whichever servers fail
 * @param failover                the partner's load after this pool fails over to it, or null when unpaired
 * @param collocatedMediation     calls on the Mediation Server collocated on each Front End, or null
 * @param notes                   anything the analysis could not do or wants to point out
 */
public record PoolAnalysis(
        String pool,
        String site,
        String edition,
        int servers,
        int users,
        int routingGroupCount,
        String verdict,
        PoolQuorumAnalysis quorum,
        RoutingGroupAnalysis routingGroups,
        List<LoadStep> loadSteps,
        int usersPerServerGuideline,
        Integer guidelineExceededAfter,
        int quorumLostAfter,
        int quorumAlwaysLostAfter,
        PartnerLoad failover,
        SpreadPoolAnalysis collocatedMediation,
        List<String> notes) {

    public PoolAnalysis {
        loadSteps = List.copyOf(loadSteps);
        notes = List.copyOf(notes);
    }
}
