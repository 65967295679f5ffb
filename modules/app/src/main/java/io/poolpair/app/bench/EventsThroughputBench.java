package io.poolpair.app.bench;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.HistoryLog;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code events-throughput}: how many events per second the event bus takes, and how long one {@code publish} holds
 * its caller (an actor, in a run), with everything a run's bus does: {@code events.jsonl} in a temporary folder,
 * the console timeline through Logback (logger {@code poolpair.timeline} at INFO, the app's logback.xml: standard
 * output, which {@code scripts/bench} sends to a file), the in-memory history and the run's {@code history.jsonl}
 * listener.
 *
 * <p>{@code bench.publishers} threads (default 4, as actors on Pekko's dispatcher) publish a mix of real event
 * types (primary-moved, load-redistributed, server-down, server-up, users-moved, backup-state, fault-injected) on a
 * fixed schedule, open loop: each event is due at {@code start + k / rate}, and a publisher that falls behind
 * publishes at once, so a stalled bus shows as lateness. Each rate in {@code bench.rates} (events/s in total,
 * default {@code 1000,2000,5000}) runs {@code bench.seconds} (default 10), then a phase without a schedule
 * ({@code max}: every publisher as fast as it can) measures the ceiling. Per phase: events/s achieved, publish
 * latency p50 / p99 / p99.9 / max (µs), how late the last and the worst event ran against the schedule, how long
 * {@code close()} took, and whether {@code events.jsonl} holds every event once (lines counted after close).
 *
 * <p>A control without the journal's I/O: {@code -Dbench.events-file=false} (no {@code events.jsonl}) with
 * {@code POOLPAIR_TIMELINE_LEVEL=OFF} in the environment (no console lines): what is left is the lock, the
 * listeners, the machine and the garbage collector.
 */
final class EventsThroughputBench {

    private static final String NAME = "events-throughput";

    private EventsThroughputBench() {}

    static void run() throws Exception {
        int publishers = Benchmarks.intProp("bench.publishers", 4);
        boolean file = Boolean.parseBoolean(Benchmarks.prop("bench.events-file", "true"));
        int seconds = Benchmarks.intProp("bench.seconds", 10);
        String rates = Benchmarks.prop("bench.rates", "1000,2000,5000");
        Path dir = Files.createTempDirectory("poolpair-bench-events");
        Benchmarks.note(NAME, "publishers " + publishers + ", " + seconds + " s per phase, rates " + rates + " events/s, then max;"
                + (file ? " files in " + dir : " no events.jsonl (bench.events-file=false)"));
        // warm-up: the JIT, Logback's first lines, the file system
        phase(dir, file, "warmup", 2000, publishers, 2, false);
        for (String r : rates.split(",")) {
            int rate = Integer.parseInt(r.trim());
            phase(dir, file, "rate" + rate, rate, publishers, seconds, true);
        }
        phase(dir, file, "max", 0, publishers, seconds, true);
    }

    /** One phase on a fresh bus; {@code rate} 0 publishes without a schedule. */
    private static void phase(Path dir, boolean file, String label, int rate, int publishers, int seconds, boolean report)
            throws Exception {
        Path events = file ? dir.resolve("events-" + label + ".jsonl") : null;
        Path history = dir.resolve("history-" + label + ".jsonl");
        HistoryLog log = HistoryLog.to(history);
        EventBus bus = new EventBus(events, true);
        bus.attachHistoryLog(log);
        long durationNs = seconds * 1_000_000_000L;
        long[][] latencies = new long[publishers][];
        int[] counts = new int[publishers];
        long[] worstLateNs = new long[publishers];
        long[] lastLateNs = new long[publishers];
        CountDownLatch ready = new CountDownLatch(publishers);
        CountDownLatch go = new CountDownLatch(1);
        long[] startNs = new long[1];
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                int capacity = rate > 0 ? (int) ((long) rate * seconds / publishers) + 16 : 1 << 20;
                long[] lat = new long[capacity];
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                long start = startNs[0];
                long end = start + durationNs;
                double periodNs = rate > 0 ? 1e9 * publishers / rate : 0;
                // publishers are offset within one period, so their events interleave instead of coming in bursts
                double offsetNs = periodNs * id / publishers;
                int n = 0;
                while (n < lat.length) {
                    long now = System.nanoTime();
                    if (rate > 0) {
                        long due = start + (long) (offsetNs + n * periodNs);
                        if (due >= end) break;
                        if (due > now) {
                            LockSupport.parkNanos(due - now);
                            now = System.nanoTime();
                        }
                        long late = now - due;
                        if (late > worstLateNs[id]) worstLateNs[id] = late;
                        lastLateNs[id] = late;
                    } else if (now >= end) {
                        break;
                    }
                    FailoverEvent e = event(id, n);
                    long t0 = System.nanoTime();
                    bus.publish(e);
                    lat[n++] = System.nanoTime() - t0;
                }
                latencies[id] = Arrays.copyOf(lat, n);
                counts[id] = n;
            }, "bench-publisher-" + id);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        ready.await();
        startNs[0] = System.nanoTime();
        go.countDown();
        for (Thread t : threads) t.join();
        long publishedNs = System.nanoTime() - startNs[0];
        long c0 = System.nanoTime();
        bus.close();
        log.close();
        long closeNs = System.nanoTime() - c0;
        int total = Arrays.stream(counts).sum();
        long lines = file ? countLines(events) : total;
        if (!report) return;
        long[] all = new long[total];
        int k = 0;
        for (long[] l : latencies) {
            System.arraycopy(l, 0, all, k, l.length);
            k += l.length;
        }
        Arrays.sort(all);
        String m = label + ".";
        Benchmarks.result(NAME, m + "offered", rate > 0 ? rate : "max", rate > 0 ? "events/s" : "");
        Benchmarks.result(NAME, m + "published", total, "events");
        Benchmarks.result(NAME, m + "achieved", String.format(Locale.ROOT, "%.0f", total / (publishedNs / 1e9)), "events/s");
        Benchmarks.result(NAME, m + "publish_p50", us(percentile(all, 0.50)), "us");
        Benchmarks.result(NAME, m + "publish_p99", us(percentile(all, 0.99)), "us");
        Benchmarks.result(NAME, m + "publish_p999", us(percentile(all, 0.999)), "us");
        Benchmarks.result(NAME, m + "publish_max", us(all.length == 0 ? 0 : all[all.length - 1]), "us");
        if (rate > 0) {
            Benchmarks.result(NAME, m + "late_worst", ms(Arrays.stream(worstLateNs).max().orElse(0)), "ms");
            Benchmarks.result(NAME, m + "late_at_end", ms(Arrays.stream(lastLateNs).max().orElse(0)), "ms");
        }
        Benchmarks.result(NAME, m + "close", ms(closeNs), "ms");
        if (file) {
            Benchmarks.result(NAME, m + "file_lines", lines, "");
            Benchmarks.result(NAME, m + "file_complete", lines == total ? "yes" : "no", "");
        }
        if (lines != total) throw new AssertionError(label + ": events.jsonl has " + lines + " lines for " + total + " events");
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static String us(long ns) {
        return String.format(Locale.ROOT, "%.1f", ns / 1e3);
    }

    private static String ms(long ns) {
        return String.format(Locale.ROOT, "%.1f", ns / 1e6);
    }

    private static long countLines(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long n = 0;
            while (r.readLine() != null) n++;
            return n;
        }
    }

    /** The {@code n}th event of publisher {@code id}: a mix of the types a failover publishes, with real sizes. */
    private static FailoverEvent event(int id, int n) {
        long wall = System.currentTimeMillis();
        Time t = new Time(wall, n * 25L);
        String pool = id % 2 == 0 ? "pool-a" : "pool-b";
        String site = id % 2 == 0 ? "site-a" : "site-b";
        String p = id % 2 == 0 ? "a-fe" : "b-fe";
        String server = p + (1 + n % 6);
        return switch (n % 10) {
            case 0, 1, 2, 3 -> new FailoverEvent.PrimaryMoved(t, Where.groupOnServer(site, pool, server, n % 120), p + (1 + (n + 1) % 6),
                    server, n, "failover", 150);
            case 4 -> {
                Map<String, Integer> load = new LinkedHashMap<>();
                for (int i = 1; i <= 6; i++) load.put(p + i, 3000 + (n + i) % 600);
                yield new FailoverEvent.LoadRedistributed(t, Where.pool(site, pool), "users", load, server + " down");
            }
            case 5 -> new FailoverEvent.ServerDown(t, Where.server(site, pool, server), "terminated");
            case 6 -> new FailoverEvent.ServerUp(t, Where.server(site, pool, server));
            case 7 -> new FailoverEvent.UsersMoved(t, Where.pool(site, pool), 18000, "normal", "signed-out", pool,
                    "pool " + pool + " is down");
            case 8 -> new FailoverEvent.BackupState(t, Where.pool(site, pool), pool, id % 2 == 0 ? "pool-b" : "pool-a",
                    "UserServices.PresenceFocus", "steady", 75_560, 111);
            default -> new FailoverEvent.FaultInjected(t, Where.server(site, pool, server), "kill");
        };
    }
}
