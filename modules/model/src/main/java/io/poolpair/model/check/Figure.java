package io.poolpair.model.check;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The names of the figures a run's checkers measure ({@link Figures}), each with its unit. Scenario figure
 * expectations ({@code { expect = lost-writes, equals = 0 }}) name exactly these; docs/scenarios.md lists them.
 */
public enum Figure {
    LOST_WRITES("lost-writes", Unit.COUNT, true,
            "acknowledged writes missing at the end of the run"),
    UNEXPLAINED_LOST_WRITES("unexplained-lost-writes", Unit.COUNT, true,
            "lost writes outside every loss window the model declared (loss-window records in the history)"),
    RPO("rpo", Unit.DURATION_MS, true,
            "the largest measured loss window: from the oldest to the newest lost acknowledged write of one loss"),
    OUTAGE_P50("outage-p50", Unit.DURATION_MS, true,
            "median outage of the affected users: from a fault to the user's first successful operation after it"),
    OUTAGE_P99("outage-p99", Unit.DURATION_MS, true,
            "99th percentile of the affected users' outages"),
    OUTAGE_MAX("outage-max", Unit.DURATION_MS, true,
            "longest outage of an affected user"),
    AFFECTED_USERS("affected-users", Unit.COUNT, true,
            "users who lost service after a fault (counted once per fault)"),
    REFUSED_BY_RESILIENCY("refused-by-resiliency", Unit.COUNT, true,
            "operations refused by the user's mode (Resiliency mode, a read-only pool during a planned failover)"),
    FAILED_OPERATIONS("failed-operations", Unit.COUNT, true,
            "operations that failed (no server answered, a routing group not served); refusals by the user's mode are"
                    + " counted apart, as refused-by-resiliency"),
    PROCEDURAL_RTO("procedural-rto", Unit.DURATION_MS, true,
            "the longest admin pool failover or failback: from the first verb of its procedure (failover-cms,"
                    + " set-edge-next-hop, move-federation-route, failover-pool, failback-pool; refused ones included)"
                    + " to the pool's FailedOver or FailedBack"),
    SANITY_VIOLATIONS("sanity-violations", Unit.COUNT, false,
            "breaches of the emulator's own invariants found in the history (two primaries of one routing group,"
                    + " a write acknowledged by a stale primary, ...)");

    /** What a figure counts. */
    public enum Unit {
        /** a number of things (writes, users, operations, violations); absent reads as 0 */
        COUNT,
        /** emulated milliseconds; absent means there was nothing to time */
        DURATION_MS
    }

    private final String label;
    private final Unit unit;
    private final boolean perPool;
    private final String meaning;

    Figure(String label, Unit unit, boolean perPool, String meaning) {
        this.label = label;
        this.unit = unit;
        this.perPool = perPool;
        this.meaning = meaning;
    }

    /** The name scenarios and {@link Figures#get} use, e.g. {@code lost-writes}. */
    public String label() { return label; }

    public Unit unit() { return unit; }

    public boolean isDuration() { return unit == Unit.DURATION_MS; }

    /** Whether the figure can be asked for one Front End pool's users ({@code pool = "pool-a"}). */
    public boolean perPool() { return perPool; }

    /** What it measures, in one phrase. */
    public String meaning() { return meaning; }

    public static Figure parse(String label) {
        for (Figure f : values()) if (f.label.equals(label)) return f;
        return null;
    }

    /** Every label, comma-separated, in declaration order. */
    public static String allowed() {
        return Arrays.stream(values()).map(Figure::label).collect(Collectors.joining(", "));
    }
}
