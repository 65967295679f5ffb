package io.poolpair.app.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gauges of one name whose label sets come from each sample: values change in place, and a label set that a sample no
 * longer has (the CMS direction after a CMS failover) is removed. Only one thread at a time sets a sample.
 */
final class GaugeFamily {
    private final MultiGauge gauge;
    private final Map<Tags, Value> values = new HashMap<>();

    GaugeFamily(MeterRegistry registry, String name, String baseUnit, String description) {
        MultiGauge.Builder b = MultiGauge.builder(name).description(description);
        if (baseUnit != null) b.baseUnit(baseUnit);
        this.gauge = b.register(registry);
    }

    // the families a single-JVM control plane and a cluster node both serve (docs/http-api.md#metrics)

    static GaugeFamily serversUp(MeterRegistry r) {
        return new GaugeFamily(r, "poolpair.servers.up", null, "Servers whose pool sees them up (observed 'up' in /api/status), per pool");
    }

    static GaugeFamily servers(MeterRegistry r) {
        return new GaugeFamily(r, "poolpair.servers", null, "Servers in the pool, per pool");
    }

    static GaugeFamily routingGroups(MeterRegistry r) {
        return new GaugeFamily(r, "poolpair.routing.groups", null,
                "Routing groups of a Front End pool per state (healthy, degraded, quorum-loss, lost, offline)");
    }

    static GaugeFamily backupLag(MeterRegistry r) {
        return new GaugeFamily(r, "poolpair.backup.lag", "seconds",
                "Backup Service replication lag per direction: age of the oldest write not shipped yet, emulated seconds");
    }

    static GaugeFamily backupPending(MeterRegistry r) {
        return new GaugeFamily(r, "poolpair.backup.pending", "writes", "Backup Service writes waiting to be shipped, per direction");
    }

    synchronized void set(Map<Tags, Double> sample) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (Map.Entry<Tags, Double> e : sample.entrySet()) {
            Value v = values.computeIfAbsent(e.getKey(), k -> new Value());
            v.value = e.getValue();
            rows.add(MultiGauge.Row.of(e.getKey(), v, x -> x.value));
        }
        values.keySet().retainAll(sample.keySet());
        gauge.register(rows, false);
    }

    private static final class Value {
        volatile double value;
    }
}
