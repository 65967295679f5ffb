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
