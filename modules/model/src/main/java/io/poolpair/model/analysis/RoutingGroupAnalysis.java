package io.poolpair.model.analysis;

import java.util.List;

/**
 * Routing-group exposure of a Front End pool on its initial placement (spec §2.2).
 *
 * @param replicasPerGroup         replicas per group in this pool (3, fewer in pools of 1–2 servers)
 * @param quorumLossAtLiveReplicas a group with this many live replicas (but at least one) is in quorum loss
 * @param quorumLossMinimum        the fewest losses that put at least one group in quorum loss,
 *                                 or null when groups of this pool cannot be in quorum loss
 * @param quorumLossSets           how many sets of that size do so
 * @param quorumLossSetsOfSize     how many sets of that size exist (e.g. all pairs)
 * @param quorumLossExamples       up to 3 such sets: the first in server order, the worst and the mildest by users
 *                                 affected, then the next in server order
 * @param lostMinimum              the fewest losses that take every replica of a group (LOST)
 * @param lostSets                 how many sets of that size do so
 * @param lostSetsOfSize           how many sets of that size exist
 * @param lostExamples             a few such sets
 */
public record RoutingGroupAnalysis(
        int replicasPerGroup,
        int quorumLossAtLiveReplicas,
        Integer quorumLossMinimum,
        long quorumLossSets,
        long quorumLossSetsOfSize,
        List<LossSet> quorumLossExamples,
        Integer lostMinimum,
        long lostSets,
        long lostSetsOfSize,
        List<LossSet> lostExamples) {

    public RoutingGroupAnalysis {
        quorumLossExamples = List.copyOf(quorumLossExamples);
        lostExamples = List.copyOf(lostExamples);
    }
}
