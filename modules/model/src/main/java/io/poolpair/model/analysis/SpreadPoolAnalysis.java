package io.poolpair.model.analysis;

import java.util.List;

/**
 * Load of a pool whose members simply share the load (Edge, Director, Mediation standalone or collocated
 * on Front Ends, Persistent Chat): with all up, after one loss, and with all down.
 *
 * @param role               "edge", "director", "mediation", "mediation (collocated)", "persistent-chat"
 * @param activeServers      servers that serve (Persistent Chat: not standby); equal to {@code servers} otherwise
 * @param unit               what is counted: "remote users", "calls", "users"
 * @param offered            the load offered to the pool
 * @param guidelinePerServer the per-server capacity it is compared with
 * @param fallbackPools      pools of the same role in other sites that take over when all fail (Edge, Director)
 */
public record SpreadPoolAnalysis(
        String pool,
        String role,
        String site,
        int servers,
        int activeServers,
        String unit,
        int offered,
        int guidelinePerServer,
        List<SpreadLoad> steps,
        List<String> fallbackPools,
        String verdict) {

    public SpreadPoolAnalysis {
        steps = List.copyOf(steps);
        fallbackPools = List.copyOf(fallbackPools);
    }
}
