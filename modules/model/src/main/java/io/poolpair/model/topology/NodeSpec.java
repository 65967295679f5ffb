package io.poolpair.model.topology;

import java.util.List;
import java.util.Map;

/**
 * One node of a topology's {@code placement}: a JVM that hosts some of the topology's servers. Its address (host and
 * ports) is not part of the topology, so a file stays portable; it comes from the command line.
 *
 * @param name          the node's name, unique in the placement (also its folder name and cluster role)
 * @param site          the site (data center) the node sits in
 * @param servers       the servers it hosts, in file order
 * @param serverOrigins where each of {@code servers} was written (same order)
 * @param fieldOrigins  where each field was written (for error lines)
 */
public record NodeSpec(String name, String site, List<String> servers, Origin origin, List<Origin> serverOrigins,
                       Map<String, Origin> fieldOrigins) {

    public NodeSpec {
        servers = List.copyOf(servers);
        serverOrigins = List.copyOf(serverOrigins);
        fieldOrigins = Map.copyOf(fieldOrigins);
        if (serverOrigins.size() != servers.size()) {
            throw new IllegalArgumentException("one origin per server: " + servers.size() + " servers, "
                    + serverOrigins.size() + " origins");
        }
    }

    /** A node built in code (tests): every origin is {@link Origin#NONE}. */
    public static NodeSpec of(String name, String site, List<String> servers) {
        return new NodeSpec(name, site, servers, Origin.NONE, servers.stream().map(s -> Origin.NONE).toList(), Map.of());
    }

    /** Where a field was written, or the node's own origin. */
    public Origin originOf(String field) {
        return fieldOrigins.getOrDefault(field, origin);
    }
}
