package io.poolpair.runtime.pool;

import java.time.Duration;

/**
 * Multi-node runs: the pool's servers run on other nodes (they register with their first heartbeat) and the
 * supervisor is a cluster singleton that may move. Null in one JVM, where the supervisor spawns its servers.
 *
 * @param site           the pool's site (its back-end store replicas are that site's)
 * @param storeQuorum    how many of the site's back-end store replicas must hold a flush (a majority of its nodes)
 * @param gather         how long a new supervisor waits for its servers' reports before it rebuilds the pool
 * @param serveTimeout   how long a batch of users' operations waits for the primaries' answers (wall)
 * @param replicationTimeout how long a primary waits for a majority of its group's replicas (wall)
 * @param nodeOf         the node each server runs on: a routing group's replicas go to different nodes
 */
public record Remote(String site, int storeQuorum, Duration gather, Duration serveTimeout, Duration replicationTimeout,
                     java.util.Map<String, String> nodeOf) {
    public Remote {
        nodeOf = java.util.Map.copyOf(nodeOf);
    }
}
