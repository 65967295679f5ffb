package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolpair.app.Cli;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane as a client meets it: a real deployment (the built-in topology, wall clock, time-scale 40) with
 * the control plane bound on free ports, asked over HTTP with java.net.http and through the {@code poolpair admin},
 * {@code fault} and {@code heal} commands.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneTest {

    private static final String TOKEN = "s3cret-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventBus bus;
    private LiveDeployment live;
    private EmbeddedDeployment deployment;
    /** loopback, no token */
    private ControlPlane open;
    /** loopback, with a token */
    private ControlPlane guarded;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Answer(int status, JsonNode body, String raw) {}

    @BeforeAll
    void start() throws Exception {
        live = LiveDeployment.start();
        bus = live.bus();
        deployment = live.deployment();
        CompletableFuture<Long> healthy = live.healthy();
        open = ControlPlane.start(deployment, healthy, ControlPlane.Settings.loopback(0));
        guarded = ControlPlane.start(deployment, healthy, new ControlPlane.Settings("127.0.0.1", 0, TOKEN));
        live.awaitHealthy();
    }

    @AfterAll
    void stop() {
        if (open != null) open.close();
        if (guarded != null) guarded.close();
        if (live != null) live.close();
    }

    // --- health ----------------------------------------------------------------------------------------------

    @Test
    void aliveAndReadyOnceTheDeploymentIsHealthy() {
        Answer alive = get(open, "/alive");
        assertThat(alive.status()).isEqualTo(200);
        assertThat(alive.body().path("alive").asBoolean()).isTrue();
        Answer ready = get(open, "/ready");
        assertThat(ready.status()).as(ready.raw()).isEqualTo(200);
        assertThat(ready.body().path("ready").asBoolean()).isTrue();
    }

    @Test
    void notReadyWhileTheDeploymentIsStarting() {
        try (ControlPlane starting = ControlPlane.start(deployment, new CompletableFuture<Void>(), ControlPlane.Settings.loopback(0))) {
            Answer ready = get(starting, "/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().path("ready").asBoolean(true)).isFalse();
            assertThat(ready.body().path("reason").asText()).startsWith("starting");
            assertThat(get(starting, "/alive").status()).isEqualTo(200);
        }
    }

    // --- reads -----------------------------------------------------------------------------------------------

    @Test
    void statusHasBothFrontEndPoolsWithSixServersThePairAndTheSiteView() {
        Answer a = get(open, "/api/status");
        assertThat(a.status()).isEqualTo(200);
        List<JsonNode> fe = new ArrayList<>();
        a.body().path("pools").forEach(p -> {
            if (p.path("role").asText().equals("front-end")) fe.add(p);
        });
        assertThat(fe).extracting(p -> p.path("name").asText()).containsExactly("pool-a", "pool-b");
        for (JsonNode p : fe) {
            assertThat(p.path("servers")).hasSize(6);
            assertThat(p.path("quorumRule").asText()).isEqualTo("any 3 of 6");
            assertThat(p.path("offered").asInt()).isEqualTo(18000);
            assertThat(p.path("servers").get(0).has("observed")).isTrue();
            assertThat(p.path("servers").get(0).path("guideline").asInt()).isPositive();
            assertThat(p.path("routingGroupsByState").isObject()).isTrue();
            assertThat(p.has("routingGroups")).as("routing groups only in /api/pools/{pool}").isFalse();
        }
        JsonNode pair = a.body().path("pairs").get(0);
        assertThat(pair.path("pools")).extracting(JsonNode::asText).containsExactly("pool-a", "pool-b");
        assertThat(pair.path("backupService").get(0).has("lagMs")).isTrue();
        JsonNode site = a.body().path("site");
        assertThat(site.path("cmsPool").asText()).isNotEmpty();
        assertThat(site.path("edgeNextHops").path("edge-a").asText()).isEqualTo("pool-a");
        assertThat(site.path("siteLinks").get(0).path("sites")).extracting(JsonNode::asText).containsExactly("site-a", "site-b");
    }

    @Test
    void onePoolWithItsRoutingGroupsAndAnUnknownPoolIs404() {
        Answer a = get(open, "/api/pools/pool-b");
        assertThat(a.status()).isEqualTo(200);
        JsonNode groups = a.body().path("pool").path("routingGroups");
        assertThat(groups).hasSize(120);
        JsonNode g = groups.get(0);
        assertThat(g.path("primary").asText()).startsWith("b-fe");
        assertThat(g.path("secondaries")).hasSize(2);
        assertThat(a.body().path("pool").path("usersByMode").path("normal").asInt()).isEqualTo(18000);

        Answer none = get(open, "/api/pools/pool-z");
        assertThat(none.status()).isEqualTo(404);
        assertOneLineError(none, "pool: no pool named 'pool-z'");
    }

    // --- changes ---------------------------------------------------------------------------------------------

    @Test
    void aServerKilledOverHttpIsDownInTheStatusAndHealsThroughTheCli() throws Exception {
        CompletableFuture<FailoverEvent> down = next(e -> e.type().equals("server-down") && "a-fe3".equals(e.where().server()));
        Answer kill = post(open, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe3\"}", null);
        assertThat(kill.status()).as(kill.raw()).isEqualTo(200);
        assertThat(kill.body().path("ok").asBoolean()).isTrue();
        down.get(30, TimeUnit.SECONDS);
        JsonNode a3 = server(get(open, "/api/status").body(), "a-fe3");
        assertThat(a3.path("observed").asText()).isEqualTo("down");
        assertThat(a3.path("fault").asText()).isEqualTo("killed");

        Answer again = post(open, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe3\"}", null);
        assertThat(again.status()).as("killing a dead server is refused").isEqualTo(409);
        assertThat(again.body().path("ok").asBoolean(true)).isFalse();

        CompletableFuture<FailoverEvent> up = next(e -> e.type().equals("server-up") && "a-fe3".equals(e.where().server()));
        Cli.Outcome heal = Cli.run("heal", "a-fe3", "--url", open.url());
        assertThat(heal.exit()).as(heal.toString()).isEqualTo(0);
        assertThat(heal.out()).contains("a-fe3");
        up.get(30, TimeUnit.SECONDS);
        assertThat(server(get(open, "/api/status").body(), "a-fe3").path("observed").asText()).isEqualTo("up");
    }

    @Test
    void aSiteLinkSlowedAndHealedThroughTheCliShowsInTheSiteView() {
        Cli.Outcome slow = Cli.run("fault", "slow-link", "site-a", "site-b", "--delay", "30s", "--url", open.url());
        assertThat(slow.exit()).as(slow.toString()).isEqualTo(0);
        JsonNode link = get(open, "/api/status").body().path("site").path("siteLinks").get(0);
        assertThat(link.path("state").asText()).isEqualTo("slow");
        assertThat(link.path("delayMs").asLong()).isEqualTo(30_000);

        Answer reset = post(open, "/reset", "", null);
        assertThat(reset.status()).as(reset.raw()).isEqualTo(200);
        assertThat(reset.body().path("message").asText()).contains("site-a <-> site-b");
        assertThat(get(open, "/api/status").body().path("site").path("siteLinks").get(0).path("state").asText()).isEqualTo("up");
    }

    @Test
    void aRefusedAdminVerbIs409WithSfbsReason() {
        Answer a = post(open, "/api/admin/failback-pool", "{\"pool\":\"pool-b\"}", null);
        assertThat(a.status()).as(a.raw()).isEqualTo(409);
        assertThat(a.body().path("ok").asBoolean(true)).isFalse();
        assertThat(a.body().path("message").asText()).contains("pool-b").contains("not FailedOver");
    }

    @Test
    void anAdminVerbThatHoldsIs200() {
        Answer a = post(open, "/api/admin/quorum-loss-recovery", "{\"pool\":\"pool-b\"}", null);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("ok").asBoolean()).isTrue();
        assertThat(a.body().path("message").asText()).isEqualTo("no routing group was in quorum loss");
    }

    // --- bad input -------------------------------------------------------------------------------------------

    @Test
    void badInputIs400WithOneLineNamingTheFieldAndTheEmulationGoesOn() {
        assertOneLineError(post(open, "/api/faults", "{\"fault\":\"kill\",", null), "body: malformed JSON");
        assertOneLineError(post(open, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe1\",\"colour\":1}", null),
                "colour: unknown field");
        assertOneLineError(post(open, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe9\"}", null),
                "server: no server named 'a-fe9'");
        assertOneLineError(post(open, "/api/faults", "{\"fault\":\"melt\",\"server\":\"a-fe1\"}", null), "fault: 'melt' is not one of");
        assertOneLineError(post(open, "/api/heal", "{}", null), "body: say what to heal");
        assertOneLineError(post(open, "/api/admin/frobnicate", "{}", null), "verb: no admin verb 'frobnicate'");
        assertOneLineError(post(open, "/api/admin/failover-pool", "{}", null), "pool: missing");
        assertOneLineError(post(open, "/api/admin/failover-pool", "{\"pool\":\"pool-a\",\"disaster\":\"yes\"}", null),
                "disaster: must be true or false");
        assertOneLineError(post(open, "/api/admin/failover-pool", "{\"pool\":\"edge-a\"}", null),
                "pool: failover-pool acts on Front End pools");

        Answer wrongMethod = get(open, "/api/faults");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().path("error").asText()).contains("use POST");
        Answer nowhere = get(open, "/api/nothing-here");
        assertThat(nowhere.status()).isEqualTo(404);
        assertThat(nowhere.body().path("error").asText()).contains("no such endpoint");

        assertThat(get(open, "/alive").status()).isEqualTo(200);
        assertThat(get(open, "/api/status").body().path("pools")).hasSize(6);
    }

    // --- token -----------------------------------------------------------------------------------------------

    @Test
    void withATokenChangesNeedItAndReadsStayOpen() {
        String body = "{\"pool\":\"pool-b\"}";
        Answer none = post(guarded, "/api/admin/quorum-loss-recovery", body, null);
        assertThat(none.status()).isEqualTo(401);
        assertOneLineError(none, "changes on this control plane need a token");
        Answer wrong = post(guarded, "/api/admin/quorum-loss-recovery", body, "guess");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("error").asText()).isEqualTo("wrong token");
        assertThat(post(guarded, "/reset", "", null).status()).isEqualTo(401);

        Answer right = post(guarded, "/api/admin/quorum-loss-recovery", body, TOKEN);
        assertThat(right.status()).as(right.raw()).isEqualTo(200);
        assertThat(get(guarded, "/api/status").status()).isEqualTo(200);
        assertThat(get(guarded, "/ready").status()).isEqualTo(200);
    }

    @Test
    void beyondLoopbackATokenIsMadeUpWhenNoneIsGiven() {
        ControlPlane.Settings any = new ControlPlane.Settings("0.0.0.0", 0, null);
        assertThat(any.loopbackOnly()).isFalse();
        assertThat(any.withTokenWhereNeeded().token()).hasSize(32);
        assertThat(ControlPlane.Settings.loopback(0).withTokenWhereNeeded().token()).isNull();
    }

    // --- the command line ------------------------------------------------------------------------------------

    @Test
    void adminCommandExitCodes() throws IOException {
        Cli.Outcome ok = Cli.run("admin", "quorum-loss-recovery", "--pool", "pool-b", "--url", open.url());
        assertThat(ok.exit()).as(ok.toString()).isEqualTo(0);
        assertThat(ok.out().strip()).isEqualTo("no routing group was in quorum loss");

        Cli.Outcome refused = Cli.run("admin", "failback-pool", "--pool", "pool-b", "--url", open.url());
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.out()).startsWith("refused: ").contains("not FailedOver");

        Cli.Outcome unknown = Cli.run("admin", "frobnicate", "--url", open.url());
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
        assertThat(unknown.errLines()).singleElement().asString().contains("no admin verb 'frobnicate'");

        Cli.Outcome missing = Cli.run("admin", "failover-pool", "--url", open.url());
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.errLines()).singleElement().asString().contains("pool: missing");

        Cli.Outcome noToken = Cli.run("admin", "quorum-loss-recovery", "--pool", "pool-b", "--url", guarded.url());
        assertThat(noToken.exit()).as(noToken.toString()).isEqualTo(2);
        assertThat(noToken.errLines()).singleElement().asString().contains("401");
        Cli.Outcome withToken = Cli.run("admin", "quorum-loss-recovery", "--pool", "pool-b", "--url", guarded.url(),
                "--token", TOKEN);
        assertThat(withToken.exit()).as(withToken.toString()).isEqualTo(0);

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli.Outcome unreachable = Cli.run("admin", "failover-cms", "--url", "http://127.0.0.1:" + closedPort);
        assertThat(unreachable.exit()).as(unreachable.toString()).isEqualTo(2);
        assertThat(unreachable.errLines()).singleElement().asString().contains("cannot reach the control plane");
        for (Cli.Outcome o : List.of(ok, refused, unknown, missing, noToken, withToken, unreachable)) {
            assertThat(o.out() + o.err()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void runRefusesTheControlPlaneOnTheVirtualClockAndOptionsWithoutAPort() {
        Cli.Outcome virtual = Cli.run("run", "--virtual-clock", "--http-port", "0");
        assertThat(virtual.exit()).as(virtual.toString()).isEqualTo(2);
        assertThat(virtual.errLines()).singleElement().asString().contains("--http-port").contains("--virtual-clock");
        Cli.Outcome serve = Cli.run("run", "--serve");
        assertThat(serve.exit()).as(serve.toString()).isEqualTo(2);
        assertThat(serve.errLines()).singleElement().asString().contains("--serve needs --http-port");
    }

    @Test
    void runPrintsTheControlPlaneBeforeTheScenarioAndStopsItAfter(@TempDir Path dir) throws IOException {
        Path scenario = dir.resolve("short.conf");
        Files.writeString(scenario, "steps = [\n  { wait = 20s }\n]\n");
        Cli.Outcome run = Cli.run("run", "--scenario", scenario.toString(), "--time-scale", "40", "--http-port", "0",
                "--out", dir.resolve("runs").toString());
        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        List<String> lines = run.out().lines().toList();
        int cp = indexOf(lines, "control plane: http://127.0.0.1:");
        assertThat(cp).as(run.toString()).isGreaterThanOrEqualTo(0);
        assertThat(cp).isLessThan(indexOf(lines, "deployment healthy"));
        assertThat(lines.get(cp)).matches("control plane: http://127\\.0\\.0\\.1:\\d+");
        assertThat(run.out()).contains("VALID");
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith(prefix)) return i;
        return -1;
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private CompletableFuture<FailoverEvent> next(Predicate<FailoverEvent> match) {
        CompletableFuture<FailoverEvent> f = new CompletableFuture<>();
        bus.subscribe(new Consumer<>() {
            @Override
            public void accept(FailoverEvent e) {
                if (!f.isDone() && match.test(e)) {
                    f.complete(e);
                    bus.unsubscribe(this);
                }
            }
        });
        return f;
    }

    private static JsonNode server(JsonNode status, String name) {
        for (JsonNode p : status.path("pools")) {
            for (JsonNode s : p.path("servers")) if (s.path("name").asText().equals(name)) return s;
        }
        throw new AssertionError("no server " + name + " in " + status);
    }

    private static void assertOneLineError(Answer a, String startsWith) {
        assertThat(a.status()).as(a.raw()).isIn(400, 401, 404);
        String error = a.body().path("error").asText();
        assertThat(error).startsWith(startsWith).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(a.raw().strip().lines().count()).isEqualTo(1);
    }

    private Answer get(ControlPlane cp, String path) {
        return send(HttpRequest.newBuilder(URI.create(cp.url() + path)).GET());
    }

    private Answer post(ControlPlane cp, String path, String body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cp.url() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    private Answer send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            return new Answer(r.statusCode(), JSON.readTree(r.body()), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
