package io.poolpair.runtime.status;

import java.util.List;
import java.util.Map;

/**
 * Deployment-wide services: the active CMS master, each Edge pool's next hop, the federation route, and the
 * network link between each two sites.
 */
public record SiteView(String cmsPool, Map<String, String> edgeNextHops, String federationEdge, boolean federationUp,
                       List<Link> siteLinks) {
    public SiteView {
        edgeNextHops = Map.copyOf(edgeNextHops);
        siteLinks = siteLinks == null ? List.of() : List.copyOf(siteLinks);
    }

    public SiteView(String cmsPool, Map<String, String> edgeNextHops, String federationEdge, boolean federationUp) {
        this(cmsPool, edgeNextHops, federationEdge, federationUp, List.of());
    }

    /**
     * The link between two sites.
     *
     * @param state   up, cut or slow
     * @param delayMs emulated delay of a slow link, else 0
     */
    public record Link(String siteA, String siteB, String state, long delayMs) {}
}
