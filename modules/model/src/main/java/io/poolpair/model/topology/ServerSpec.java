package io.poolpair.model.topology;

/**
 * One server of a pool. The order of servers in a pool is the order in which they first started,
 * which decides the Front End quorum seeds ("first 7 / first 9 / first 12").
 *
 * @param site     the server's own site (a stretched Persistent Chat pool); the pool's site otherwise
 * @param standby  a Persistent Chat standby server (does not serve until a site failover)
 */
public record ServerSpec(String name, String site, boolean standby, Origin origin) {}
