package io.poolpair.model.analysis;

import java.util.List;

/**
 * Pool-level quorum of a Front End pool (spec §2.3, Tables A and B).
 *
 * @param rule                  Table A as people say it ("any 4 of the first 7")
 * @param required              servers that must keep running, among the seeds
 * @param seeds                 the seed servers: the first {@code seedCount} in first-start order
 * @param startRequired         Table B: servers that must be up to start the pool, or null when no value exists
 * @param startDocumented       whether that Table B value comes from the source (false: a documented choice)
 * @param minimumLosses         the fewest Front End losses that lose pool quorum
 * @param minimalSetCount       how many sets of that size lose quorum (all of them are minimal)
 * @param minimalSets           those sets as server names, at most {@value WhatIfAnalysis#MAX_LISTED_SETS},
 *                              in lexicographic order of server position
 * @param minimalSetsTruncated  whether {@code minimalSets} lists fewer than {@code minimalSetCount}
 * @param nonSeedServers        servers beyond the seeds: they can all fail without touching quorum
 * @param survivesAtMost        the most failures the pool can survive (all non-seeds first, then seeds)
 */
public record PoolQuorumAnalysis(
        String rule,
        int required,
        int seedCount,
        List<String> seeds,
        Integer startRequired,
        boolean startDocumented,
        int minimumLosses,
        long minimalSetCount,
        List<List<String>> minimalSets,
        boolean minimalSetsTruncated,
        List<String> nonSeedServers,
        int survivesAtMost) {

    public PoolQuorumAnalysis {
        seeds = List.copyOf(seeds);
        minimalSets = minimalSets.stream().map(List::copyOf).toList();
        nonSeedServers = List.copyOf(nonSeedServers);
    }
}
