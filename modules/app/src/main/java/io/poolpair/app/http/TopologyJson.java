package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.model.pool.SpreadPool;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.model.topology.Site;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.pool.SpreadPoolSupervisor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/topology}: the deployment as the dashboard draws it before any event (docs/http-api.md): sites, pools
 * with their role, site, servers, load unit, offered load and per-server guideline, Front End routing groups and their
 * initial placement (the model's own, before any server starts), back-end mode and backup pool, pairs and site links.
 * Built from the topology and the settings alone, so {@code poolpair run} writes the same answer into the run folder
 * ({@code topology.json}) for {@code poolpair replay}.
 */
public final class TopologyJson {

    /** The run folder's copy of the answer. */
    public static final String FILE = "topology.json";

    private TopologyJson() {}

    public static ObjectNode of(Topology t, EmulatorSettings settings) {
        ObjectNode out = StatusJson.JSON.createObjectNode();
        out.put("file", t.file());
        out.put("version", t.version().label());
        out.put("cmsPool", t.cmsPool());
        ArrayNode sites = out.putArray("sites");
        for (Site s : t.sites()) {
            ObjectNode so = sites.addObject();
            so.put("name", s.name());
            ArrayNode pools = so.putArray("pools");
            for (PoolSpec p : t.poolsInSite(s.name())) pools.add(p.name());
        }
        ArrayNode pools = out.putArray("pools");
        for (PoolSpec p : t.pools()) pools.add(pool(p, t, settings));
        ArrayNode pairs = out.putArray("pairs");
        List<String> paired = new ArrayList<>();
        for (PoolSpec p : t.pools()) {
            if (!p.isFrontEnd() || p.backupPool() == null || paired.contains(p.name())) continue;
            paired.add(p.name());
            paired.add(p.backupPool());
            ArrayNode pair = pairs.addObject().putArray("pools");
            pair.add(p.name());
            pair.add(p.backupPool());
        }
        ArrayNode links = out.putArray("siteLinks");
        for (int i = 0; i < t.sites().size(); i++) {
            for (int j = i + 1; j < t.sites().size(); j++) {
                ArrayNode l = links.addObject().putArray("sites");
                l.add(t.sites().get(i).name());
                l.add(t.sites().get(j).name());
            }
        }
        return out;
    }

    private static ObjectNode pool(PoolSpec p, Topology t, EmulatorSettings settings) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("name", p.name());
        o.put("role", p.role().label());
        o.put("edition", p.edition() == null ? null : p.edition().label());
        o.put("site", p.site());
        ArrayNode servers = o.putArray("servers");
        for (ServerSpec s : p.servers()) {
            ObjectNode so = servers.addObject();
            so.put("name", s.name());
            so.put("site", p.siteOf(s));
            if (s.standby()) so.put("standby", true);
        }
        if (p.isFrontEnd()) {
            FrontEndPool model = new FrontEndPool(p.name(), p.site(), p.serverNames(), p.users(), p.routingGroups(), t.version(),
                    settings.frontEnd());
            o.put("unit", "users");
            o.put("offered", p.users());
            o.put("guideline", settings.frontEnd().usersPerServerGuideline());
            o.put("quorumRule", model.quorumRule().describe());
            o.put("requiredToStart", model.requiredToStart());
            o.put("routingGroups", p.routingGroups());
            o.put("replicasPerGroup", Math.min(settings.frontEnd().replicasPerGroup(), p.servers().size()));
            o.put("quorumLossAtLiveReplicas", settings.frontEnd().quorumLossAtLiveReplicas());
            o.put("backupPool", p.backupPool());
            o.put("backendMode", p.backendMode() == null ? null : p.backendMode().label());
            o.put("fileStore", p.fileStore());
            o.put("collocatedMediation", p.collocatedMediation());
            ArrayNode placement = o.putArray("placement");
            for (RoutingGroupView g : model.groups()) {
                ObjectNode go = placement.addObject();
                go.put("id", g.id());
                go.put("users", g.users());
                go.put("primary", g.primary());
                ArrayNode replicas = go.putArray("replicas");
                for (String r : g.replicas()) replicas.add(r);
            }
        } else {
            SpreadPool model = SpreadPoolSupervisor.modelFor(p, t.version());
            o.put("unit", model.unit());
            o.put("offered", model.offered());
            o.put("guideline", model.guidelinePerServer());
            if (p.nextHop() != null) o.put("nextHop", p.nextHop());
        }
        return o;
    }

    /** Writes the answer into {@code dir/topology.json}. */
    public static void write(Path dir, ObjectNode topology) {
        try {
            Files.writeString(dir.resolve(FILE), StatusJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(topology) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }
}
