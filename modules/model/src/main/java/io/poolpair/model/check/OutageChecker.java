package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Outage, as users lived it, and the admins' procedural RTO.
 * <p>
 * Per fault (a {@code fault} the deployment accepted), each user whose operation then failed is affected; its
 * outage is the time from the fault to its first successful operation. A failure is attributed to the latest fault
 * not yet healed when it happened (a heal of the same target, {@code heal-all} for server, pool and link faults,
 * {@code heal-link}; a restart is over as soon as anything else happens); with every fault healed, to "no open
 * fault", timed from the user's first failure; before any fault (start-up), to "before any fault", which is kept
 * out of the figures. Users still failing at the end count with the outage they had so far (at least that long)
 * and are reported as unresolved. Outages are summarised as p50 / p99 / max per fault, per home pool and per
 * routing group (the group the user was in when it failed). Operations refused by the user's mode (Resiliency
 * mode, a read-only pool during a planned failover) are counted apart from failures and do not make a user
 * affected: the user reached a server that answered.
 * <p>
 * Procedural RTO: for each home pool failed over or back, the time from the first verb of its procedure
 * ({@code failover-pool} / {@code failback-pool} of that pool, or a shared verb: {@code failover-cms},
 * {@code set-edge-next-hop}, {@code move-federation-route}) issued since the previous completion, to the pool's
 * {@code failover-completed} / {@code failback-completed}: what SfB's 15-20 minute RTO target measures.
 */
public final class OutageChecker implements Checker {

    /** Verbs that make up a pool failover or failback procedure. */
    public static final Set<String> PROCEDURE_VERBS = Set.of("failover-cms", "set-edge-next-hop", "move-federation-route",
            "failover-pool", "failback-pool");

    private final List<Fault> faults = new ArrayList<>();
    private final Fault beforeAnyFault = new Fault(-1, "none", "before any fault", 0);
    private final Map<String, Down> down = new HashMap<>();
    private final List<Map<String, Object>> procedures = new ArrayList<>();
    /** home pool -> when the procedure of its failover or failback began, and with which verb */
    private final Map<String, Long> procedureStartMs = new HashMap<>();
    private final Map<String, String> procedureFirstVerb = new HashMap<>();
    /** a procedure verb not aimed at one home pool (failover-cms, the Edge routes) starts every pending procedure */
    private long sharedStartMs = -1;
    private String sharedFirstVerb;
    /** faults not yet healed, by index (attribution goes to the latest open one) */
    private final java.util.List<Fault> open = new ArrayList<>();
    private final Fault noOpenFault = new Fault(-2, "none", "no open fault (outage timed from the user's first failure)", 0);
    private long lastMs;
    private long failed;
    private long refused;
    /** home pool -> {failed, refused} */
    private final Map<String, long[]> opsByHome = new TreeMap<>();

    @Override
    public String name() { return "outage"; }

    @Override
    public void accept(HistoryRecord record) {
        lastMs = Math.max(lastMs, record.emulatedMs());
        if (record instanceof Nemesis n) {
            if (n.category() == Nemesis.Category.FAULT && n.type() == Type.OK) {
                Fault f = new Fault(faults.size(), n.f(), n.target(), n.emulatedMs());
                faults.add(f);
                // a restart is over once anything else happens; it only explains what fails right after it
                open.removeIf(x -> x.f.startsWith("restart"));
                open.add(f);
            } else if (n.category() == Nemesis.Category.HEAL && n.type() == Type.OK) {
                open.removeIf(f -> heals(n, f));
            } else if (n.category() == Nemesis.Category.ADMIN && n.type() == Type.INVOKE && PROCEDURE_VERBS.contains(n.f())) {
                String home = (n.f().equals("failover-pool") || n.f().equals("failback-pool")) ? arg(n.target(), "pool") : null;
                if (home != null) {
                    procedureStartMs.putIfAbsent(home, n.emulatedMs());
                    procedureFirstVerb.putIfAbsent(home, n.f());
                } else if (sharedStartMs < 0) {
                    sharedStartMs = n.emulatedMs();
                    sharedFirstVerb = n.f();
                }
            }
        } else if (record instanceof ModelFact f) {
            if ((f.f().equals("failover-completed") || f.f().equals("failback-completed"))) {
                long own = procedureStartMs.getOrDefault(f.home(), -1L);
                boolean shared = sharedStartMs >= 0 && (own < 0 || sharedStartMs < own);
                long start = shared ? sharedStartMs : own;
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("home", f.home());
                p.put("kind", f.f().startsWith("failover") ? "failover" : "failback");
                p.put("firstVerb", shared ? sharedFirstVerb : procedureFirstVerb.get(f.home()));
                p.put("startMs", start);
                p.put("completedMs", f.emulatedMs());
                p.put("rtoMs", start < 0 ? -1 : f.emulatedMs() - start);
                procedures.add(p);
                procedureStartMs.remove(f.home());
                procedureFirstVerb.remove(f.home());
                sharedStartMs = -1;
                sharedFirstVerb = null;
            }
        } else if (record instanceof ClientOp op && !op.f().equals("read")) {
            if (op.type() == Type.FAIL && op.refused()) {
                refused++;
                opsByHome.computeIfAbsent(op.home(), h -> new long[2])[1]++;
                current().refused++;
            } else if (op.type() == Type.FAIL || op.type() == Type.INFO) {
                // a timeout (info) is no service too, whatever became of the operation
                failed++;
                opsByHome.computeIfAbsent(op.home(), h -> new long[2])[0]++;
                Fault f = current();
                f.failed++;
                if (!down.containsKey(op.user())) down.put(op.user(), new Down(f, op.home(), op.group(), op.emulatedMs()));
            } else if (op.type() == Type.OK) {
                Down d = down.remove(op.user());
                if (d != null) d.fault.outage(d.home, d.group, op.emulatedMs() - d.fault.startFor(d));
            }
        }
    }

