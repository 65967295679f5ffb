package io.poolpair.app.bench;

import io.poolpair.app.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code default-run-heap}: the default run ({@code poolpair run}: built-in topology and scenario) in this JVM,
 * through the same entry point as the jar, with the heap watched from inside ({@link HeapWatch}). Run it in a
 * fresh JVM with the launcher's flags and the {@code -Xmx} to try; {@code scripts/bench} adds the peak RSS from
 * outside. {@code bench.label} names the result lines (default: xmx and the JVM's max heap in MiB).
 */
final class DefaultRunHeapBench {

    static final String NAME = "default-run-heap";
    private static final double MIB = 1024.0 * 1024.0;

    private DefaultRunHeapBench() {}

    static void run() throws Exception {
        String label = Benchmarks.prop("bench.label", "xmx" + Math.round(Runtime.getRuntime().maxMemory() / MIB));
        Path out = Files.createTempDirectory("poolpair-bench-run");
        int rc;
        long wallNs;
        HeapWatch w = new HeapWatch();
        try {
            long t0 = System.nanoTime();
            rc = Main.execute("run", "--out", out.toString());
            wallNs = System.nanoTime() - t0;
        } finally {
            w.close();
            FailoverBench.deleteTree(out);
        }
        Benchmarks.result(NAME, label + ".max_heap", mib(Runtime.getRuntime().maxMemory()), "MiB");
        Benchmarks.result(NAME, label + ".exit_code", rc, "");
        Benchmarks.result(NAME, label + ".wall", Math.round(wallNs / 1e6), "ms");
        Benchmarks.result(NAME, label + ".heap_peak_used", mib(w.peakUsed()), "MiB");
        Benchmarks.result(NAME, label + ".heap_peak_live_after_gc", w.peakLiveAfterGc() < 0 ? "n/a" : mib(w.peakLiveAfterGc()), "MiB");
        Benchmarks.result(NAME, label + ".heap_peak_committed", mib(w.peakCommitted()), "MiB");
        Benchmarks.result(NAME, label + ".gc_count", w.gcs(), "");
        Benchmarks.result(NAME, label + ".gc_time", w.gcMillis(), "ms");
        if (rc != 0) throw new IllegalStateException("poolpair run exited with " + rc);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }
}
