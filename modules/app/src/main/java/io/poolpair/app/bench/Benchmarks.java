package io.poolpair.app.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Poolpair's benchmarks (not tests): {@code java -cp poolpair.jar io.poolpair.app.bench.Benchmarks [name...]}.
 * Results are plain lines {@code bench NAME metric=value unit} on standard output, so scripts can grep them;
 * everything else (the emulator's failover timeline, progress) is noise around them. {@code scripts/bench}
 * runs them with the launcher's JVM flags, one fresh JVM per startup measurement, and prints the machine;
 * docs/benchmarks.md has the numbers.
 *
 * <ul>
 *   <li>{@code failover-12fe}: one 12-FE SfB 2015 pool with 80,000 users; wall time from a kill (and a hang) of
 *       a Front End to the last primary-moved of the routing groups whose primary it was.</li>
 *   <li>{@code startup}: wall time from JVM start to "every server up and every Front End pool running" for
 *       the built-in default topology. Meaningful only as the first thing a fresh JVM does.</li>
 *   <li>{@code default-run-heap}: the default run ({@code poolpair run}, in this JVM) with heap sampling:
 *       exit code, wall time, peak heap used, largest live heap after a GC.</li>
 *   <li>{@code dr-failover}: two paired 16-FE SfB 2019 pools; wall time from failover-pool (disaster mode) of
 *       a 53,000-user pool whose Front Ends died to its users served in normal mode by the backup pool; also
 *       106,000 users ({@link DrBench}).</li>
 *   <li>{@code backup-lag}: the default topology at 1,000 writes/s per pool; Backup Service lag per direction
 *       against the sync interval, writes shipped, process CPU.</li>
 *   <li>{@code check-history}: the three checkers over a 10-million-operation history (one emulated hour of
 *       40,000 busy users), streamed: wall time and heap ({@link CheckBench}).</li>
 *   <li>{@code events-throughput}: the event bus with events.jsonl, the console timeline and the history listener,
 *       fed by several threads at 1,000 to 5,000 events/s and flat out: events/s sustained, publish latency
 *       ({@link EventsThroughputBench}).</li>
 * </ul>
 *
 * Knobs are system properties ({@code -Dbench.reps=20} ...), listed with each benchmark. Exit code 0 when every
 * named benchmark ran (whether or not it met its target: that is reported, not enforced), 1 when one failed,
 * 2 for an unknown name.
 */
public final class Benchmarks {

    interface Bench {
        void run() throws Exception;
    }

    private Benchmarks() {}

    public static void main(String[] args) {
        Map<String, Bench> all = new LinkedHashMap<>();
        all.put("failover-12fe", FailoverBench::run);
        all.put("startup", StartupBench::run);
        all.put("default-run-heap", DefaultRunHeapBench::run);
        all.put("dr-failover", DrBench::runFailover);
        all.put("backup-lag", DrBench::runBackupLag);
        all.put("check-history", CheckBench::run);
        all.put("events-throughput", EventsThroughputBench::run);
        List<String> names = new ArrayList<>(List.of(args));
        if (names.isEmpty()) names.add("failover-12fe"); // startup and default-run-heap want a fresh JVM each
        for (String n : names) {
            if (!all.containsKey(n)) {
                System.err.println("bench: unknown benchmark '" + n + "'; known: " + String.join(", ", all.keySet()));
                System.exit(2);
            }
        }
        int failed = 0;
        for (String n : names) {
            try {
                all.get(n).run();
                result(n, "status", "ok", "");
            } catch (Exception | AssertionError e) {
                failed++;
                System.err.println("bench " + n + " FAILED: " + e);
                e.printStackTrace(System.err);
                result(n, "status", "failed", "");
            }
        }
        System.out.flush();
        System.exit(failed == 0 ? 0 : 1);
    }

    /** One result line: {@code bench NAME metric=value unit}. */
    static void result(String bench, String metric, Object value, String unit) {
        System.out.println("bench " + bench + " " + metric + "=" + value + (unit == null || unit.isEmpty() ? "" : " " + unit));
        System.out.flush();
    }

    /** Progress and notes, on standard error (not a result). */
    static void note(String bench, String text) {
        System.err.println("[bench " + bench + "] " + text);
        System.err.flush();
    }

    /** A comma-separated list of whole numbers (a knob such as {@code bench.groups=480,120}). */
    static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String x : csv.split(",")) if (!x.isBlank()) out.add(Integer.parseInt(x.trim()));
        return out;
    }

    /** A number without a trailing ".0" when it is whole. */
    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static int intProp(String key, int dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? dflt : Integer.parseInt(v.trim());
    }

    static String prop(String key, String dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }
}
