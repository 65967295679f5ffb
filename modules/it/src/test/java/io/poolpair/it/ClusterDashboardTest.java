package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolpair.app.http.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and control plane of every cluster node (docs/dashboard.md#cluster-mode), on the 6 nodes of
 * examples/cluster-two-sites.conf as real JVMs with a token: a node of site-b shows site-a's pools; the event stream of
 * one node carries the events of a fault injected through another node of the other site (and resumes after
 * Last-Event-ID); bad input is one line; a change without the token is refused. Then a real headless Chromium opens a
 * site-b node's page, kills a Front End of site-a from it and sees it go down and its routing groups promoted. One
 * cluster for the class; waits are bounded and event-driven.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterDashboardTest {

    private static final String TOKEN = "dash-token";
    private static final Duration FORM = Duration.ofSeconds(150);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LocalCluster cluster;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void startSixNodes() throws Exception {
        cluster = LocalCluster.start(LocalCluster.example("cluster-two-sites.conf"), List.of("--token", TOKEN));
        for (NodeProcess n : cluster.nodes.values()) {
            cluster.await(n.name + " Up in the cluster", FORM, () -> n.printed(": Up in data center " + n.site), () -> n.name);
        }
        // both Front End pools running, as a node of site-b sees them through its proxies
        NodeProcess b2 = cluster.node("b2");
        cluster.await("b2 sees pool-a and pool-b running", FORM, () -> running(b2, "pool-a") && running(b2, "pool-b"),
                () -> body(b2, "/api/status"));
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void killEveryNode() {
        if (cluster != null) cluster.close();
    }

    @Test
    @Order(1)
    void aNodeOfSiteBShowsTheWholeDeploymentAndStreamsEventsOfFaultsInjectedElsewhere() throws Exception {
        NodeProcess a1 = cluster.node("a1");
        NodeProcess b2 = cluster.node("b2");
        NodeProcess b3 = cluster.node("b3");

        JsonNode status = json(get(b2, "/api/status", null));
        assertThat(status.path("node").asText()).isEqualTo("b2");
        assertThat(names(status.path("pools"), "name")).contains("pool-a", "pool-b", "edge-a", "dir-b");
        JsonNode pairA = find(status.path("pairs"), p -> p.path("pool").asText().equals("pool-a"));
        assertThat(pairA.path("pools").toString()).isEqualTo("[\"pool-a\",\"pool-b\"]");
        assertThat(pairA.path("backupService").get(0).path("from").asText()).isEqualTo("pool-a");
        JsonNode poolA = json(get(b2, "/api/pools/pool-a", null)).path("pool");
        assertThat(poolA.path("routingGroups").size()).isGreaterThan(0);
        JsonNode run = json(get(b2, "/api/run", null));
        assertThat(run.path("node").asText()).isEqualTo("b2");
        assertThat(run.path("tokenRequired").asBoolean()).isTrue();
        assertThat(json(get(b2, "/api/topology", null)).path("pools").size()).isEqualTo(6);
        String metrics = body(b2, "/metrics");
        assertThat(metrics).contains("poolpair_servers_up{pool=\"pool-a\"", "poolpair_routing_groups{pool=\"pool-a\"",
                "poolpair_users_served{pool=\"pool-a\"", "poolpair_backup_lag_seconds{from=\"pool-a\",to=\"pool-b\"}");
        assertThat(get(b2, "/", null).body()).contains("<title>");

        // a fault injected through a1 (site-a) shows in the stream of b3 (site-b)
        // (indexes are per node: b3's own count, not b2's)
        long b3Events = json(get(b3, "/api/run", null)).path("events").asLong();
        Stream<String> lines = stream(b3, "/api/events?from=" + b3Events, null);
        BlockingQueue<String[]> events = collect(lines);
        long from = System.currentTimeMillis();
        HttpResponse<String> kill = post(a1, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe4\"}", TOKEN);
        assertThat(kill.statusCode()).as(kill.body()).isEqualTo(200);
        String[] injected = next(events, e -> e[1].equals("fault-injected") && e[2].contains("\"server\":\"a-fe4\""));
        try {
            next(events, e -> e[1].equals("server-down") && e[2].contains("\"server\":\"a-fe4\""));
        } catch (AssertionError missing) {
            // what b3 keeps from that point on, read again from its memory: tells a lost event from a lost stream line
            Stream<String> again = stream(b3, "/api/events?from=" + injected[0], null);
            BlockingQueue<String[]> kept = collect(again);
            List<String> types = new ArrayList<>();
            for (String[] m; (m = kept.poll(3, TimeUnit.SECONDS)) != null; ) types.add(m[0] + ":" + m[1]);
            again.close();
            throw new AssertionError(missing.getMessage() + "; b3 keeps from " + injected[0] + ": " + types, missing);
        }
        assertThat(json(injected[2]).path("wallMs").asLong()).isGreaterThanOrEqualTo(from - 1000);
        lines.close();

        // Last-Event-ID: the stream resumes after that event
        Stream<String> resumed = stream(b3, "/api/events", injected[0]);
        String[] first = next(collect(resumed), e -> true);
        assertThat(Long.parseLong(first[0])).isEqualTo(Long.parseLong(injected[0]) + 1);
        resumed.close();

        HttpResponse<String> heal = post(b2, "/api/heal", "{\"server\":\"a-fe4\"}", TOKEN);
        assertThat(heal.statusCode()).as(heal.body()).isEqualTo(200);

        // bad input is one line; a change without the token is refused
        HttpResponse<String> bad = post(b2, "/api/faults", "{\"fault\":", TOKEN);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body().strip()).doesNotContain("\n").startsWith("{\"error\":");
        HttpResponse<String> badFrom = get(b2, "/api/events?from=x", null);
        assertThat(badFrom.statusCode()).isEqualTo(400);
        assertThat(badFrom.body().strip()).doesNotContain("\n").contains("from");
        HttpResponse<String> noToken = post(b2, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe1\"}", null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.body().strip()).doesNotContain("\n").contains("need a token");
        HttpResponse<String> wrongMethod = get(b2, "/api/faults", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.body().strip()).doesNotContain("\n").startsWith("{\"error\":");

        // a whole site's servers killed from a node of the other site (the page's Kill site), then healed
        HttpResponse<String> noSite = post(b2, "/api/faults", "{\"fault\":\"kill-site\",\"site\":\"site-z\"}", TOKEN);
        assertThat(noSite.statusCode()).isEqualTo(400);
        assertThat(noSite.body()).contains("site-z");
        long siteFrom = System.currentTimeMillis();
        HttpResponse<String> killSite = post(b2, "/api/faults", "{\"fault\":\"kill-site\",\"site\":\"site-a\"}", TOKEN);
        assertThat(killSite.statusCode()).as(killSite.body()).isEqualTo(200);
        assertThat(killSite.body()).contains("a-fe1").contains("a-edge1").contains("a-dir1");
        cluster.await("site-a's pool quorum lost after its servers were killed", Duration.ofSeconds(60), () -> cluster.events().stream()
                .anyMatch(e -> e.path("wallMs").asLong() >= siteFrom && e.path("type").asText().equals("pool-quorum-lost")
                        && e.path("pool").asText().equals("pool-a")), () -> "no pool-quorum-lost for pool-a yet");
        HttpResponse<String> healSite = post(b2, "/api/heal", "{\"site\":\"site-a\"}", TOKEN);
        assertThat(healSite.statusCode()).as(healSite.body()).isEqualTo(200);
        cluster.await("pool-a running again after the heal", Duration.ofSeconds(60), () -> cluster.events().stream()
                .anyMatch(e -> e.path("wallMs").asLong() >= siteFrom && e.path("type").asText().equals("pool-quorum-regained")
                        && e.path("pool").asText().equals("pool-a")), () -> "pool-a not running again yet");
    }

    @Test
    @Order(2)
    void inABrowserASiteBNodesPageKillsASiteAFrontEndAndShowsItDownAndItsGroupsPromoted() throws Exception {
        NodeProcess b1 = cluster.node("b1");
        cluster.await("a-fe3 up as b1 sees it", WAIT, () -> observed(b1, "a-fe3").equals("up"), () -> body(b1, "/api/status"));
        WebDriver driver = Browser.open();
        try {
            WebDriverWait wait = new WebDriverWait(driver, WAIT);
            driver.get(b1.http().orElseThrow() + "/");
            waitForText(driver, wait, By.cssSelector("#conn"), "live");
            waitForText(driver, wait, By.id("run-info"), "cluster node b1 (site-b)");
            waitForText(driver, wait, By.cssSelector("[data-server='a-fe3'] .observed"), "up");
            assertThat(driver.findElements(By.cssSelector("[data-site='site-a'] [data-pool='pool-a']"))).hasSize(1);
            // the Deployment panel, from site-b's copy of the CMS and the Edge routes
            waitForText(driver, wait, By.id("cms"), "pool-a (site-a)");

            driver.findElement(By.cssSelector("[data-server='a-fe3'] button[data-act='kill']")).click();
            Alert confirm = wait.until(ExpectedConditions.alertIsPresent());
            assertThat(confirm.getText()).startsWith("Kill a-fe3");
            confirm.accept();
            Alert ask = wait.until(ExpectedConditions.alertIsPresent());
            assertThat(ask.getText()).contains("needs a token");
            ask.sendKeys(TOKEN);
            ask.accept();
            waitForText(driver, wait, By.id("answer"), "kill a-fe3: done");
            waitForText(driver, wait, By.cssSelector("[data-server='a-fe3'] .observed"), "down");
            wait.withMessage("a primary-moved from a-fe3 in the page's list").until(d -> d.findElements(
                    By.cssSelector("#events li[data-type='primary-moved']")).stream().anyMatch(li -> li.getText().contains("a-fe3")));
            wait.until(d -> d.findElements(By.cssSelector("[data-pool='pool-a'] .rg-grid span.c.p[data-s='a-fe3']")).isEmpty());
            Browser.screenshot(driver, "cluster-dashboard-kill-front-end");
        } finally {
            driver.quit();
            post(b1, "/api/heal", "{\"server\":\"a-fe3\"}", TOKEN);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private boolean running(NodeProcess n, String pool) {
        try {
            JsonNode s = json(get(n, "/api/status", null));
            return find(s.path("pools"), p -> p.path("name").asText().equals(pool)).path("state").asText().equals("running");
        } catch (Exception e) {
            return false;
        }
    }

    private String observed(NodeProcess n, String server) {
        try {
            for (JsonNode p : json(get(n, "/api/status", null)).path("pools")) {
                for (JsonNode s : p.path("servers")) if (s.path("name").asText().equals(server)) return s.path("observed").asText();
            }
        } catch (Exception e) {
            return "unknown";
        }
        return "unknown";
    }

    private String body(NodeProcess n, String path) {
        try {
            return get(n, path, null).body();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private HttpResponse<String> get(NodeProcess n, String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.http().orElseThrow() + path)).timeout(Duration.ofSeconds(15)).GET();
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(NodeProcess n, String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.http().orElseThrow() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An SSE stream's lines (closing the stream ends the request). */
    private Stream<String> stream(NodeProcess n, String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.http().orElseThrow() + path)).GET();
        if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
        HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Reads SSE messages on a thread of its own into a queue, as {id, event, data}. */
    private static BlockingQueue<String[]> collect(Stream<String> lines) {
        BlockingQueue<String[]> out = new LinkedBlockingQueue<>();
        CompletableFuture.runAsync(() -> {
            String[] m = new String[3];
            try {
                for (java.util.Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String l = it.next();
                    if (l.startsWith("id:")) m[0] = l.substring(3).strip();
                    else if (l.startsWith("event:")) m[1] = l.substring(6).strip();
                    else if (l.startsWith("data:")) m[2] = l.substring(5).strip();
                    else if (l.isEmpty() && m[2] != null) {
                        out.add(m);
                        m = new String[3];
                    }
                }
            } catch (RuntimeException e) {
                // the stream was closed
            }
        });
        return out;
    }

    /** The next message that matches, waiting at most {@link #WAIT} in all. */
    private static String[] next(BlockingQueue<String[]> q, Predicate<String[]> match) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> seen = new ArrayList<>();
        while (true) {
            String[] m = q.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) throw new AssertionError("no such event within " + WAIT.toSeconds() + " s; saw " + seen);
            if (m[1] != null && match.test(m)) return m;
            seen.add(m[1]);
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode json(String s) throws IOException {
        return JSON.readTree(s);
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) out.add(n.path(field).asText());
        return out;
    }

    private static JsonNode find(JsonNode array, Predicate<JsonNode> match) {
        for (JsonNode n : array) if (match.test(n)) return n;
        throw new AssertionError("none matches in " + array);
    }

    private static void waitForText(WebDriver driver, WebDriverWait wait, By where, String text) {
        wait.withMessage(() -> {
            List<WebElement> found = driver.findElements(where);
            return "waiting for '" + text + "' in " + where + "; it says '" + (found.isEmpty() ? "(none)" : found.get(0).getText()) + "'";
        }).until(ExpectedConditions.textToBePresentInElementLocated(where, text));
    }
}
