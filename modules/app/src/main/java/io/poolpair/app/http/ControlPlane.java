package io.poolpair.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.app.http.Requests.Action;
import io.poolpair.app.http.Requests.BadRequest;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PoolView;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The control plane over HTTP (pekko-http): reads the status of a running deployment and injects faults, heals and
 * admin verbs into it (docs/http-api.md). It runs on the deployment's ActorSystem; the deployment's facade blocks,
 * so every call to it runs on Pekko's blocking-IO dispatcher, never on the HTTP server's.
 *
 * <p>Safety: it listens on loopback unless told otherwise. With a token, every change (POST) needs
 * {@code Authorization: Bearer <token>}; reads stay open. Any bad request gets one line, never a stack trace, and
 * the emulation goes on.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("poolpair.http");
    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Where to listen and who may change things.
     *
     * @param bind  the address to listen on (a name or an IP address)
     * @param port  the port, 0 for a free one
     * @param token the bearer token every POST needs, or null for none (allowed on loopback only)
     */
    public record Settings(String bind, int port, String token) {
        public Settings {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("--http-port: must be 0 to 65535, got " + port);
            if (token != null && token.isBlank()) throw new IllegalArgumentException("--token: must not be empty");
        }

        /** Loopback without a token. */
        public static Settings loopback(int port) {
            return new Settings("127.0.0.1", port, null);
        }

        /** Whether {@link #bind} is a loopback address; an address that does not resolve is bad input. */
        public boolean loopbackOnly() {
            try {
                return InetAddress.getByName(bind).isLoopbackAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--bind: cannot resolve '" + bind + "'");
            }
        }

        /** These settings with a new random token when they listen beyond loopback without one. */
        public Settings withTokenWhereNeeded() {
            if (token != null || loopbackOnly()) return this;
            byte[] b = new byte[16];
            new SecureRandom().nextBytes(b);
            return new Settings(bind, port, HexFormat.of().formatHex(b));
        }
    }

    private final EmbeddedDeployment deployment;
    private final Topology topology;
    private final CompletionStage<?> started;
    private final String token;
    private final Executor blocking;
    private final ServerBinding binding;
    private final String url;
    private final Metrics metrics;
    private final Dashboard dashboard;

    private ControlPlane(EmbeddedDeployment deployment, CompletionStage<?> started, Settings settings, RunInfo run) {
        this.deployment = deployment;
        this.topology = deployment.topology();
        this.started = started;
        this.token = settings.token();
        this.blocking = deployment.system().dispatchers().lookup(DispatcherSelector.blocking());
        if (!settings.loopbackOnly() && token == null) {
            throw new IllegalArgumentException("--bind: " + settings.bind() + " is not a loopback address: give a --token");
        }
        this.metrics = Metrics.start(deployment);
        this.dashboard = new Dashboard(new LiveReads(deployment, run, token != null));
        Route route = new Routes().route();
        try {
            this.binding = Http.get(deployment.system()).newServerAt(settings.bind(), settings.port()).bind(route)
                    .toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        } catch (ExecutionException e) {
            metrics.close();
            Throwable c = e;
            while (c.getCause() != null && c.getCause() != c) c = c.getCause();
            String why = c.getMessage() == null ? c.toString() : c.getMessage().replaceFirst("^\\[[^]]*\\]\\s*", "");
            throw new IllegalArgumentException("--http-port: cannot listen on " + settings.bind() + ":" + settings.port() + ": "
                    + Requests.oneLine(why));
        } catch (TimeoutException e) {
            metrics.close();
            throw new IllegalStateException("the control plane did not bind " + settings.bind() + ":" + settings.port() + " within "
                    + BIND_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            metrics.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the control plane");
        }
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        this.url = "http://" + host + ":" + binding.localAddress().getPort();
    }

    /**
     * Serves {@code deployment} until {@link #close()}; returns once the port is bound.
     *
     * @param started completes when the deployment has become healthy the first time ({@code /ready} answers 503
     *                until then); null when it already is
     * @throws IllegalArgumentException when the address cannot be bound, or is beyond loopback without a token
     */
    public static ControlPlane start(EmbeddedDeployment deployment, CompletionStage<?> started, Settings settings) {
        return start(deployment, started, settings, RunInfo.live(null, null, deployment.settings()));
    }

    /** The same, with what the dashboard's {@code GET /api/run} says about the run. */
    public static ControlPlane start(EmbeddedDeployment deployment, CompletionStage<?> started, Settings settings, RunInfo run) {
        return new ControlPlane(deployment, started, settings, run);
    }

    /** {@code http://HOST:PORT}, with the port actually bound. */
    public String url() { return url; }

    public int port() { return binding.localAddress().getPort(); }

    public InetSocketAddress address() { return binding.localAddress(); }

    /** The bearer token changes need, or null when none is needed. */
    public String token() { return token; }

    /** What {@code GET /metrics} serves. */
    Metrics metrics() { return metrics; }

    /** Stops listening; requests in flight get two seconds to finish. The deployment keeps running. */
    @Override
    public void close() {
        metrics.close();
        try {
            binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("control plane at {} did not stop cleanly: {}", url, e.toString());
        }
    }

    // --- answers ---------------------------------------------------------------------------------------------

    static HttpResponse json(int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = (StatusJson.JSON.writeValueAsString(body) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage());
        }
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, bytes));
    }

    static HttpResponse error(int status, String message) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("error", Requests.oneLine(message));
        return json(status, o);
    }

    private static HttpResponse answer(Reply r) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("ok", r.ok());
        o.put("message", r.message());
        return json(r.ok() ? 200 : 409, o);
    }

    /** Runs a change on the deployment and answers 200 (done) or 409 (refused, with SfB's reason). */
    private HttpResponse act(Action a) {
        Reply r = a.call().apply(deployment);
        LOG.info("control plane: {} -> {}: {}", a.what(), r.ok() ? "ok" : "refused", r.message());
        return answer(r);
    }

    private HttpResponse ready() {
        if (started != null && !started.toCompletableFuture().isDone()) {
            return readiness(false, "starting: not every server is up and every Front End pool running yet");
        }
        List<String> notServing = new ArrayList<>();
        for (PoolView p : deployment.status()) {
            boolean serves = p.role().equals("front-end") ? p.state().equals("running") : !p.state().equals("down");
            if (!serves) notServing.add(p.name() + " is " + p.state() + (p.detail() == null ? "" : " (" + p.detail() + ")"));
        }
        return notServing.isEmpty() ? readiness(true, null) : readiness(false, String.join("; ", notServing));
    }

    private static HttpResponse readiness(boolean ready, String reason) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("ready", ready);
        if (reason != null) o.put("reason", reason);
        return json(ready ? 200 : 503, o);
    }

    private HttpResponse pool(String name) {
        if (topology.pool(name).isEmpty()) return error(404, "pool: no pool named '" + name + "' in " + topology.file());
        return json(200, StatusJson.pool(deployment, name));
    }

    /**
     * The work of one request, on the blocking dispatcher; whatever goes wrong becomes one line: bad input 400, an
     * emulation that does not answer 503, anything else 500 (logged here with its stack trace).
     */
    private CompletionStage<HttpResponse> off(Supplier<HttpResponse> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (BadRequest | IllegalArgumentException e) {
                return error(400, e.getMessage());
            } catch (IllegalStateException e) {
                return error(503, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("control plane: internal error", e);
                return error(500, "internal error: " + e);
            }
        }, blocking);
    }

    // --- routes ----------------------------------------------------------------------------------------------

    /** The routing tree (pekko-http's Java routing DSL). */
    private final class Routes extends AllDirectives {

        Route route() {
            Route top = concat(
                    path("alive", () -> get(() -> complete(json(200, StatusJson.JSON.createObjectNode().put("alive", true))))),
                    path("ready", () -> get(() -> completeWithFuture(off(ControlPlane.this::ready)))),
                    path("metrics", () -> get(() -> complete(metrics.scrape()))),
                    path("reset", () -> post(() -> change(Requests::reset))),
                    pathPrefix("api", this::api),
                    dashboard.route());
            return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> top)).seal();
        }

        private Route api() {
            return concat(
                    path("status", () -> get(() -> completeWithFuture(off(() -> json(200, StatusJson.status(deployment)))))),
                    path(PathMatchers.segment("pools").slash(PathMatchers.segment()), name ->
                            get(() -> completeWithFuture(off(() -> pool(name))))),
                    path("faults", () -> post(() -> change(body -> Requests.fault(Requests.object(body, false), topology)))),
                    path("heal", () -> post(() -> change(body -> Requests.heal(Requests.object(body, false), topology)))),
                    path(PathMatchers.segment("admin").slash(PathMatchers.segment()), verb ->
                            post(() -> change(body -> Requests.admin(verb, Requests.object(body, true), topology)))));
        }

        /** A POST that changes the deployment: token first, then the body, then the change. */
        private Route change(Function<String, Action> parse) {
            return authorized(() -> entity(Unmarshaller.entityToString(), body ->
                    completeWithFuture(off(() -> act(parse.apply(body))))));
        }

        private Route authorized(Supplier<Route> inner) {
            if (token == null) return inner.get();
            return optionalHeaderValueByName("Authorization", h -> {
                if (h.isEmpty()) {
                    return unauthorized("changes on this control plane need a token: send 'Authorization: Bearer <token>'");
                }
                String v = h.get().trim();
                if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    return unauthorized("Authorization must be 'Bearer <token>'");
                }
                byte[] given = v.substring(7).trim().getBytes(StandardCharsets.UTF_8);
                if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
                    return unauthorized("wrong token");
                }
                return inner.get();
            });
        }

        private Route unauthorized(String why) {
            return complete(error(401, why).addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "poolpair"))));
        }

        private RejectionHandler rejections() {
            return RejectionHandler.newBuilder()
                    .handleAll(MethodRejection.class, rs -> extractRequest(req -> {
                        List<HttpMethod> allowed = rs.stream().map(MethodRejection::supported).distinct().toList();
                        String names = String.join(", ", allowed.stream().map(HttpMethod::name).toList());
                        return complete(error(405, "method " + req.method().name() + " is not allowed on " + pathOf(req) + ": use "
                                + names).addHeader(Allow.create(allowed.toArray(new HttpMethod[0]))));
                    }))
                    .handleAll(Rejection.class, rs -> extractRequest(req ->
                            complete(error(400, "bad request to " + pathOf(req) + ": " + rs.get(0).getClass().getSimpleName()))))
                    .handleNotFound(extractRequest(req -> complete(error(404, "no such endpoint: " + req.method().name() + " "
                            + pathOf(req) + " (see docs/http-api.md)"))))
                    .build();
        }

        private ExceptionHandler exceptions() {
            return ExceptionHandler.newBuilder()
                    .matchAny(e -> {
                        LOG.warn("control plane: internal error", e);
                        return complete(error(500, "internal error: " + e));
                    })
                    .build();
        }

        private String pathOf(HttpRequest req) {
            return req.getUri().path();
        }
    }
}