    /** The latest fault not yet healed; before any fault, start-up; after faults all healed, none. */
    private Fault current() {
        if (faults.isEmpty()) return beforeAnyFault;
        return open.isEmpty() ? noOpenFault : open.get(open.size() - 1);
    }

    /** Whether a heal ends a fault, the way the deployment heals (EmbeddedDeployment). */
    private static boolean heals(Nemesis heal, Fault f) {
        if (heal.target() != null && heal.target().equals(f.target)) return true;
        return switch (heal.f()) {
            case "heal-all" -> !f.f.equals("kill-site") && !f.f.equals("fail-backend") && !f.f.equals("fail-file-server");
            case "heal-link" -> (f.f.equals("cut-link") || f.f.equals("slow-link")) && f.target != null && heal.target() != null
                    && f.target.startsWith(heal.target());
            default -> false;
        };
    }

    /** The value of {@code key} in a verb's arguments as recorded ({@code {disaster=true, pool=pool-a}}), or null. */
    static String arg(String args, String key) {
        if (args == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[{ ,]" + key + "=([^,}]+)").matcher(args);
        return m.find() ? m.group(1).trim() : null;
    }

    /** None: this checker reports only at the end (unresolved outages are a notice of {@link #result()}). */
    @Override
    public long violationsSoFar() { return 0; }

    @Override
    public long noticesSoFar() { return 0; }

    @Override
    public CheckResult result() {
        CheckResult.Findings findings = new CheckResult.Findings();
        for (Down d : down.values()) {
            // still without service at the end: its outage so far counts (it is at least that long)
            d.fault.unresolved++;
            long soFar = lastMs - d.fault.startFor(d);
            d.fault.unresolvedMaxMs = Math.max(d.fault.unresolvedMaxMs, soFar);
            d.fault.outage(d.home, d.group, soFar);
        }
        if (!down.isEmpty()) {
            findings.add(Finding.notice("unresolved-outage", down.size() + " user(s) still had no service when the run ended", lastMs));
        }
        List<Map<String, Object>> perFault = new ArrayList<>();
        Distribution all = new Distribution();
        List<Fault> reported = new ArrayList<>();
        if (beforeAnyFault.affected() > 0 || beforeAnyFault.failed > 0 || beforeAnyFault.refused > 0) reported.add(beforeAnyFault);
        reported.addAll(faults);
        if (noOpenFault.affected() > 0 || noOpenFault.failed > 0 || noOpenFault.refused > 0) reported.add(noOpenFault);
        long affectedUsers = 0;
        for (Fault f : reported) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("fault", f.index);
            m.put("f", f.f);
            m.put("target", f.target);
            m.put("atMs", f.atMs);
            m.put("affectedUsers", (long) f.affected());
            m.put("unresolvedUsers", f.unresolved);
            m.put("unresolvedSoFarMs", f.unresolved == 0 ? -1 : f.unresolvedMaxMs);
            m.put("failedOperations", f.failed);
            m.put("refusedByMode", f.refused);
            m.put("outage", f.all.summary());
            Map<String, Object> byPool = new TreeMap<>();
            for (Map.Entry<String, Distribution> e : f.byPool.entrySet()) byPool.put(e.getKey(), e.getValue().summary());
            m.put("byPool", byPool);
            Map<String, Object> byGroup = new TreeMap<>();
            for (Map.Entry<String, Distribution> e : f.byGroup.entrySet()) byGroup.put(e.getKey(), e.getValue().summary());
            m.put("byGroup", byGroup);
            perFault.add(m);
            if (f != beforeAnyFault) {
                affectedUsers += f.affected();
                f.mergeInto(all);
            }
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        Distribution.Summary s = all.summary();
        figures.put("affected-users", (double) affectedUsers);
        if (s.count() > 0) {
            figures.put("outage-p50", (double) s.p50Ms());
            figures.put("outage-p99", (double) s.p99Ms());
            figures.put("outage-max", (double) s.maxMs());
        }
        figures.put("failed-operations", (double) failed);
        figures.put("refused-by-resiliency", (double) refused);
        long rto = -1;
        Map<String, Long> rtoByHome = new TreeMap<>();
        for (Map<String, Object> p : procedures) {
            long r = (Long) p.get("rtoMs");
            rto = Math.max(rto, r);
            if (r >= 0) rtoByHome.merge((String) p.get("home"), r, Math::max);
        }
        if (rto >= 0) figures.put("procedural-rto", (double) rto);
        for (Map.Entry<String, Distribution.Summary> e : perPoolFigures(reported).entrySet()) {
            Distribution.Summary ps = e.getValue();
            figures.put("affected-users@" + e.getKey(), (double) ps.count());
            figures.put("outage-p50@" + e.getKey(), (double) ps.p50Ms());
            figures.put("outage-p99@" + e.getKey(), (double) ps.p99Ms());
            figures.put("outage-max@" + e.getKey(), (double) ps.maxMs());
        }
        for (Map.Entry<String, long[]> e : opsByHome.entrySet()) {
            figures.put("failed-operations@" + e.getKey(), (double) e.getValue()[0]);
            figures.put("refused-by-resiliency@" + e.getKey(), (double) e.getValue()[1]);
        }
        for (Map.Entry<String, Long> e : rtoByHome.entrySet()) figures.put("procedural-rto@" + e.getKey(), (double) e.getValue());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("faults", perFault);
        details.put("procedures", procedures);
        details.put("byPool", perPoolFigures(reported));
        return findings.result(name(), figures, details);
    }

    /** Per home pool, over every fault: outage p50/p99/max (for figures such as outage-max of pool-a). */
    private Map<String, Distribution.Summary> perPoolFigures(List<Fault> reported) {
        Map<String, Distribution> merged = new TreeMap<>();
        for (Fault f : reported) {
            if (f == beforeAnyFault) continue;
            for (Map.Entry<String, Distribution> e : f.byPool.entrySet()) {
                Distribution d = merged.computeIfAbsent(e.getKey(), k -> new Distribution());
                e.getValue().copyInto(d);
            }
        }
        Map<String, Distribution.Summary> out = new TreeMap<>();
        for (Map.Entry<String, Distribution> e : merged.entrySet()) out.put(e.getKey(), e.getValue().summary());
        return out;
    }

    private record Down(Fault fault, String home, int group, long failedAtMs) {}

    private static final class Fault {
        final int index;
        final String f;
        final String target;
        final long atMs;
        final Distribution all = new Distribution();
        final Map<String, Distribution> byPool = new TreeMap<>();
        final Map<String, Distribution> byGroup = new TreeMap<>();
        long failed;
        long refused;
        long unresolved;
        long unresolvedMaxMs = -1;

        Fault(int index, String f, String target, long atMs) {
            this.index = index;
            this.f = f;
            this.target = target;
            this.atMs = atMs;
        }

        /** Outage is counted from the fault; before any fault or with none open, from the user's first failure. */
        long startFor(Down d) {
            return index < 0 ? d.failedAtMs() : atMs;
        }

        void outage(String home, int group, long ms) {
            all.add(ms);
            byPool.computeIfAbsent(home, h -> new Distribution()).add(ms);
            byGroup.computeIfAbsent(home + "/" + (group < 0 ? "?" : String.valueOf(group)), h -> new Distribution()).add(ms);
        }

        int affected() { return all.count(); }

        void mergeInto(Distribution d) { all.copyInto(d); }
    }
}
