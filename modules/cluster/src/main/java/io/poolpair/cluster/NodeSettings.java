package io.poolpair.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * What one node needs to start: who it is, where it listens, whom it asks to join.
 *
 * @param node    the node's name (the topology's placement)
 * @param site    its site, which becomes its Pekko data center
 * @param host    the host name or address it listens on and is known by (Artery canonical hostname)
 * @param port    the Artery TCP port; 0 picks a free one (fine for a node that is no seed)
 * @param seeds   the seed nodes, in order (the first may start a new cluster on its own)
 * @param servers the servers the placement puts on this node
 * @param folder  the node's folder: {@code events.jsonl}, {@code cluster.jsonl}
 */
public record NodeSettings(String node, String site, String host, int port, List<Seed> seeds, List<String> servers,
                           Path folder) {

    public NodeSettings {
        seeds = List.copyOf(seeds);
        servers = List.copyOf(servers);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }

    /** A seed node: its name (for messages) and its address. */
    public record Seed(String node, String host, int port) {
        public String address() {
            return ClusterNode.address(host, port);
        }
    }
}
