package io.poolpair.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolpair.model.check.Checker;
import io.poolpair.model.check.Checks;
import io.poolpair.model.event.EventTypes;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.HistoryLog;
import io.poolpair.runtime.status.PairView;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import io.poolpair.runtime.status.UsersByMode;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code GET /metrics}: the emulation in the Prometheus text format, through Micrometer (docs/http-api.md#metrics
 * lists every metric). Three sources, none of which makes a scrape wait for the actors:
 *
 * <ul>
 *   <li>the deployment's status (servers up, routing groups by state, users by mode, Backup Service lag and
 *       pending writes), sampled every {@link #SAMPLE_INTERVAL} of wall time by a background thread through the same
 *       facade calls as {@code /api/status}; a scrape reads the last sample;</li>
 *   <li>the event bus (events by type, failure-detection, routing-group failover and pool failover durations in
 *       emulated seconds), from a listener that sees every event of the run once, in order, including those
 *       published before the control plane started;</li>
 *   <li>the run's {@code history.jsonl} (checker findings so far): the standard checkers follow it from its first
 *       record, fed by the sampling thread.</li>
 * </ul>
 */
public final class Metrics implements AutoCloseable {

    /** How often the deployment's status is sampled (wall time). */
    static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger("poolpair.http");
    private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    /** Histogram buckets of the emulated durations (SfB's timers run from seconds to half an hour). */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(30),
        Duration.ofSeconds(45), Duration.ofSeconds(60), Duration.ofSeconds(90), Duration.ofSeconds(120), Duration.ofSeconds(180),
        Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(30), Duration.ofMinutes(60)};

    private final EmbeddedDeployment deployment;
    private final EventBus bus;
    private final HistoryLog history;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService sampler;

    private final GaugeFamily serversUp;
    private final GaugeFamily servers;
    private final GaugeFamily routingGroups;
    private final GaugeFamily users;
    private final GaugeFamily backupLag;
    private final GaugeFamily backupPending;

    private final Consumer<FailoverEvent> eventListener = this::onEvent;
    private final Map<String, Counter> eventCounters = new HashMap<>();
    /** Per server: the emulated time of the fault injected since it was last up, of its suspicion, of its server-down. */
    private final Map<String, Long> faultAtMs = new HashMap<>();
    private final Map<String, Long> suspectedAtMs = new HashMap<>();
    private final Map<String, Long> downAtMs = new HashMap<>();
    /** Per home pool in FailingOver: when it entered it, and the mode (disaster or planned). */
    private final Map<String, Long> failingOverAtMs = new HashMap<>();
    private final Map<String, String> failingOverMode = new HashMap<>();

    private final Queue<HistoryRecord> records = new ConcurrentLinkedQueue<>();
    private final Consumer<HistoryRecord> recordListener = records::add;
    private final List<Checker> checkers = Checks.standard();
    private final Map<String, AtomicLong[]> findings = new LinkedHashMap<>();
    private final AtomicLong recordsChecked = new AtomicLong();

    private Metrics(EmbeddedDeployment deployment) {
        this.deployment = deployment;
        this.bus = deployment.bus();
        this.history = bus.historyLog();
        serversUp = GaugeFamily.serversUp(registry);
        servers = GaugeFamily.servers(registry);
        routingGroups = GaugeFamily.routingGroups(registry);
        users = new GaugeFamily(registry, "poolpair.users", null,
                "Users of a home Front End pool per mode (normal, resiliency, signed-out)");
        backupLag = GaugeFamily.backupLag(registry);
        backupPending = GaugeFamily.backupPending(registry);
        Gauge.builder("poolpair.emulated", deployment, d -> d.clock().now().emulatedMs() / 1000.0)
                .description("Emulated time since the run's emulated zero")
                .baseUnit("seconds").register(registry);
        for (String type : EventTypes.ALL) eventCounter(type);
        for (PoolSpec p : deployment.topology().pools()) {
            if (p.role() != Role.FRONT_END) continue;
            routingGroupFailover(p.name());
            if (p.backupPool() != null) poolFailover(p.name(), "disaster");
        }
        for (Checker c : checkers) {
            AtomicLong[] counts = {new AtomicLong(), new AtomicLong()};
            findings.put(c.name(), counts);
            FunctionCounter.builder("poolpair.checker.findings", counts[0], AtomicLong::get)
                    .description("Findings of the run's checkers so far, over history.jsonl as it is written")
                    .tags("checker", c.name(), "severity", "violation").register(registry);
            FunctionCounter.builder("poolpair.checker.findings", counts[1], AtomicLong::get)
                    .description("Findings of the run's checkers so far, over history.jsonl as it is written")
                    .tags("checker", c.name(), "severity", "notice").register(registry);
        }
        FunctionCounter.builder("poolpair.history.records", recordsChecked, AtomicLong::get)
                .description("history.jsonl records the live checkers have read").register(registry);

        bus.subscribeFromStart(eventListener);
        try {
            history.tap(recordListener);
        } catch (RuntimeException e) {
            bus.unsubscribe(eventListener);
            throw e;
        }
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "poolpair-metrics");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts following {@code deployment}: its event bus and history log at once, its status every second. */
    public static Metrics start(EmbeddedDeployment deployment) {
        return new Metrics(deployment);
    }

    /** The answer to {@code GET /metrics}: every metric now, in the Prometheus text format 0.0.4. */
    public HttpResponse scrape() {
        return HttpResponse.create().withStatus(200)
                .withEntity(HttpEntities.create(PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void close() {
        closed = true;
        bus.unsubscribe(eventListener);
        history.untap(recordListener);
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.close();
    }

    // --- the status, sampled -----------------------------------------------------------------------------------

    private boolean sampleFailedLogged;
    private volatile boolean closed;
    private final AtomicReference<CompletableFuture<Void>> nextSample = new AtomicReference<>(new CompletableFuture<>());

    /** Completes when a sample that began after this call has ended (whether or not the deployment answered). */
    CompletableFuture<Void> nextSample() { return nextSample.get(); }

    /** On the sampling thread: the checkers take the new history records, then the status is read. */
    private void sample() {
        CompletableFuture<Void> done = nextSample.getAndSet(new CompletableFuture<>());
        try {
            feedCheckers();
            List<PoolView> pools = deployment.status();
            List<PairView> pairs = deployment.pairs();
            update(pools, pairs);
            sampleFailedLogged = false;
        } catch (RuntimeException e) {
            // the emulation did not answer in time, or is stopping: keep the last sample, say so once
            if (!sampleFailedLogged && !closed) LOG.warn("metrics: cannot sample the deployment's status: {}", e.getMessage());
            sampleFailedLogged = true;
        } finally {
            done.complete(null);
        }
    }

    private void feedCheckers() {
        HistoryRecord r;
        long n = 0;
        while ((r = records.poll()) != null) {
            for (Checker c : checkers) c.accept(r);
            n++;
        }
        if (n == 0) return;
        recordsChecked.addAndGet(n);
        for (Checker c : checkers) {
            AtomicLong[] counts = findings.get(c.name());
            counts[0].set(c.violationsSoFar());
            counts[1].set(c.noticesSoFar());
        }
    }

    private void update(List<PoolView> pools, List<PairView> pairs) {
        Map<Tags, Double> up = new LinkedHashMap<>();
        Map<Tags, Double> all = new LinkedHashMap<>();
        Map<Tags, Double> groups = new LinkedHashMap<>();
        Map<Tags, Double> modes = new LinkedHashMap<>();
        for (PoolView p : pools) {
            Tags where = Tags.of("pool", p.name(), "site", p.site(), "role", p.role());
            long n = 0;
            for (ServerView s : p.servers()) if (s.observed().equals("up")) n++;
            up.put(where, (double) n);
            all.put(where, (double) p.servers().size());
            if (!p.role().equals("front-end")) continue;
            for (Map.Entry<String, Integer> g : p.groupsByState().entrySet()) {
                groups.put(Tags.of("pool", p.name(), "site", p.site(), "state", g.getKey()), g.getValue().doubleValue());
            }
            PairView.Side side = null;
            for (PairView pair : pairs) for (PairView.Side s : pair.sides()) if (s.pool().equals(p.name())) side = s;
            int[] m = UsersByMode.of(p, side);
            modes.put(Tags.of("pool", p.name(), "mode", "normal"), (double) m[0]);
            modes.put(Tags.of("pool", p.name(), "mode", "resiliency"), (double) m[1]);
            modes.put(Tags.of("pool", p.name(), "mode", "signed-out"), (double) m[2]);
        }
        Map<Tags, Double> lag = new LinkedHashMap<>();
        Map<Tags, Double> pending = new LinkedHashMap<>();
        for (PairView pair : pairs) {
            for (PairView.Direction d : pair.backup()) {
                Tags t = direction(d);
                lag.put(t, d.lagMs() / 1000.0);
                pending.put(t, (double) d.pending());
            }
        }
        serversUp.set(up);
        servers.set(all);
        routingGroups.set(groups);
        users.set(modes);
        backupLag.set(lag);
        backupPending.set(pending);
    }

    /** A Backup Service direction: {@code from}, {@code to} (pool names) and {@code data} (users or cms). */
    private static Tags direction(PairView.Direction d) {
        boolean cms = d.from().endsWith(" (CMS)");
        return Tags.of("from", strip(d.from()), "to", strip(d.to()), "data", cms ? "cms" : "users");
    }

    private static String strip(String pool) {
        return pool.endsWith(" (CMS)") ? pool.substring(0, pool.length() - " (CMS)".length()) : pool;
    }

    // --- the events ------------------------------------------------------------------------------------------

    private Counter eventCounter(String type) {
        return eventCounters.computeIfAbsent(type, t -> Counter.builder("poolpair.events").tag("type", t)
                .description("Events published, per type (docs/events.md)").register(registry));
    }

    private Timer failureDetection(String pool, String detectedBy, String since) {
        return timer("poolpair.failure.detection", "From a server's failure (the fault injected into it, else its"
                + " suspicion) to its server-down, emulated", Tags.of("pool", pool, "detected_by", detectedBy, "since", since));
    }

    private Timer routingGroupFailover(String pool) {
        return timer("poolpair.routing.group.failover", "From a server-down to each primary-moved (reason failover) of"
                + " the routing groups whose primary it was, emulated", Tags.of("pool", pool));
    }

    private Timer poolFailover(String pool, String mode) {
        return timer("poolpair.pool.failover", "Pool failover of a home pool, PoolState FailingOver to FailedOver,"
                + " emulated", Tags.of("pool", pool, "mode", mode));
    }

    private Timer timer(String name, String description, Tags tags) {
        return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
    }

    /** Every event, in order, on the publisher's thread under the bus's lock: counts and a few maps, nothing more. */
    private synchronized void onEvent(FailoverEvent e) {
        eventCounter(e.type()).increment();
        long ms = e.time().emulatedMs();
        String server = e.where().server();
        String pool = e.where().pool();
        if (e instanceof FailoverEvent.FaultInjected f && server != null) {
            faultAtMs.putIfAbsent(server, ms);
        } else if (e instanceof FailoverEvent.FaultHealed && server != null) {
            faultAtMs.remove(server);
            suspectedAtMs.remove(server);
        } else if (e instanceof FailoverEvent.ServerSuspected && server != null) {
            suspectedAtMs.putIfAbsent(server, ms);
        } else if (e instanceof FailoverEvent.ServerDown d && server != null) {
            Long fault = faultAtMs.remove(server);
            Long suspected = suspectedAtMs.remove(server);
            if (!d.detectedBy().equals("drain")) {
                Long from = fault != null ? fault : suspected;
                if (from != null) {
                    failureDetection(pool, d.detectedBy(), fault != null ? "fault" : "suspected")
                            .record(Math.max(0, ms - from), TimeUnit.MILLISECONDS);
                }
                downAtMs.put(server, ms);
            }
        } else if (e instanceof FailoverEvent.ServerUp && server != null) {
            faultAtMs.remove(server);
            suspectedAtMs.remove(server);
            downAtMs.remove(server);
        } else if (e instanceof FailoverEvent.PrimaryMoved m && m.reason().equals("failover") && m.fromServer() != null) {
            Long down = downAtMs.get(m.fromServer());
            if (down != null) routingGroupFailover(pool).record(Math.max(0, ms - down), TimeUnit.MILLISECONDS);
        } else if (e instanceof FailoverEvent.PoolFailoverState s && pool != null) {
            if (s.to().equals("FailingOver")) {
                failingOverAtMs.put(pool, ms);
                failingOverMode.put(pool, s.detail() != null && s.detail().startsWith("disaster") ? "disaster" : "planned");
            } else {
                Long at = failingOverAtMs.remove(pool);
                String mode = failingOverMode.remove(pool);
                if (at != null && s.to().equals("FailedOver")) {
                    poolFailover(pool, mode).record(Math.max(0, ms - at), TimeUnit.MILLISECONDS);
                }
            }
        }
    }
}
