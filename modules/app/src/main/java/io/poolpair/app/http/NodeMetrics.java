package io.poolpair.app.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.poolpair.cluster.ClusterDeployment;
import io.poolpair.cluster.DeploymentEvents;
import io.poolpair.model.event.EventTypes;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import io.poolpair.runtime.users.PoolUsers;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code GET /metrics} on a cluster node (docs/http-api.md#cluster-nodes): the deployment from this node's view, through
 * Micrometer in the Prometheus text format. Every {@link Metrics#SAMPLE_INTERVAL} a background thread asks every pool's
 * supervisor and every pair's half for their status (the asks of {@code /api/status}, without waiting on a thread);
 * a scrape reads the last answers. A pool or pair that did not answer keeps its last values. Events are counted as
 * this node receives them from every node.
 */
final class NodeMetrics implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<CompletableFuture<NodeControlPlane.Snapshot>> snapshot;
    private final ScheduledExecutorService sampler;
    private final DeploymentEvents events;
    private final Consumer<DeploymentEvents.Entry> counting;
    private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();
    private final GaugeFamily serversUp;
    private final GaugeFamily servers;
    private final GaugeFamily routingGroups;
    private final GaugeFamily users;
    private final GaugeFamily backupLag;
    private final GaugeFamily backupPending;
    private final Map<String, PoolView> lastPools = new LinkedHashMap<>();
    private final Map<String, PoolUsers.PairStatus> lastPairs = new LinkedHashMap<>();
    private final AtomicInteger answered = new AtomicInteger();
    private volatile boolean sampling;

    NodeMetrics(ClusterDeployment deployment, Supplier<CompletableFuture<NodeControlPlane.Snapshot>> snapshot) {
        this.snapshot = snapshot;
        this.events = deployment.events();
        serversUp = GaugeFamily.serversUp(registry);
        servers = GaugeFamily.servers(registry);
        routingGroups = GaugeFamily.routingGroups(registry);
        users = new GaugeFamily(registry, "poolpair.users.served", null,
                "Users of a Front End pool its Front Ends serve now (offered minus unserved)");
        backupLag = GaugeFamily.backupLag(registry);
        backupPending = GaugeFamily.backupPending(registry);
        Gauge.builder("poolpair.emulated", deployment, d -> d.clock().now().emulatedMs() / 1000.0)
                .description("Emulated time since the run's emulated zero").baseUnit("seconds").register(registry);
        Gauge.builder("poolpair.node.answered", answered, AtomicInteger::get)
                .description("Pools whose supervisor answered this node's last round of asks").register(registry);
        for (String type : EventTypes.ALL) eventCounter(type);
        counting = e -> eventCounter(e.line().type()).increment();
        events.subscribeFrom(Long.MAX_VALUE, counting);
        sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "poolpair-node-metrics");
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleWithFixedDelay(this::sample, 0, Metrics.SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Counter eventCounter(String type) {
        return eventCounters.computeIfAbsent(type, t -> Counter.builder("poolpair.events").tag("type", t)
                .description("Events of every node this node received, per type (docs/events.md)").register(registry));
    }

    HttpResponse scrape() {
        return HttpResponse.create().withStatus(200).withEntity(HttpEntities.create(
                ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8"), registry.scrape().getBytes(StandardCharsets.UTF_8)));
    }

    /** Starts one round of asks unless one is still out; its answers update the gauges. */
    private void sample() {
        if (sampling) return;
        sampling = true;
        snapshot.get().whenComplete((s, ex) -> {
            try {
                if (s != null) update(s);
            } finally {
                sampling = false;
            }
        });
    }

    private synchronized void update(NodeControlPlane.Snapshot s) {
        s.pools().forEach((k, v) -> { if (v != null) lastPools.put(k, v); });
        answered.set((int) s.pools().values().stream().filter(java.util.Objects::nonNull).count());
        s.pairs().forEach((k, v) -> { if (v != null) lastPairs.put(k, v); });
        Map<Tags, Double> up = new LinkedHashMap<>();
        Map<Tags, Double> all = new LinkedHashMap<>();
        Map<Tags, Double> groups = new LinkedHashMap<>();
        Map<Tags, Double> served = new LinkedHashMap<>();
        for (PoolView p : lastPools.values()) {
            Tags where = Tags.of("pool", p.name(), "site", p.site(), "role", p.role());
            long n = p.servers().stream().map(ServerView::observed).filter("up"::equals).count();
            up.put(where, (double) n);
            all.put(where, (double) p.servers().size());
            if (!p.role().equals("front-end")) continue;
            p.groupsByState().forEach((state, count) ->
                    groups.put(Tags.of("pool", p.name(), "site", p.site(), "state", state), count.doubleValue()));
            served.put(Tags.of("pool", p.name(), "site", p.site()), (double) Math.max(0, p.offered() - p.unserved()));
        }
        Map<Tags, Double> lag = new LinkedHashMap<>();
        Map<Tags, Double> pending = new LinkedHashMap<>();
        for (PoolUsers.PairStatus p : lastPairs.values()) {
            if (p.partner() == null) continue;
            Tags t = Tags.of("from", p.pool(), "to", p.partner());
            lag.put(t, p.lagMs() / 1000.0);
            pending.put(t, (double) p.pending());
        }
        serversUp.set(up);
        servers.set(all);
        routingGroups.set(groups);
        users.set(served);
        backupLag.set(lag);
        backupPending.set(pending);
    }

    @Override
    public void close() {
        events.unsubscribe(counting);
        sampler.shutdownNow();
        registry.close();
    }
}
