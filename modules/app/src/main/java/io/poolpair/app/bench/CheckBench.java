package io.poolpair.app.bench;

import io.poolpair.model.check.CheckResult;
import io.poolpair.model.check.Checks;
import io.poolpair.model.dr.Operation;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;
import io.poolpair.model.workload.Workload;
import io.poolpair.model.workload.WorkloadSettings;
import io.poolpair.runtime.journal.HistoryJson;

import java.io.BufferedWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code check-history}: the checkers over a long history. Generates (once, kept in {@code bench.check.file})
 * one emulated hour of {@code bench.check.users} (40,000) busy users in two pools — the workload model with
 * the default mix at the rate that makes {@code bench.check.operations} (10,000,000) operations — with a Front
 * End killed at 20 min (its routing groups' users fail until re-primaried 30 s later, retrying every 5 s), a
 * disaster-mode failover of pool-a at 40 min (writes after the last sync lost, a declared loss window), and
 * every user's final read. Then times one pass of the three standard checkers over the file and samples the
 * heap. Target: <= 30 s and <= 2 GiB heap.
 */
final class CheckBench {

    private static final String NAME = "check-history";

    private CheckBench() {}

    static void run() throws Exception {
        int users = Benchmarks.intProp("bench.check.users", 40_000);
        long operations = Long.parseLong(System.getProperty("bench.check.operations", "10000000"));
        Path file = Path.of(System.getProperty("bench.check.file",
                System.getProperty("java.io.tmpdir") + "/poolpair-check-bench-" + users + "-" + operations + ".jsonl"));
        Benchmarks.result(NAME, "users", users, "");
        Benchmarks.result(NAME, "operations_target", operations, "");
        if (!Files.exists(file)) {
            long t0 = System.nanoTime();
            long written = generate(file, users, operations);
            Benchmarks.note(NAME, "generated " + written + " operations in " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + file);
        } else {
            Benchmarks.note(NAME, "reusing " + file);
        }
        Benchmarks.result(NAME, "history_file_bytes", Files.size(file), "bytes");
        System.gc();
        long t0;
        long ms;
        Checks.Verdict v;
        long peakMiB;
        long liveMiB;
        try (HeapWatch heap = new HeapWatch()) {
            t0 = System.nanoTime();
            try (HistoryJson.Reader r = HistoryJson.open(file)) {
                v = Checks.run(r, Checks.standard());
            }
            ms = (System.nanoTime() - t0) / 1_000_000;
            peakMiB = heap.peakUsed() / (1024 * 1024);
            liveMiB = heap.peakLiveAfterGc() / (1024 * 1024);
        }
        Benchmarks.result(NAME, "records", v.records(), "");
        Benchmarks.result(NAME, "check_wall", ms, "ms");
        Benchmarks.result(NAME, "records_per_second", Math.round(v.records() * 1000.0 / Math.max(1, ms)), "");
        Benchmarks.result(NAME, "peak_heap_used", peakMiB, "MiB (sampled, garbage included)");
        Benchmarks.result(NAME, "peak_live_heap_after_gc", liveMiB, "MiB");
        Benchmarks.result(NAME, "max_heap", Runtime.getRuntime().maxMemory() / (1024 * 1024), "MiB (-Xmx)");
        for (CheckResult c : v.results()) {
            Benchmarks.result(NAME, c.checker() + ".valid", c.valid(), "");
        }
        Benchmarks.result(NAME, "figures", v.figures(), "");
        Benchmarks.result(NAME, "target_met", ms <= 30_000 && peakMiB <= 2048, "(<= 30 s, <= 2 GiB)");
    }

    /** Writes the synthetic hour; returns the operations written. */
    private static long generate(Path file, int users, long operations) throws Exception {
        long hourMs = 3_600_000;
        double perUserPerMinute = operations / 60.0 / users;
        String[] pools = {"pool-a", "pool-b"};
        int perPool = users / pools.length;
        WorkloadSettings ws = new WorkloadSettings(perPool, perUserPerMinute, 5_000, WorkloadSettings.defaultMix(), 1);
        SplittableRandom random = new SplittableRandom(1);
        Workload[] w = {new Workload(perPool, ws, random.split(), 0), new Workload(perPool, ws, random.split(), 0)};
        int groups = 120;
        long[][][] data = new long[2][perPool][];
        int[][] counts = new int[2][perPool];
        long nextId = 1;
        long killAt = 20 * 60_000L, repairedAt = killAt + 30_000, syncAt = 38 * 60_000L, failoverAt = 40 * 60_000L;
        long failoverDoneAt = failoverAt + 120_000;
        long written = 0;
        try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 1 << 20)) {
            HistoryJson.write(out, new HistoryRecord.Header(1, "check-bench", 1, 120_000, 30_000, 1, "virtual", 0, 0));
            boolean killed = false, siteLost = false, failedOver = false;
            for (long t = 0; t <= hourMs; t += 500) {
                if (!killed && t >= killAt) {
                    killed = true;
                    HistoryJson.write(out, new Nemesis(Type.OK, Nemesis.Category.FAULT, "kill", "a-fe3", "kill a-fe3", t, t));
                }
                if (!siteLost && t >= failoverAt - 60_000) {
                    siteLost = true;
                    HistoryJson.write(out, new Nemesis(Type.OK, Nemesis.Category.FAULT, "kill-site", "site-a", "site-a lost", t, t));
                    HistoryJson.write(out, new ModelFact("pool-quorum-lost", "pool-a", null, -1, -1, null, t, t));
                }
                if (!failedOver && t >= failoverAt) {
                    failedOver = true;
                    HistoryJson.write(out, new Nemesis(Type.OK, Nemesis.Category.ADMIN, "failover-pool", "{disaster=true, pool=pool-a}",
                            "failover of pool-a's users to pool-b started (disaster mode)", t, t));
                    HistoryJson.write(out, new ModelFact("loss-window", "pool-a", null, -1, syncAt, "disaster-failover", t, t));
                    // the writes pool-a acknowledged after the last sync are gone from what its users will read
                    for (int u = 0; u < perPool; u++) {
                        long[] ids = data[0][u];
                        int n = counts[0][u];
                        while (n > 0 && ids[n - 1] < 0) n--;
                        counts[0][u] = n;
                    }
                    HistoryJson.write(out, new ModelFact("users-moved", "pool-b", "pool-a", -1, -1, "normal", failoverDoneAt, failoverDoneAt));
                    HistoryJson.write(out, new ModelFact("failover-completed", null, "pool-a", -1, -1, "users served by pool-b", failoverDoneAt, failoverDoneAt));
                }
                for (int p = 0; p < 2; p++) {
                    for (Workload.Planned op : w[p].due(t)) {
                        String user = pools[p] + "/u" + op.user();
                        int slot = op.slot();
                        int group = slot % groups;
                        boolean write = op.op().persistentWrite();
                        long id = write ? nextId++ : -1;
                        HistoryJson.write(out, ClientOp.invoke(user, pools[p], op.op().label(), id, t, t));
                        boolean siteDown = p == 0 && t >= failoverAt - 60_000 && t < failoverDoneAt;
                        boolean groupDown = p == 0 && group < 10 && t >= killAt && t < repairedAt;
                        String pool = p == 0 && t >= failoverDoneAt ? "pool-b" : pools[p];
                        long at = t + 40;
                        if (siteDown || groupDown) {
                            HistoryJson.write(out, new ClientOp(Type.FAIL, user, pools[p], op.op().label(), id, null, null, null,
                                    -1, -1, siteDown ? "signed out: no Registrar reachable" : "routing group not served", false, -1, at, at));
                            w[p].completed(slot, false, at);
                        } else {
                            // pool-a's groups 0-9 had their primary on the killed a-fe3: re-primaried at epoch 2
                            long epoch = pool.equals("pool-a") && group < 10 && t >= repairedAt ? 2 : 1;
                            String server = (pool.equals("pool-a") ? "a-fe" : "b-fe") + (1 + (group + (int) epoch) % 6);
                            HistoryJson.write(out, new ClientOp(Type.OK, user, pools[p], op.op().label(), id, null, pool, server,
                                    group, epoch, null, false, at - 20, at, at));
                            w[p].completed(slot, true, at);
                            if (write) {
                                int u = slot;
                                if (data[p][u] == null) data[p][u] = new long[8];
                                if (counts[p][u] == data[p][u].length) data[p][u] = Arrays.copyOf(data[p][u], counts[p][u] * 2);
                                // writes of pool-a after the last sync and before the failover are marked to be lost
                                boolean atRisk = p == 0 && at > syncAt && at < failoverAt;
                                data[p][u][counts[p][u]++] = atRisk ? -id : id;
                            }
                        }
                        written++;
                    }
                }
            }
            for (int p = 0; p < 2; p++) {
                for (int u = 0; u < perPool; u++) {
                    long[] ids = data[p][u] == null ? new long[0] : data[p][u];
                    long[] kept = Arrays.stream(ids, 0, counts[p][u]).filter(x -> x > 0).toArray();
                    String user = pools[p] + "/u" + w[p].user(u);
                    HistoryJson.write(out, new ClientOp(Type.OK, user, pools[p], "read", -1, kept, p == 0 ? "pool-b" : pools[p],
                            null, -1, -1, null, false, hourMs, hourMs, hourMs));
                }
            }
        }
        return written;
    }
}
