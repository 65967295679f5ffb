package io.poolpair.model.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which node hosts which servers: the optional {@code placement} section of a topology (docs/topology.md). A node is a
 * JVM of a multi-node run; its site becomes its data center. Checked by {@link TopologyValidator}.
 *
 * @param nodes the nodes, in file order (which decides the seed nodes, see {@link #seedNodes})
 */
public record Placement(List<NodeSpec> nodes, Origin origin) {

    public Placement {
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeSpec> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** The position of a node in the file (0-based), or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).name().equals(name)) return i;
        return -1;
    }

    /** The (first) node that hosts a server. */
    public Optional<NodeSpec> nodeOf(String server) {
        return nodes.stream().filter(n -> n.servers().contains(server)).findFirst();
    }

    public List<NodeSpec> nodesIn(String site) {
        return nodes.stream().filter(n -> site.equals(n.site())).toList();
    }

    /** The node names, in file order. */
    public List<String> names() {
        return nodes.stream().map(NodeSpec::name).toList();
    }

    /**
     * The seed nodes of the cluster: the first node (in file order) of each site that has nodes, taken in the order of
     * {@code sites}. The first of them is the one that may start a new cluster on its own.
     */
    public List<NodeSpec> seedNodes(List<Site> sites) {
        List<NodeSpec> seeds = new ArrayList<>();
        for (Site s : sites) {
            nodes.stream().filter(n -> s.name().equals(n.site())).findFirst().ifPresent(seeds::add);
        }
        return seeds;
    }
}
