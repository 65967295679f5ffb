package io.poolpair.app.http;

import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.HistoryLog;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /metrics} as Prometheus meets it: a real deployment (the built-in topology, wall clock, time-scale 40, with
 * its events.jsonl and history.jsonl) and its control plane on a free port, scraped with java.net.http.
 */
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {

    /** How many fresh samples (one a second) a change may take to show before the test gives up. */
    private static final int SAMPLES = 15;

    private Path dir;
    private HistoryLog history;
    private EventBus bus;
    private Topology topology;
    private LiveDeployment live;
    private EmbeddedDeployment deployment;
    private ControlPlane open;
    private ControlPlane guarded;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("poolpair-metrics-test");
        history = HistoryLog.to(dir.resolve("history.jsonl"));
        bus = new EventBus(dir.resolve("events.jsonl"), true);
        bus.attachHistoryLog(history);
        live = LiveDeployment.start(bus);
        deployment = live.deployment();
        topology = deployment.topology();
        CompletableFuture<Long> healthy = live.healthy();
        open = ControlPlane.start(deployment, healthy, ControlPlane.Settings.loopback(0));
        guarded = ControlPlane.start(deployment, healthy, new ControlPlane.Settings("127.0.0.1", 0, "s3cret"));
        live.awaitHealthy();
    }

    @AfterAll
    void stop() throws Exception {
        if (open != null) open.close();
        if (guarded != null) guarded.close();
        if (live != null) live.close();
        if (history != null) history.close();
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void poolGaugesCountServersUpAKilledFrontEndLeavesFiveAndTheEventCountersRise() throws Exception {
        String before = scrapeWhen(open, t -> value(t, "poolpair_servers_up", "pool", "pool-a").orElse(-1) == 6
                && value(t, "poolpair_servers_up", "pool", "pool-b").orElse(-1) == 6);
        assertThat(before).contains("poolpair_servers_up{pool=\"pool-a\",role=\"front-end\",site=\"site-a\"} 6.0");
        assertThat(value(before, "poolpair_servers_up", "pool", "edge-a")).hasValue(2);
        assertThat(value(before, "poolpair_servers", "pool", "pool-a")).hasValue(6);
        assertThat(value(before, "poolpair_routing_groups", "pool", "pool-a", "state", "healthy")).hasValue(120);
        assertThat(value(before, "poolpair_users", "pool", "pool-a", "mode", "normal")).hasValue(18000);
        assertThat(value(before, "poolpair_users", "pool", "pool-a", "mode", "signed-out")).hasValue(0);
        assertThat(value(before, "poolpair_backup_pending_writes", "from", "pool-a", "to", "pool-b", "data", "users")).isPresent();
        assertThat(value(before, "poolpair_backup_lag_seconds", "from", "pool-b", "to", "pool-a", "data", "users")).isPresent();
        assertThat(value(before, "poolpair_emulated_seconds")).isPresent();
        // every server's first server-up was counted, although it came before the control plane started
        int serverCount = topology.pools().stream().mapToInt(p -> p.servers().size()).sum();
        assertThat(value(before, "poolpair_events_total", "type", "server-up").orElse(0)).isGreaterThanOrEqualTo(serverCount);
        double downsBefore = value(before, "poolpair_events_total", "type", "server-down").orElseThrow();
        double faultsBefore = value(before, "poolpair_events_total", "type", "fault-injected").orElseThrow();

        HttpResponse<String> kill = post(open, "/api/faults", "{\"fault\":\"kill\",\"server\":\"a-fe3\"}");
        assertThat(kill.statusCode()).as(kill.body()).isEqualTo(200);
        String after = scrapeWhen(open, t -> value(t, "poolpair_servers_up", "pool", "pool-a").orElse(-1) == 5);
        assertThat(value(after, "poolpair_servers_up", "pool", "pool-a")).hasValue(5);
        assertThat(value(after, "poolpair_servers_up", "pool", "pool-b")).hasValue(6);
        assertThat(value(after, "poolpair_servers", "pool", "pool-a")).hasValue(6);
        assertThat(value(after, "poolpair_events_total", "type", "server-down").orElseThrow()).isGreaterThan(downsBefore);
        assertThat(value(after, "poolpair_events_total", "type", "fault-injected").orElseThrow()).isGreaterThan(faultsBefore);
        // the kill was detected (terminated, timed from the fault) and a-fe3's routing groups were re-primaried
        assertThat(value(after, "poolpair_failure_detection_seconds_count", "pool", "pool-a", "detected_by", "terminated",
                "since", "fault").orElse(0)).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "poolpair_routing_group_failover_seconds_count", "pool", "pool-a").orElse(0))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(after, "poolpair_routing_group_failover_seconds_bucket", "pool", "pool-a", "le", "+Inf"))
                .isEqualTo(value(after, "poolpair_routing_group_failover_seconds_count", "pool", "pool-a"));

        HttpResponse<String> heal = post(open, "/api/heal", "{\"server\":\"a-fe3\"}");
        assertThat(heal.statusCode()).as(heal.body()).isEqualTo(200);
        String healed = scrapeWhen(open, t -> value(t, "poolpair_servers_up", "pool", "pool-a").orElse(-1) == 6);
        assertThat(value(healed, "poolpair_servers_up", "pool", "pool-a")).hasValue(6);
    }

    @Test
    void theCheckersFollowTheHistoryAsItIsWritten() throws Exception {
        String text = scrapeWhen(open, t -> value(t, "poolpair_history_records_total").orElse(0) > 0);
        assertThat(value(text, "poolpair_checker_findings_total", "checker", "sanity", "severity", "violation")).hasValue(0);
        assertThat(value(text, "poolpair_checker_findings_total", "checker", "lost-writes", "severity", "violation")).hasValue(0);
        assertThat(value(text, "poolpair_checker_findings_total", "checker", "outage", "severity", "notice")).isPresent();
    }

    @Test
    void readsStayOpenWithATokenAndMetricsTakesOnlyGet() throws Exception {
        HttpResponse<String> r = get(guarded, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                assertThat(ct).startsWith("text/plain").contains("version=0.0.4"));
        assertThat(r.body()).contains("# TYPE poolpair_events_total counter");
        HttpResponse<String> posted = post(open, "/metrics", "");
        assertThat(posted.statusCode()).isEqualTo(405);
        assertThat(posted.headers().firstValue("Allow")).hasValue("GET");
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    /**
     * Scrapes after each fresh sample of the deployment's status until {@code until} holds, at most {@link #SAMPLES}
     * samples; returns the last scrape either way (the caller's assertions say what was wrong).
     */
    private String scrapeWhen(ControlPlane cp, Predicate<String> until) throws Exception {
        String text = "";
        for (int i = 0; i < SAMPLES; i++) {
            cp.metrics().nextSample().get(30, TimeUnit.SECONDS);
            HttpResponse<String> r = get(cp, "/metrics");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            text = r.body();
            if (until.test(text)) break;
        }
        return text;
    }

    private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of the first series named {@code name} whose labels include {@code labels} (name, value, ...). */
    static OptionalDouble value(String text, String name, String... labels) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) continue;
            Matcher m = SERIES.matcher(line.trim());
            if (!m.matches() || !m.group(1).equals(name)) continue;
            Map<String, String> have = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) have.put(l.group(1), l.group(2));
            }
            boolean all = true;
            for (int i = 0; i + 1 < labels.length; i += 2) all &= labels[i + 1].equals(have.get(labels[i]));
            if (all) return OptionalDouble.of(Double.parseDouble(m.group(3)));
        }
        return OptionalDouble.empty();
    }

    private HttpResponse<String> get(ControlPlane cp, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cp.url() + path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(ControlPlane cp, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cp.url() + path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
