package io.poolpair.model.analysis;

import java.util.List;

/**
 * The result of {@link WhatIfAnalysis#analyze}: a static what-if reading of a topology (nothing runs).
 * Plain records only, so it serializes as JSON as is.
 *
 * @param topology                the topology file name
 * @param productVersion          "2015" or "2019"
 * @param usersPerServerGuideline the Enterprise Front End guideline used (6,660 by default)
 * @param frontEndPools           one entry per Front End pool, in topology order
 * @param otherPools              Edge, Director, standalone Mediation and Persistent Chat pools, in topology order
 * @param siteLosses              one entry per site: what the other sites carry if that whole site is lost
 */
public record AnalysisReport(
        String topology,
        String productVersion,
        int usersPerServerGuideline,
        List<PoolAnalysis> frontEndPools,
        List<SpreadPoolAnalysis> otherPools,
        List<SiteLoss> siteLosses) {

    public AnalysisReport {
        frontEndPools = List.copyOf(frontEndPools);
        otherPools = List.copyOf(otherPools);
        siteLosses = List.copyOf(siteLosses);
    }
}
