package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.cluster.ClusterDeployment;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.runtime.pool.PoolProtocol;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.site.SiteServicesActor;
import io.poolpair.runtime.users.PoolUsers;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The control plane of one cluster node (multi-node runs), on the node's HTTP port beside Pekko Management's
 * {@code /alive}, {@code /ready} and {@code /cluster/members}: the status of every pool and pair of the deployment
 * (asked of their supervisors and users wherever they run), faults into any server, heal, admin verbs, the end-of-run
 * final read; the dashboard (the page, {@code /api/topology}, {@code /api/run}, {@code /api/events} over the events of
 * every node) and {@code /metrics} (docs/dashboard.md#cluster-mode, docs/http-api.md). Reads are open; with a token
 * every POST needs {@code Authorization: Bearer <token>}. Bad requests get one line.
 */
public final class NodeControlPlane extends AllDirectives {

    private static final Duration ASK = Duration.ofSeconds(5);

    private final ActorSystem<?> system;
    private final ClusterDeployment deployment;
    private final String token;
    private final Dashboard dashboard;
    private final NodeMetrics metrics;

    private NodeControlPlane(ActorSystem<?> system, ClusterDeployment deployment, String token, RunInfo run) {
        this.system = system;
        this.deployment = deployment;
        this.token = token;
        this.dashboard = new Dashboard(new NodeReads(deployment, run, token != null));
        this.metrics = new NodeMetrics(deployment, this::snapshot);
    }

    /** Binds the node's routes plus {@code management} (Pekko Management's) on {@code bind:port}. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, ClusterDeployment deployment, String token,
                                                      String bind, int port, Route management) {
        return bind(system, deployment, token, bind, port, management,
                RunInfo.live(null, null, deployment.settings()));
    }

    /** The same, with what the dashboard's {@code GET /api/run} says about the run. */
    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, ClusterDeployment deployment, String token,
                                                      String bind, int port, Route management, RunInfo run) {
        NodeControlPlane cp = new NodeControlPlane(system, deployment, token, run);
        Route all = cp.handleExceptions(cp.exceptions(), () -> cp.handleRejections(cp.rejections(),
                () -> cp.concat(
                        cp.path("metrics", () -> cp.get(() -> cp.complete(cp.metrics.scrape()))),
                        cp.path("reset", () -> cp.post(() -> cp.change(body -> cp.healAll()))),
                        cp.pathPrefix("api", cp::api),
                        cp.dashboard.route(),
                        management))).seal();
        system.getWhenTerminated().thenRun(cp.metrics::close);
        return Http.get(system).newServerAt(bind, port).bind(all);
    }

    private Route api() {
        return concat(
                path("status", () -> get(() -> completeWithFuture(status()))),
                path(PathMatchers.segment("pools").slash(PathMatchers.segment()), name -> get(() -> completeWithFuture(pool(name)))),
                path("faults", () -> post(() -> change(this::fault))),
                path("heal", () -> post(() -> change(this::heal))),
                path("final-read", () -> post(() -> change(body -> finalRead()))),
                path("reset", () -> post(() -> change(body -> healAll()))),
                path(PathMatchers.segment("admin").slash(PathMatchers.segment()), verb -> post(() -> change(body -> admin(verb, body)))));
    }

    private Route change(java.util.function.Function<String, CompletionStage<HttpResponse>> act) {
        return authorized(() -> entity(Unmarshaller.entityToString(), body -> {
            try {
                return completeWithFuture(act.apply(body));
            } catch (Requests.BadRequest e) {
                return complete(ControlPlane.error(400, e.getMessage()));
            }
        }));
    }

    private Route authorized(Supplier<Route> inner) {
        if (token == null) return inner.get();
        return optionalHeaderValueByName("Authorization", h -> {
            String v = h.map(String::trim).orElse("");
            if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return unauthorized(h.isEmpty() ? "changes on this control plane need a token: send 'Authorization: Bearer <token>'"
                        : "Authorization must be 'Bearer <token>'");
            }
            if (!MessageDigest.isEqual(v.substring(7).trim().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                return unauthorized("wrong token");
            }
            return inner.get();
        });
    }

    private Route unauthorized(String why) {
        return complete(ControlPlane.error(401, why).addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "poolpair"))));
    }

    // ------------------------------------------------------------------ reads

    /**
     * What every pool's supervisor and every Front End pool's users answer now, asked wherever they run; a pool or pair
     * that does not answer within {@link #ASK} maps to null.
     */
    record Snapshot(long emulatedMs, Map<String, PoolView> pools, Map<String, PoolUsers.PairStatus> pairs) {}

    CompletableFuture<Snapshot> snapshot() {
        long now = deployment.clock().now().emulatedMs();
        Map<String, CompletableFuture<PoolView>> pools = new java.util.LinkedHashMap<>();
        deployment.pools().forEach((name, ref) -> pools.put(name, AskPattern.<PoolProtocol.Command, PoolView>ask(ref,
                PoolProtocol.GetStatus::new, ASK, system.scheduler()).toCompletableFuture().exceptionally(ex -> null)));
        Map<String, CompletableFuture<PoolUsers.PairStatus>> pairs = new java.util.LinkedHashMap<>();
        deployment.users().forEach((name, ref) -> pairs.put(name, AskPattern.<PoolUsers.Command, PoolUsers.PairStatus>ask(ref,
                PoolUsers.GetPair::new, ASK, system.scheduler()).toCompletableFuture().exceptionally(ex -> null)));
        List<CompletableFuture<?>> all = new ArrayList<>(pools.values());
        all.addAll(pairs.values());
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(v -> {
            Map<String, PoolView> p = new java.util.LinkedHashMap<>();
            pools.forEach((k, f) -> p.put(k, f.join()));
            Map<String, PoolUsers.PairStatus> q = new java.util.LinkedHashMap<>();
            pairs.forEach((k, f) -> q.put(k, f.join()));
            return new Snapshot(now, p, q);
        });
    }

    private CompletionStage<HttpResponse> status() {
        Map<String, CompletableFuture<SiteServicesActor.SiteStatus>> copies = new java.util.LinkedHashMap<>();
        deployment.siteServices().forEach((site, ref) -> copies.put(site, AskPattern.<SiteServicesActor.Command,
                SiteServicesActor.SiteStatus>ask(ref, SiteServicesActor.GetSite::new, ASK, system.scheduler())
                .toCompletableFuture().exceptionally(ex -> null)));
        return snapshot().thenCombine(CompletableFuture.allOf(copies.values().toArray(new CompletableFuture[0])), (snap, v) -> {
            ObjectNode out = header(snap.emulatedMs());
            out.put("node", deployment.self().name());
            out.put("site", deployment.self().site());
            ArrayNode a = out.putArray("pools");
            Map<String, ObjectNode> byName = new java.util.HashMap<>();
            snap.pools().forEach((name, view) -> {
                ObjectNode o = view == null ? unanswered(name) : StatusJson.pool(view, List.of(), false);
                byName.put(name, o);
                a.add(o);
            });
            ArrayNode b = out.putArray("pairs");
            snap.pairs().forEach((name, p) -> b.add(pair(name, p, byName.get(name))));
            ObjectNode services = out.putObject("siteServices");
            copies.forEach((site, f) -> services.set(site, siteServices(f.join())));
            return ControlPlane.json(200, out);
        });
    }

    /** One site's copy of the CMS and the Edge routes, in the single-JVM {@code site} shape plus its replication. */
    private static ObjectNode siteServices(SiteServicesActor.SiteStatus s) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        if (s == null) {
            o.put("state", "unknown");
            o.put("detail", "this site's copy did not answer within " + ASK.toSeconds() + " s (down, or cut off from this node)");
            return o;
        }
        o.setAll(StatusJson.site(new io.poolpair.runtime.status.SiteView(s.cmsPool(), s.edgeNextHops(), s.federationEdge(),
                s.federationUp(), List.of())));
        o.remove("siteLinks");   // a cluster's links are the network's, not the emulation's
        if (s.cmsTarget() != null) o.put("cmsFailoverTo", s.cmsTarget());
        o.put("epoch", s.epoch());
        o.put("version", s.version());
        o.put("replicated", s.replicated());
        return o;
    }

    private ObjectNode header(long emulatedMs) {
        ObjectNode out = StatusJson.JSON.createObjectNode();
        out.put("emulatedMs", emulatedMs);
        out.put("emulated", io.poolpair.runtime.journal.EventBus.emulated(emulatedMs));
        return out;
    }

    private CompletionStage<HttpResponse> pool(String name) {
        ActorRef<PoolProtocol.Command> ref = deployment.pools().get(name);
        if (ref == null) return CompletableFuture.completedFuture(ControlPlane.error(404, "pool: no pool named '" + name
                + "' in " + deployment.topology().file()));
        long now = deployment.clock().now().emulatedMs();
        return AskPattern.<PoolProtocol.Command, PoolView>ask(ref, PoolProtocol.GetStatus::new, ASK, system.scheduler())
                .handle((v, ex) -> {
                    ObjectNode out = header(now);
                    out.set("pool", v == null ? unanswered(name) : StatusJson.pool(v, List.of(), true));
                    return ControlPlane.json(200, out);
                });
    }

    private static ObjectNode unanswered(String name) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("name", name);
        o.put("state", "unknown");
        o.put("detail", "its supervisor did not answer within " + ASK.toSeconds() + " s (it may be moving to another node)");
        return o;
    }

    /**
     * One Front End pool's half of its pair: the node's own fields, then the same in the shape of the single-JVM
     * {@code /api/status} pairs that the dashboard reads ({@code pools}, {@code sides}, {@code backupService}, this
     * half's direction only).
     */
    private static ObjectNode pair(String pool, PoolUsers.PairStatus p, ObjectNode poolJson) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        if (p == null) {
            o.put("pool", pool);
            o.put("poolState", "unknown");
            o.put("detail", "its site did not answer within " + ASK.toSeconds() + " s (down, or cut off from this node)");
            return o;
        }
        o.put("pool", p.pool());
        o.put("partner", p.partner());
        o.put("poolState", p.poolState());
        o.put("usersServedHere", p.usersHere());
        o.put("hostingPartnerUsers", p.hostingPartner());
        o.put("backup", p.backup());
        o.put("lagMs", p.lagMs());
        o.put("pending", p.pending());
        o.put("shippedAsOfMs", p.shippedAsOfMs());
        o.put("receivedAsOfMs", p.receivedAsOfMs());
        if (p.partner() == null) return o;
        ArrayNode pools = o.putArray("pools");
        pools.add(p.pool());
        pools.add(p.partner());
        ObjectNode side = o.putArray("sides").addObject();
        side.put("pool", p.pool());
        side.put("poolState", p.poolState());
        JsonNode users = poolJson == null ? null : poolJson.get("usersByMode");
        boolean served = users != null && users.path("normal").asInt() > 0;
        side.put("mode", !p.usersHere() ? "normal" : served ? "normal" : "signed-out");
        side.put("servedBy", !p.usersHere() ? p.partner() : served ? p.pool() : null);
        ObjectNode d = o.putArray("backupService").addObject();
        d.put("from", p.pool());
        d.put("to", p.partner());
        d.put("state", p.backup());
        d.put("lagMs", p.lagMs());
        d.put("pending", p.pending());
        return o;
    }

    // ------------------------------------------------------------------ changes

    /**
     * {@code POST /api/admin/{verb}}: failover-pool and failback-pool go to the half of the pair that takes or gives
     * the users (the home pool's partner); the Front End pool verbs to the pool's supervisor, wherever it runs.
     */
    private CompletionStage<HttpResponse> admin(String label, String body) {
        Requests.AdminCall call = Requests.adminCall(label, Requests.object(body, true), deployment.topology());
        io.poolpair.model.scenario.AdminVerb verb = call.verb();
        Map<String, String> args = call.args();
        Duration wait = Duration.ofSeconds(30);
        switch (verb) {
            case FAILOVER_POOL, FAILBACK_POOL, RESTORE_LIS, IMPORT_RESPONSE_GROUPS, SYNC_CONFERENCE_CONTENT -> {
                String home = args.get("pool");
                PoolSpec p = deployment.topology().pool(home)
                        .orElseThrow(() -> new Requests.BadRequest("pool", "no pool '" + home + "' in the topology"));
                if (p.backupPool() == null) {
                    return CompletableFuture.completedFuture(refused("pool " + home + " has no backup pool: pool failover is impossible [S11][P2]"));
                }
                ActorRef<PoolUsers.Command> partner = deployment.users().get(p.backupPool());
                boolean disaster = Boolean.parseBoolean(args.getOrDefault("disaster", "false"));
                return reply(partner, r -> switch (verb) {
                    case FAILOVER_POOL -> new PoolUsers.Failover(home, disaster, r);
                    case FAILBACK_POOL -> new PoolUsers.Failback(home, r);
                    default -> new PoolUsers.AfterFailover(verb, home, r);
                }, wait, "the pool pair's half at " + p.backupPool());
            }
            case FAILOVER_CMS, SET_EDGE_NEXT_HOP, MOVE_FEDERATION_ROUTE -> {
                // this site's copy runs it, or sends it on to the site that writes it (the CMS master's, the target's)
                String site = deployment.self().site();
                return reply(deployment.siteServices().get(site), r -> new SiteServicesActor.Admin(verb, args, false, r), wait,
                        "the CMS and Edge routes of " + site);
            }
            case SERVICE_RESET, QUORUM_LOSS_RECOVERY, DATABASE_FAILOVER, PERSISTENT_CHAT_FAILOVER, PERSISTENT_CHAT_FAILBACK -> {
                String pool = args.get("pool");
                ActorRef<PoolProtocol.Command> ref = deployment.pools().get(pool);
                if (ref == null) throw new Requests.BadRequest("pool", "no pool '" + pool + "' in the topology");
                return reply(ref, r -> new PoolProtocol.RunAdmin(verb, args, r));
            }
            case DRAIN_SERVER, RETURN_SERVER -> {
                String server = args.get("server");
                return reply(poolOf(server), r -> new PoolProtocol.RunAdmin(verb, args, r));
            }
            default -> throw new Requests.BadRequest("verb", label + " is not an admin verb (docs/admin-verbs.md)");
        }
    }

    private static HttpResponse refused(String why) {
        ObjectNode out = StatusJson.JSON.createObjectNode();
        out.put("ok", false);
        out.put("message", why);
        return ControlPlane.json(409, out);
    }

    private CompletionStage<HttpResponse> healAll() {
        List<CompletableFuture<Reply>> all = new ArrayList<>();
        for (ActorRef<PoolProtocol.Command> ref : deployment.pools().values()) {
            all.add(AskPattern.<PoolProtocol.Command, Reply>ask(ref, r -> new PoolProtocol.Heal(null, r), ASK, system.scheduler())
                    .toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).handle((v, ex) -> {
            long answered = all.stream().filter(f -> !f.isCompletedExceptionally()).count();
            ObjectNode out = StatusJson.JSON.createObjectNode();
            out.put("ok", ex == null);
            out.put("message", ex == null ? "healed every server of every pool"
                    : "healed the pools that answered (" + answered + " of " + all.size() + "); the others' sites did not answer");
            return ControlPlane.json(ex == null ? 200 : 503, out);
        });
    }

    /**
     * {@code {"fault":"kill"|"hang"|"restart","server":S}}; {@code kill-pool|hang-pool|restart-pool} with {@code "pool"}:
     * every server of the pool; {@code kill-site} with {@code "site"}: every server of every pool of the site (its
     * nodes and their back-end store replicas stay: {@code scripts/cluster kill SITE} kills the JVMs).
     */
    private CompletionStage<HttpResponse> fault(String body) {
        ObjectNode o = Requests.object(body, false);
        String kind = text(o, "fault");
        FaultKind f = switch (kind.replace("-pool", "").replace("-site", "")) {
            case "kill" -> FaultKind.KILL;
            case "hang" -> FaultKind.HANG;
            case "restart" -> FaultKind.RESTART;
            default -> null;
        };
        if (f == null || kind.equals("hang-site") || kind.equals("restart-site")) {
            throw new Requests.BadRequest("fault", "'" + kind + "' is not one of kill, hang, restart, kill-pool, hang-pool, "
                    + "restart-pool, kill-site");
        }
        if (kind.endsWith("-site")) return everyPool(sitePools(text(o, "site")), r -> new PoolProtocol.Inject(null, f, r), kind);
        if (kind.endsWith("-pool")) return reply(pool(o), r -> new PoolProtocol.Inject(null, f, r));
        String server = text(o, "server");
        ActorRef<PoolProtocol.Command> ref = poolOf(server);
        return reply(ref, r -> new PoolProtocol.Inject(server, f, r));
    }

    /** {@code {"server":S}}, {@code {"pool":P}}, {@code {"site":S}}, or {@code {}} for every server of every pool. */
    private CompletionStage<HttpResponse> heal(String body) {
        ObjectNode o = Requests.object(body, true);
        if (o.has("site")) return everyPool(sitePools(text(o, "site")), r -> new PoolProtocol.Heal(null, r), "heal-site");
        if (o.has("pool")) return reply(pool(o), r -> new PoolProtocol.Heal(null, r));
        if (!o.has("server")) return healAll();
        String server = text(o, "server");
        return reply(poolOf(server), r -> new PoolProtocol.Heal(server, r));
    }

    private ActorRef<PoolProtocol.Command> pool(ObjectNode o) {
        String name = text(o, "pool");
        ActorRef<PoolProtocol.Command> ref = deployment.pools().get(name);
        if (ref == null) throw new Requests.BadRequest("pool", "no pool '" + name + "' in the topology");
        return ref;
    }

    private List<ActorRef<PoolProtocol.Command>> sitePools(String site) {
        List<ActorRef<PoolProtocol.Command>> refs = new ArrayList<>();
        for (PoolSpec p : deployment.topology().pools()) if (p.site().equals(site)) refs.add(deployment.pools().get(p.name()));
        if (refs.isEmpty()) throw new Requests.BadRequest("site", "no site '" + site + "' with pools in the topology");
        return refs;
    }

    /** The same request to several pools; one answer: ok when all are. */
    private CompletionStage<HttpResponse> everyPool(List<ActorRef<PoolProtocol.Command>> refs,
                                                    java.util.function.Function<ActorRef<Reply>, PoolProtocol.Command> msg,
                                                    String what) {
        List<CompletableFuture<Reply>> all = new ArrayList<>();
        for (ActorRef<PoolProtocol.Command> ref : refs) {
            all.add(AskPattern.<PoolProtocol.Command, Reply>ask(ref, msg::apply, ASK, system.scheduler()).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).handle((v, ex) -> {
            if (ex != null) return ControlPlane.error(503, what + ": a pool's supervisor did not answer within " + ASK.toSeconds() + " s");
            List<String> messages = all.stream().map(f -> f.join().message()).toList();
            ObjectNode out = StatusJson.JSON.createObjectNode();
            out.put("ok", true);
            out.put("message", what + ": " + String.join("; ", messages));
            return ControlPlane.json(200, out);
        });
    }

    private CompletionStage<HttpResponse> finalRead() {
        return deployment.finalRead(Duration.ofSeconds(30)).handle((done, ex) -> {
            if (ex != null) return ControlPlane.error(503, "final read: " + ex.getMessage());
            ObjectNode out = StatusJson.JSON.createObjectNode();
            out.put("site", deployment.self().site());
            ArrayNode a = out.putArray("pools");
            for (PoolUsers.FinalReadDone d : done) {
                ObjectNode p = a.addObject();
                p.put("pool", d.pool());
                p.put("users", d.users());
                p.put("writes", d.writes());
            }
            return ControlPlane.json(200, out);
        });
    }

    private ActorRef<PoolProtocol.Command> poolOf(String server) {
        PoolSpec p = deployment.topology().poolOfServer(server)
                .orElseThrow(() -> new Requests.BadRequest("server", "no server '" + server + "' in the topology"));
        ActorRef<PoolProtocol.Command> ref = deployment.pools().get(p.name());
        return ref;
    }

    private CompletionStage<HttpResponse> reply(ActorRef<PoolProtocol.Command> ref,
                                                java.util.function.Function<ActorRef<Reply>, PoolProtocol.Command> msg) {
        return reply(ref, msg, ASK, "the pool's supervisor");
    }

    /** Asks {@code who} (a pool's supervisor, a pair's half) and answers 200 done, 409 refused, 503 no answer in time. */
    private <T> CompletionStage<HttpResponse> reply(ActorRef<T> ref, java.util.function.Function<ActorRef<Reply>, T> msg,
                                                    Duration wait, String who) {
        return AskPattern.<T, Reply>ask(ref, msg::apply, wait, system.scheduler()).handle((r, ex) -> {
            if (ex != null) return ControlPlane.error(503, who + " did not answer within " + wait.toSeconds() + " s");
            ObjectNode out = StatusJson.JSON.createObjectNode();
            out.put("ok", r.ok());
            out.put("message", r.message());
            return ControlPlane.json(r.ok() ? 200 : 409, out);
        });
    }

    private static String text(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) throw new Requests.BadRequest(field, "missing");
        if (!v.isTextual() || v.textValue().isBlank()) throw new Requests.BadRequest(field, "must be a non-empty string");
        return v.textValue();
    }

    private RejectionHandler rejections() {
        return RejectionHandler.newBuilder()
                .handleAll(org.apache.pekko.http.javadsl.server.MethodRejection.class, rs -> extractRequest(req -> {
                    String names = String.join(", ", rs.stream().map(r -> r.supported().name()).distinct().toList());
                    return complete(ControlPlane.error(405, "method " + req.method().name() + " is not allowed on "
                            + req.getUri().path() + ": use " + names));
                }))
                .handleNotFound(extractRequest(req -> complete(ControlPlane.error(404, "no such endpoint: " + req.method().name()
                        + " " + req.getUri().path() + " (see docs/http-api.md)"))))
                .build()
                .withFallback(RejectionHandler.defaultHandler());
    }

    private ExceptionHandler exceptions() {
        return ExceptionHandler.newBuilder()
                .match(Requests.BadRequest.class, e -> complete(ControlPlane.error(400, e.getMessage())))
                .matchAny(e -> complete(ControlPlane.error(500, "internal error: " + e)))
                .build();
    }
}
