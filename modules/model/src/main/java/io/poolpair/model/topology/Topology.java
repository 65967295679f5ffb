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
 * @param placement     which node hosts which servers in a multi-node run, or null when the file has no placement
 */
public record Topology(
        String file,
        int formatVersion,
        ProductVersion version,
        List<Site> sites,
        List<PoolSpec> pools,
        String cmsPool,
        Origin origin,
        Placement placement) {

    public Topology {
        sites = List.copyOf(sites);
        pools = List.copyOf(pools);
    }

    /** A topology without a placement (one JVM runs it all). */
    public Topology(String file, int formatVersion, ProductVersion version, List<Site> sites, List<PoolSpec> pools,
                    String cmsPool, Origin origin) {
        this(file, formatVersion, version, sites, pools, cmsPool, origin, null);
    }

    /** The placement section, when the file has one. */
    public Optional<Placement> placementIfAny() {
        return Optional.ofNullable(placement);
    }

    /** The site of a server (its own site in a stretched Persistent Chat pool, else its pool's), if it exists. */
    public Optional<String> siteOfServer(String server) {
        for (PoolSpec p : pools) {
            for (ServerSpec s : p.servers()) if (s.name().equals(server)) return Optional.ofNullable(p.siteOf(s));
        }
        return Optional.empty();
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
