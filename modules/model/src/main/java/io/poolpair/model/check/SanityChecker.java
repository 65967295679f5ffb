package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Invariants no fault may break, judged from what users were served:
 * <ul>
 *   <li>one serving primary per routing group: two servers answering for the same group and epoch, or an
 *       answer at an epoch older than one already seen (a stale primary that did not step down);</li>
 *   <li>one serving home per user: a user's successful operations move from one pool to another only after the
 *       model moved its home pool's users ({@code users-moved}); within 10 min (emulated) of an admin verb run with
 *       {@code force=true}, a double home is reported as a notice instead;</li>
 *   <li>no routing group served while its pool lacks quorum ({@code pool-quorum-lost} until
 *       {@code pool-quorum-regained}).</li>
 * </ul>
 */
public final class SanityChecker implements Checker {

    private final CheckResult.Findings findings = new CheckResult.Findings();
    /** pool -> per routing group: the highest epoch seen, and the server that answered at it */
    private final Map<String, Groups> groups = new HashMap<>();
    /** user -> where its last successful operation was served, and when it and the current one were sent */
    private final Map<String, UserState> users = new HashMap<>();
    /** home pool -> time its users last moved */
    private final Map<String, Long> movedAt = new HashMap<>();
    /** pool -> [lost, regained) intervals (regained = Long.MAX_VALUE while still lost) */
    private final Map<String, java.util.List<long[]>> quorumLost = new HashMap<>();
    private long forcedUntilMs = -1;
    private static final long FORCED_MS = 600_000;
    private long checked;

    @Override
    public String name() { return "sanity"; }

    @Override
    public void accept(HistoryRecord record) {
        if (record instanceof ModelFact f) {
            switch (f.f()) {
                case "pool-quorum-lost" -> quorumLost.computeIfAbsent(f.pool(), p -> new java.util.ArrayList<>())
                        .add(new long[] {f.emulatedMs(), Long.MAX_VALUE});
                case "pool-quorum-regained" -> {
                    java.util.List<long[]> l = quorumLost.get(f.pool());
                    if (l != null && !l.isEmpty() && l.get(l.size() - 1)[1] == Long.MAX_VALUE) l.get(l.size() - 1)[1] = f.emulatedMs();
                }
                case "users-moved" -> movedAt.put(f.home(), f.emulatedMs());
                default -> { }
            }
        } else if (record instanceof Nemesis n && n.category() == Nemesis.Category.ADMIN && n.type() == Type.OK
                && "true".equals(OutageChecker.arg(n.target(), "force"))) {
            // a forced verb may leave users with two serving homes for a while: reported, not failed, for 10 min
            forcedUntilMs = n.emulatedMs() + FORCED_MS;
        } else if (record instanceof ClientOp op && op.type() == Type.INVOKE) {
            users.computeIfAbsent(op.user(), u -> new UserState()).invokedAtMs = op.emulatedMs();
        } else if (record instanceof ClientOp op && op.type() == Type.OK && op.pool() != null && !op.f().equals("read")) {
            checked++;
            if (op.group() >= 0 && op.server() != null && op.epoch() >= 0) primaries(op);
            homes(op);
            if (op.group() >= 0 && servedWithoutQuorum(op.pool(), op.servedMs() >= 0 ? op.servedMs() : op.emulatedMs())) {
                findings.add(Finding.violation("served-without-quorum", op.user() + "'s " + op.f() + " was served by "
                        + op.pool() + " routing group " + op.group() + " while the pool had lost quorum", op.emulatedMs()));
            }
        }
    }

    /** Whether {@code atMs} (the server's own time) falls strictly inside a quorum-loss interval of {@code pool}. */
    private boolean servedWithoutQuorum(String pool, long atMs) {
        java.util.List<long[]> l = quorumLost.get(pool);
        if (l == null) return false;
        for (long[] i : l) if (atMs > i[0] && atMs < i[1]) return true;
        return false;
    }

    private void primaries(ClientOp op) {
        Groups g = groups.computeIfAbsent(op.pool(), p -> new Groups());
        int i = op.group();
        g.ensure(i);
        long seen = g.epoch[i];
        if (seen < 0 || op.epoch() > seen) {
            g.epoch[i] = op.epoch();
            g.server[i] = op.server();
        } else if (op.epoch() == seen && !op.server().equals(g.server[i])) {
            findings.add(Finding.violation("two-primaries", "routing group " + op.pool() + "/" + i + " was served by both "
                    + g.server[i] + " and " + op.server() + " at epoch " + op.epoch(), op.emulatedMs()));
        } else if (op.epoch() < seen) {
            findings.add(Finding.violation("stale-primary", op.server() + " served routing group " + op.pool() + "/" + i + " at epoch "
                    + op.epoch() + " after " + g.server[i] + " had served it at epoch " + seen, op.emulatedMs()));
        }
    }

    private void homes(ClientOp op) {
        UserState u = users.computeIfAbsent(op.user(), x -> new UserState());
        String before = u.servedAt;
        long lastOk = u.lastOkInvokedAtMs;
        u.servedAt = op.pool();
        // an operation answered by the old pool just after a move was sent before it: compare with send times
        u.lastOkInvokedAtMs = u.invokedAtMs >= 0 ? u.invokedAtMs : op.emulatedMs();
        if (before == null || before.equals(op.pool())) return;
        Long moved = movedAt.get(op.home());
        if (moved != null && moved >= lastOk) return;
        if (forcedUntilMs >= op.emulatedMs()) {
            findings.add(Finding.notice("forced-double-home", op.user() + " was served by " + before + " and then by "
                    + op.pool() + " without its users being moved, after an admin verb run with force", op.emulatedMs()));
            return;
        }
        findings.add(Finding.violation("two-homes", op.user() + " was served by " + before + " and then by " + op.pool()
                + " without its home pool's users being moved in between", op.emulatedMs()));
    }

    private static final class UserState {
        String servedAt;
        long invokedAtMs = -1;
        long lastOkInvokedAtMs = -1;
    }

    private static final class Groups {
        long[] epoch = new long[0];
        String[] server = new String[0];

        void ensure(int i) {
            if (i < epoch.length) return;
            int n = Math.max(i + 1, epoch.length * 2);
            int old = epoch.length;
            epoch = java.util.Arrays.copyOf(epoch, n);
            java.util.Arrays.fill(epoch, old, n, -1);
            server = java.util.Arrays.copyOf(server, n);
        }
    }

    @Override
    public long violationsSoFar() { return findings.violations(); }

    @Override
    public long noticesSoFar() { return findings.notices(); }

    @Override
    public CheckResult result() {
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("sanity-violations", (double) findings.violations());
        figures.put("served-operations-checked", (double) checked);
        return findings.result(name(), figures, Map.of());
    }
}
