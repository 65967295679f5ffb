package io.poolpair.model.topology;

import java.util.List;
import java.util.Optional;

/**
 * A whole deployment: sites, pools, pairings and where the Central Management Store lives.
 *
 * @param file          the file it was read from (for messages)
 * @param formatVersion the file's format-version
 * @param version       the product version, which sets the limits
 * @param cmsPool       the pool hosting the active Central Management Store
 */
public record Topology(
        String file,
        int formatVersion,
        ProductVersion version,
        List<Site> sites,
        List<PoolSpec> pools,
        String cmsPool,
        Origin origin) {

    public Topology {
        sites = List.copyOf(sites);
        pools = List.copyOf(pools);
    }

    public Optional<PoolSpec> pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<PoolSpec> poolOfServer(String server) {
        return pools.stream().filter(p -> p.serverNames().contains(server)).findFirst();
    }

    public List<PoolSpec> poolsOf(Role role) {
        return pools.stream().filter(p -> p.role() == role).toList();
    }

    public List<PoolSpec> poolsInSite(String site) {
        return pools.stream().filter(p -> site.equals(p.site())).toList();
    }
}
