package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lost acknowledged writes. Every write a user was told succeeded ({@code ok}) must be in that user's final
 * read; a write that failed must not be. A missing write is allowed only inside a loss window the model
 * declared ({@code loss-window}: a disaster-mode pool failover or failback, writes after the last completed
 * Backup Service sync; QuorumLossRecovery, writes after the routing group's last flush) and only if that window,
 * as measured, stays within the Backup Service interval plus {@code rpo-slack}. Anything else fails the run.
 * <p>
 * The measured RPO of a window is the span of acknowledged work it lost: from its oldest lost write to its newest
 * (the replication lag when the data went). A window may start long before its oldest lost write (a pool that
 * was down wrote nothing), so its start is only the bound of what may be lost, not a measure.
 * <p>
 * Memory: per user, the acknowledged writes not yet read (ids, times, pool and group in primitive arrays); a
 * user's state is dropped once its final read is checked.
 */
public final class LostWriteChecker implements Checker {

    private long syncIntervalMs = -1;
    private long rpoSlackMs;
    private final Map<String, UserWrites> users = new HashMap<>();
    private final Map<String, Integer> poolIndex = new HashMap<>();
    private final List<String> pools = new ArrayList<>();
    private final List<Window> windows = new ArrayList<>();
    private final CheckResult.Findings findings = new CheckResult.Findings();
    private long acknowledged;
    private long lost;
    private long unexplained;
    /** home pool -> {lost, unexplained} */
    private final Map<String, long[]> byHome = new java.util.TreeMap<>();
    private long reads;

    /** With the interval and slack taken from the history's header. */
    public LostWriteChecker() {}

    /** With a given interval and slack (the header, if any, wins). */
    public LostWriteChecker(long syncIntervalMs, long rpoSlackMs) {
        this.syncIntervalMs = syncIntervalMs;
        this.rpoSlackMs = rpoSlackMs;
    }

    @Override
    public String name() { return "lost-writes"; }

    @Override
    public void accept(HistoryRecord record) {
        if (record instanceof HistoryRecord.Header h) {
            syncIntervalMs = h.syncIntervalMs();
            rpoSlackMs = h.rpoSlackMs();
        } else if (record instanceof ModelFact f && f.f().equals("loss-window")) {
            windows.add(new Window(f.detail(), f.pool(), f.home(), f.group(), f.fromMs(), f.emulatedMs()));
        } else if (record instanceof ClientOp op) {
            if (op.f().equals("read")) {
                if (op.type() == Type.OK) read(op);
            } else if (op.isWrite()) {
                write(op);
            }
        }
    }

    private void write(ClientOp op) {
        if (op.type() == Type.INVOKE) {
            // open until answered: a client whose process died (a multi-node run's killed node) never records the
            // answer, so the write may or may not have happened
            users.computeIfAbsent(op.user(), u -> new UserWrites(op.home())).invoked(op.write());
            return;
        }
        UserWrites uw = users.get(op.user());
        if (uw != null) uw.answered(op.write());
        switch (op.type()) {
            case OK -> {
                acknowledged++;
                users.computeIfAbsent(op.user(), u -> new UserWrites(op.home()))
                        .ack(op.write(), op.emulatedMs(), pool(op.pool()), op.group());
            }
            case FAIL -> users.computeIfAbsent(op.user(), u -> new UserWrites(op.home())).failed(op.write());
            case INFO -> users.computeIfAbsent(op.user(), u -> new UserWrites(op.home())).unknown(op.write());
            default -> { }
        }
    }

    private void read(ClientOp op) {
        reads++;
        UserWrites w = users.remove(op.user());
        long[] value = op.read() == null ? new long[0] : op.read();
        if (w == null) {
            if (value.length > 0) {
                findings.add(Finding.violation("phantom-write", op.user() + " reads " + value.length
                        + " write(s) nobody made (first id " + value[0] + ")", op.emulatedMs()));
            }
            return;
        }
        long[] sorted = value.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < w.n; i++) {
            if (Arrays.binarySearch(sorted, w.ids[i]) >= 0) continue;
            lost++;
            long[] h = byHome.computeIfAbsent(w.home, x -> new long[2]);
            h[0]++;
            String pool = pools.get(w.pools[i]);
            Window win = covering(pool, w.home, w.groups[i], w.ackMs[i]);
            if (win == null) {
                unexplained++;
                h[1]++;
                findings.add(Finding.violation("unexplained-lost-write", op.user() + ": write " + w.ids[i]
                        + " acknowledged by " + pool + (w.groups[i] >= 0 ? " (routing group " + w.groups[i] + ")" : "")
                        + " at " + seconds(w.ackMs[i]) + " is missing from the final read, outside any loss window the model declared",
                        w.ackMs[i]));
            } else {
                win.lost++;
                win.newestLostMs = Math.max(win.newestLostMs, w.ackMs[i]);
                win.oldestLostMs = win.oldestLostMs < 0 ? w.ackMs[i] : Math.min(win.oldestLostMs, w.ackMs[i]);
                long[] span = win.byHome.computeIfAbsent(w.home, x -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                span[0] = Math.min(span[0], w.ackMs[i]);
                span[1] = Math.max(span[1], w.ackMs[i]);
            }
        }
        for (long id : sorted) {
            if (w.isFailed(id)) {
                findings.add(Finding.violation("failed-write-present", op.user() + ": write " + id
                        + " was reported failed but is in the final read", op.emulatedMs()));
            } else if (!w.isAcked(id) && !w.isUnknown(id)) {
                findings.add(Finding.violation("phantom-write", op.user() + ": the final read holds write " + id
                        + ", which the user never made", op.emulatedMs()));
            }
        }
    }

    private Window covering(String pool, String home, int group, long ackMs) {
        Window best = null;
        for (Window w : windows) {
            if (w.pool.equals(pool) && (w.home == null || w.home.equals(home)) && (w.group < 0 || w.group == group)
                    && ackMs >= w.fromMs && ackMs <= w.toMs) {
                if (best == null || w.fromMs < best.fromMs) best = w;
            }
        }
        return best;
    }

    private int pool(String name) {
        String n = name == null ? "?" : name;
        Integer i = poolIndex.get(n);
        if (i == null) {
            i = pools.size();
            pools.add(n);
            poolIndex.put(n, i);
        }
        return i;
    }

    @Override
    public long violationsSoFar() { return findings.violations(); }

    @Override
    public long noticesSoFar() { return findings.notices(); }

    @Override
    public CheckResult result() {
        long unread = 0;
        for (UserWrites w : users.values()) unread += w.n;
        if (unread > 0) {
            findings.add(Finding.notice("unread-writes", unread + " acknowledged write(s) of " + users.size()
                    + " user(s) were never read back (no final read for them): not checked", -1));
        }
        long bound = syncIntervalMs < 0 ? Long.MAX_VALUE : syncIntervalMs + rpoSlackMs;
        long rpo = -1;
        Map<String, Long> rpoByPool = new java.util.TreeMap<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (Window w : windows) {
            long measured = w.lost == 0 ? 0 : w.newestLostMs - w.oldestLostMs;
            if (w.lost > 0) {
                rpo = Math.max(rpo, measured);
                // per home pool: the span of that pool's users' writes the window lost
                for (Map.Entry<String, long[]> e : w.byHome.entrySet()) {
                    rpoByPool.merge(e.getKey(), e.getValue()[1] - e.getValue()[0], Math::max);
                }
            }
            if (w.lost > 0 && measured > bound) {
                findings.add(Finding.violation("rpo-exceeded", w.kind + " of " + w.pool + (w.group >= 0 ? " group " + w.group : "")
                        + " at " + seconds(w.toMs) + ": the lost writes span " + seconds(measured) + " of acknowledged work (from "
                        + seconds(w.oldestLostMs) + " to " + seconds(w.newestLostMs) + "), more than the " + seconds(syncIntervalMs)
                        + " " + (w.group >= 0 ? "" : "Backup Service ") + "interval + " + seconds(rpoSlackMs) + " slack", w.toMs));
            }
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("kind", w.kind);
            d.put("pool", w.pool);
            d.put("home", w.home);
            d.put("group", w.group);
            d.put("fromMs", w.fromMs);
            d.put("toMs", w.toMs);
            d.put("lostWrites", w.lost);
            d.put("oldestLostMs", w.oldestLostMs);
            d.put("newestLostMs", w.newestLostMs);
            d.put("rpoMs", measured);
            d.put("rpoBoundMs", syncIntervalMs < 0 ? -1 : bound);
            details.add(d);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("acknowledged-writes", (double) acknowledged);
        figures.put("lost-writes", (double) lost);
        figures.put("unexplained-lost-writes", (double) unexplained);
        if (rpo >= 0) figures.put("rpo", (double) rpo);
        figures.put("final-reads", (double) reads);
        for (Map.Entry<String, long[]> e : byHome.entrySet()) {
            figures.put("lost-writes@" + e.getKey(), (double) e.getValue()[0]);
            figures.put("unexplained-lost-writes@" + e.getKey(), (double) e.getValue()[1]);
        }
        for (Map.Entry<String, Long> e : rpoByPool.entrySet()) figures.put("rpo@" + e.getKey(), (double) e.getValue());
        return findings.result(name(), figures, details);
    }

    private static String seconds(long ms) {
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    private static final class Window {
        final String kind;
        final String pool;
        final String home;
        final int group;
        final long fromMs;
        final long toMs;
        long lost;
        long newestLostMs = -1;
        long oldestLostMs = -1;
        /** home pool -> {oldest, newest} of its users' writes this window lost */
        final Map<String, long[]> byHome = new java.util.TreeMap<>();

        Window(String kind, String pool, String home, int group, long fromMs, long toMs) {
            this.kind = kind;
            this.pool = pool;
            this.home = home;
            this.group = group;
            this.fromMs = fromMs;
            this.toMs = toMs;
        }
    }

    /** One user's writes: acknowledged (with time, pool, group), failed, and of unknown outcome. */
    private static final class UserWrites {
        final String home;
        long[] ids = new long[4];
        long[] ackMs = new long[4];
        int[] pools = new int[4];
        int[] groups = new int[4];
        int n;
        long[] failed = new long[0];
        long[] unknown = new long[0];
        boolean sorted = true;

        UserWrites(String home) {
            this.home = home;
        }

        void ack(long id, long at, int pool, int group) {
            if (n == ids.length) {
                ids = Arrays.copyOf(ids, n * 2);
                ackMs = Arrays.copyOf(ackMs, n * 2);
                pools = Arrays.copyOf(pools, n * 2);
                groups = Arrays.copyOf(groups, n * 2);
            }
            if (n > 0 && ids[n - 1] > id) sorted = false;
            ids[n] = id;
            ackMs[n] = at;
            pools[n] = pool;
            groups[n] = group;
            n++;
        }

        void failed(long id) {
            failed = append(failed, id);
        }

        void unknown(long id) {
            unknown = append(unknown, id);
        }

        /** Writes invoked and not answered (yet): few at a time. */
        private java.util.Set<Long> open;

        void invoked(long id) {
            if (open == null) open = new java.util.HashSet<>();
            open.add(id);
        }

        void answered(long id) {
            if (open != null) open.remove(id);
        }

        boolean isFailed(long id) { return contains(failed, id); }

        boolean isUnknown(long id) { return contains(unknown, id) || (open != null && open.contains(id)); }

        boolean isAcked(long id) {
            if (sorted) return Arrays.binarySearch(ids, 0, n, id) >= 0;
            for (int i = 0; i < n; i++) if (ids[i] == id) return true;
            return false;
        }

        private static long[] append(long[] a, long v) {
            long[] b = Arrays.copyOf(a, a.length + 1);
            b[a.length] = v;
            return b;
        }

        private static boolean contains(long[] a, long v) {
            for (long x : a) if (x == v) return true;
            return false;
        }
    }
}
