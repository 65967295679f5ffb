package io.poolpair.runtime.status;

import java.util.Map;

/** Deployment-wide services: the active CMS master, each Edge pool's next hop, the federation route. */
public record SiteView(String cmsPool, Map<String, String> edgeNextHops, String federationEdge, boolean federationUp) {
    public SiteView {
        edgeNextHops = Map.copyOf(edgeNextHops);
    }
}
