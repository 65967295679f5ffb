package io.poolpair.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.model.frontend.RoutingGroupView;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.status.PairView;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import io.poolpair.runtime.status.SiteView;
import io.poolpair.runtime.status.UsersByMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The deployment's status as the control plane answers it (docs/http-api.md lists every field). */
final class StatusJson {

    static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    /** {@code GET /api/status}: every pool (without its routing groups), every pool pair, the site view. */
    static ObjectNode status(EmbeddedDeployment d) {
        List<PoolView> pools = d.status();
        List<PairView> pairs = d.pairs();
        SiteView site = d.site();
        ObjectNode out = header(d);
        ArrayNode ps = out.putArray("pools");
        for (PoolView p : pools) ps.add(pool(p, pairs, false));
        ArrayNode pr = out.putArray("pairs");
        for (PairView p : pairs) pr.add(pair(p));
        out.set("site", site(site));
        return out;
    }

    /** {@code GET /api/pools/{pool}}: one pool with its routing groups. */
    static ObjectNode pool(EmbeddedDeployment d, String name) {
        PoolView p = d.status(name);
        List<PairView> pairs = p.role().equals("front-end") ? d.pairs() : List.of();
        ObjectNode out = header(d);
        out.set("pool", pool(p, pairs, true));
        return out;
    }

    private static ObjectNode header(EmbeddedDeployment d) {
        ObjectNode out = JSON.createObjectNode();
        long now = d.clock().now().emulatedMs();
        out.put("emulatedMs", now);
        out.put("emulated", EventBus.emulated(now));
        return out;
    }

    static ObjectNode pool(PoolView p, List<PairView> pairs, boolean withGroups) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", p.name());
        o.put("role", p.role());
        o.put("site", p.site());
        o.put("state", p.state());
        o.put("detail", p.detail());
        boolean fe = p.role().equals("front-end");
        if (fe) {
            o.put("quorumRule", p.quorumRule());
            o.put("requiredToStart", p.requiredToStart());
            o.put("backupPool", p.backupPool());
        }
        o.put("unit", p.unit());
        o.put("offered", p.offered());
        o.put("unserved", p.unserved());
        ArrayNode servers = o.putArray("servers");
        for (ServerView s : p.servers()) servers.add(server(s));
        if (fe) {
            PairView.Side side = null;
            for (PairView pair : pairs) for (PairView.Side s : pair.sides()) if (s.pool().equals(p.name())) side = s;
            int[] m = UsersByMode.of(p, side);
            ObjectNode users = o.putObject("usersByMode");
            users.put("normal", m[0]);
            users.put("resiliency", m[1]);
            users.put("signedOut", m[2]);
            users.put("servedBy", side == null ? (p.unserved() < p.offered() ? p.name() : null) : side.servedBy());
            ObjectNode groups = o.putObject("routingGroupsByState");
            p.groupsByState().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> groups.put(e.getKey(), e.getValue()));
            if (withGroups) {
                ArrayNode rgs = o.putArray("routingGroups");
                for (RoutingGroupView g : p.routingGroups()) rgs.add(group(g));
            }
        }
        return o;
    }

    private static ObjectNode server(ServerView s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", s.name());
        o.put("site", s.site());
        o.put("observed", s.observed());
        o.put("fault", s.fault());
        o.put("load", s.load());
        o.put("guideline", s.guideline());
        o.put("unit", s.unit());
        o.put("overGuideline", s.load() > s.guideline());
        if (s.standby()) o.put("standby", true);
        return o;
    }

    private static ObjectNode group(RoutingGroupView g) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", g.id());
        o.put("state", g.state().label());
        o.put("serving", g.serving());
        o.put("users", g.users());
        o.put("primary", g.primary());
        List<String> secondaries = new ArrayList<>(g.live());
        secondaries.remove(g.primary());
        strings(o.putArray("secondaries"), secondaries);
        List<String> missing = new ArrayList<>(g.replicas());
        missing.removeAll(g.live());
        strings(o.putArray("missing"), missing);
        strings(o.putArray("replicas"), g.replicas());
        o.put("epoch", g.epoch());
        return o;
    }

    private static ObjectNode pair(PairView p) {
        ObjectNode o = JSON.createObjectNode();
        strings(o.putArray("pools"), p.sides().stream().map(PairView.Side::pool).toList());
        ArrayNode sides = o.putArray("sides");
        for (PairView.Side s : p.sides()) {
            ObjectNode so = sides.addObject();
            so.put("pool", s.pool());
            so.put("poolState", s.poolState());
            so.put("running", s.running());
            so.put("users", s.users());
            so.put("mode", s.mode());
            so.put("servedBy", s.servedBy());
            so.put("lisRestored", s.lisRestored());
        }
        ArrayNode backup = o.putArray("backupService");
        for (PairView.Direction d : p.backup()) {
            ObjectNode b = backup.addObject();
            b.put("from", d.from());
            b.put("to", d.to());
            b.put("state", d.state());
            b.put("lagMs", d.lagMs());
            b.put("pending", d.pending());
            b.put("shipped", d.shipped());
            b.put("lastSyncEmulatedMs", d.lastSyncEmulatedMs());
        }
        o.put("syncIntervalMs", p.syncIntervalMs());
        o.put("lostWrites", p.lostWrites());
        return o;
    }

    static ObjectNode site(SiteView s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("cmsPool", s.cmsPool());
        ObjectNode hops = o.putObject("edgeNextHops");
        new TreeMap<>(s.edgeNextHops()).forEach(hops::put);
        ObjectNode fed = o.putObject("federationRoute");
        fed.put("edge", s.federationEdge());
        fed.put("up", s.federationUp());
        ArrayNode links = o.putArray("siteLinks");
        for (SiteView.Link l : s.siteLinks()) {
            ObjectNode lo = links.addObject();
            strings(lo.putArray("sites"), List.of(l.siteA(), l.siteB()));
            lo.put("state", l.state());
            lo.put("delayMs", l.delayMs());
        }
        return o;
    }

    private static void strings(ArrayNode a, List<String> values) {
        for (String v : values) a.add(v);
    }
}
