package io.poolpair.model.chaos;

import io.poolpair.model.dr.BackEnd;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.scenario.ScenarioText;
import io.poolpair.model.scenario.Step;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.model.topology.Site;
import io.poolpair.model.topology.Topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A chaos run's schedule, drawn from a seed (docs/chaos.md): faults from the menu ({@link ChaosFault}) arriving as a
 * Poisson process after a warm-up, each healed after a drawn duration, at most {@code max-concurrent-faults} at once,
 * never two on the same server, back-end component or file server; a lost site's paired pools failed over and back
 * by the admin (optional); then a final heal of everything and a settle wait. The result is an ordinary
 * {@link Scenario} plus the drawn parameters. The same topology, settings, seed and duration give the same plan.
 *
 * @param seed           the seed it was drawn from
 * @param durationMs     emulated length of the scenario
 * @param healAllAtMs    when everything still faulted is healed (duration minus settle)
 * @param settings       the chaos settings it was drawn with
 * @param menu           the probability of each fault this topology can take, when every target is free
 * @param notDrawn       the faults of the menu this topology cannot take (or whose weight is 0), and why
 * @param faults         the faults drawn, in order
 * @param skippedAtCap   arrivals not injected because {@code max-concurrent-faults} faults were active
 * @param skippedNoTarget arrivals not injected because no fault of the menu had a free target
 * @param scenario       the steps to run
 */
public record ChaosPlan(long seed, long durationMs, long healAllAtMs, ChaosSettings settings, Map<ChaosFault, Double> menu,
                        Map<ChaosFault, String> notDrawn, List<DrawnFault> faults, int skippedAtCap, int skippedNoTarget,
                        List<String> finalSteps, Scenario scenario) {

    /** A restarted server is left alone this long (emulated) while it stops and starts again. */
    public static final long RESTART_HOLD_MS = 30_000;
    /** A site failover starts only on a deployment free of faults for this long (emulated): the partner pools run. */
    public static final long QUIET_BEFORE_SITE_FAILOVER_MS = 30_000;
    /** Added to the expected duration of what an admin reaction awaits (emulated), to give the {@code within}. */
    public static final long AWAIT_MARGIN_MS = 120_000;

    public ChaosPlan {
        menu = Collections.unmodifiableMap(new LinkedHashMap<>(menu));
        notDrawn = Collections.unmodifiableMap(new LinkedHashMap<>(notDrawn));
        faults = List.copyOf(faults);
        finalSteps = List.copyOf(finalSteps);
    }

    /** Draws a plan with the seed's own generator (a {@link SplittableRandom}, the same on every JVM). */
    public static ChaosPlan draw(Topology topology, ChaosSettings settings, EmulatorSettings emulator, long seed, long durationMs) {
        return draw(topology, settings, emulator, seed, durationMs, new SplittableRandom(seed));
    }

    /**
     * Draws a plan with the given generator. {@code emulator} gives the disaster-recovery durations the admin's
     * reaction waits for, and whether the emulator fails pools over by itself (then the admin does not).
     *
     * @throws IllegalArgumentException when the duration leaves no time for faults ({@link ChaosSettings#durationProblem})
     */
    public static ChaosPlan draw(Topology topology, ChaosSettings settings, EmulatorSettings emulator, long seed, long durationMs,
                                 RandomGenerator random) {
        String problem = settings.durationProblem(durationMs);
        if (problem != null) throw new IllegalArgumentException(problem);
        return new Drawer(topology, settings, emulator, seed, durationMs, random).draw();
    }

    /** The parameters, one per line: seed, settings, menu, each fault (with its heal and reactions), the final heal. */
    public List<String> header() {
        List<String> out = new ArrayList<>();
        out.add("seed " + seed + ": " + span(durationMs) + " emulated; faults from " + at(settings.warmUpMs()) + ", final heal at "
                + at(healAllAtMs) + ", end at " + at(durationMs) + " (times from the scenario's start)");
        out.add("settings: " + settings.describe());
        List<String> m = new ArrayList<>();
        menu.forEach((k, p) -> m.add(String.format(Locale.ROOT, "%s %.1f%%", k.label(), p * 100)));
        out.add("menu: " + String.join(", ", m));
        if (!notDrawn.isEmpty()) {
            List<String> n = new ArrayList<>();
            notDrawn.forEach((k, why) -> n.add(k.label() + " (" + why + ")"));
            out.add("not drawn here: " + String.join(", ", n));
        }
        for (DrawnFault f : faults) out.addAll(f.lines());
        out.add("skipped: " + (skippedAtCap + skippedNoTarget == 0 ? "none" : skippedAtCap + " arrival(s) at the cap of "
                + settings.maxConcurrentFaults() + " active fault(s), " + skippedNoTarget + " with no free target"));
        out.add("final: " + at(healAllAtMs) + " " + String.join(", ", finalSteps) + "; settle " + span(settings.settleMs())
                + " until " + at(durationMs));
        return out;
    }

    /** A time since the scenario's start, as the header shows it: {@code +41s}, {@code +2m05s}. */
    public static String at(long ms) {
        long s = ms / 1000;
        String frac = ms % 1000 == 0 ? "" : String.format(Locale.ROOT, ".%03d", ms % 1000);
        return s < 60 ? "+" + s + frac + "s" : String.format(Locale.ROOT, "+%dm%02d%ss", s / 60, s % 60, frac);
    }

    /** A duration as HOCON reads it and the header shows it: {@code 45s}, {@code 2m}, {@code 1m30s}, {@code 1500ms}. */
    public static String span(long ms) {
        if (ms % 1000 != 0) return ms + "ms";
        long s = ms / 1000;
        if (s == 0) return "0s";
        long h = s / 3600;
        long mi = (s % 3600) / 60;
        long se = s % 60;
        return (h > 0 ? h + "h" : "") + (mi > 0 ? mi + "m" : "") + (se > 0 ? se + "s" : "");
    }

    // ---------------------------------------------------------------------------------------------- drawing

    /** A fault that could be injected now: its steps and what it holds while active. */
    private record Candidate(ChaosFault kind, Step fault, Step heal, Set<String> holds, String site) {}

    /** A fault (or a restart's hold) in force. */
    private record Active(DrawnFault drawn, Candidate candidate, long healAtMs, boolean counts) {}

    private static final class Drawer {
        private final Topology t;
        private final ChaosSettings cs;
        private final EmulatorSettings es;
        private final long seed;
        private final long durationMs;
        private final long healAllAt;
        private final RandomGenerator random;
        private final Origin origin;
        private final List<Step> steps = new ArrayList<>();
        private final List<Active> active = new ArrayList<>();
        private final List<DrawnFault> drawn = new ArrayList<>();
        private final Map<ChaosFault, List<Candidate>> all = new EnumMap<>(ChaosFault.class);
        private final Map<ChaosFault, String> cannot = new EnumMap<>(ChaosFault.class);
        /** the admin's view, changed by its reactions: the active CMS master and the Edge pools' next hops */
        private String cmsPool;
        private final Map<String, String> nextHop = new LinkedHashMap<>();
        private long cursor;
        private long quietSince;
        private int skippedAtCap;
        private int skippedNoTarget;

        Drawer(Topology t, ChaosSettings cs, EmulatorSettings es, long seed, long durationMs, RandomGenerator random) {
            this.t = t;
            this.cs = cs;
            this.es = es;
            this.seed = seed;
            this.durationMs = durationMs;
            this.healAllAt = durationMs - cs.settleMs();
            this.random = random;
            this.origin = new Origin("chaos seed " + seed, 0);
            this.cmsPool = t.cmsPool();
            for (PoolSpec p : t.poolsOf(Role.EDGE)) if (p.nextHop() != null) nextHop.put(p.name(), p.nextHop());
            for (ChaosFault k : ChaosFault.values()) {
                List<Candidate> c = candidates(k);
                if (cs.weights().get(k) <= 0) cannot.put(k, "weight 0");
                else if (c.isEmpty()) cannot.put(k, why(k));
                else all.put(k, c);
            }
        }

        ChaosPlan draw() {
            long tMs = cs.warmUpMs();
            quietSince = 0;
            while (true) {
                tMs += gap();
                if (tMs >= healAllAt) break;
                healDue(tMs);
                if (active.stream().filter(Active::counts).count() >= cs.maxConcurrentFaults()) {
                    skippedAtCap++;
                    continue;
                }
                Map<ChaosFault, List<Candidate>> free = free(tMs);
                if (free.isEmpty()) {
                    skippedNoTarget++;
                    continue;
                }
                ChaosFault kind = pick(free.keySet());
                List<Candidate> targets = free.get(kind);
                Candidate c = targets.get(random.nextInt(targets.size()));
                long d = duration();
                List<PoolSpec> failover = siteFailoverPools(c);
                if (!failover.isEmpty()) tMs = episode(tMs, c, d, failover);
                else inject(tMs, c, d);
            }
            healDue(healAllAt - 1);
            List<String> finals = finalHeal();
            stepAt(durationMs, null);
            Map<ChaosFault, Double> menu = new LinkedHashMap<>();
            double total = all.keySet().stream().mapToDouble(k -> cs.weights().get(k)).sum();
            for (ChaosFault k : all.keySet()) menu.put(k, cs.weights().get(k) / total);
            Scenario s = new Scenario("chaos-" + seed, "chaos: seed " + seed + ", " + span(durationMs) + " emulated on " + t.file(),
                    null, steps, "chaos seed " + seed);
            return new ChaosPlan(seed, durationMs, healAllAt, cs, menu, cannot, drawn, skippedAtCap, skippedNoTarget, finals, s);
        }

        // ------------------------------------------------------------------ the menu's targets

        private List<Candidate> candidates(ChaosFault k) {
            List<Candidate> out = new ArrayList<>();
            switch (k) {
                case KILL_FRONT_END, HANG_FRONT_END, RESTART_FRONT_END -> {
                    FaultKind f = k == ChaosFault.KILL_FRONT_END ? FaultKind.KILL : k == ChaosFault.HANG_FRONT_END ? FaultKind.HANG
                            : FaultKind.RESTART;
                    for (PoolSpec p : t.poolsOf(Role.FRONT_END)) for (String s : p.serverNames()) out.add(server(k, f, s));
                }
                case KILL_EDGE -> servers(k, Role.EDGE, out);
                case KILL_DIRECTOR -> servers(k, Role.DIRECTOR, out);
                case KILL_MEDIATION -> servers(k, Role.MEDIATION, out);
                case KILL_PERSISTENT_CHAT -> servers(k, Role.PERSISTENT_CHAT, out);
                case KILL_POOL -> {
                    for (PoolSpec p : t.pools()) {
                        Set<String> holds = new LinkedHashSet<>();
                        for (String s : p.serverNames()) holds.add("server " + s);
                        out.add(new Candidate(k, new Step.Fault(FaultKind.KILL, p.name(), true, origin),
                                new Step.Heal(p.name(), true, origin), holds, null));
                    }
                }
                case FAIL_BACKEND -> {
                    for (PoolSpec p : t.poolsOf(Role.FRONT_END)) {
                        for (BackEnd.Component c : BackEnd.Component.values()) {
                            if (!BackEnd.exists(p.backendMode(), c)) continue;
                            out.add(new Candidate(k, new Step.BackEndFault(p.name(), c.label(), true, origin),
                                    new Step.BackEndFault(p.name(), c.label(), false, origin), Set.of(backEnd(p, c)), null));
                        }
                    }
                }
                case FAIL_FILE_SERVER -> {
                    for (PoolSpec p : t.poolsOf(Role.FRONT_END)) {
                        if (p.fileStore() == null) continue;
                        for (int n = 1; n <= 2; n++) {
                            out.add(new Candidate(k, new Step.FileServerFault(p.name(), n, true, origin),
                                    new Step.FileServerFault(p.name(), n, false, origin), Set.of("file server " + p.name() + " " + n), null));
                        }
                    }
                }
                case KILL_SITE -> {
                    for (Site site : t.sites()) {
                        Set<String> holds = new LinkedHashSet<>();
                        for (PoolSpec p : t.pools()) {
                            for (ServerSpec s : p.servers()) if (site.name().equals(p.siteOf(s))) holds.add("server " + s.name());
                            if (p.isFrontEnd() && site.name().equals(p.site())) {
                                for (BackEnd.Component c : BackEnd.Component.values()) {
                                    if (BackEnd.exists(p.backendMode(), c)) holds.add(backEnd(p, c));
                                }
                            }
                        }
                        if (holds.isEmpty()) continue;
                        out.add(new Candidate(k, new Step.SiteFault(site.name(), true, origin), new Step.SiteFault(site.name(), false, origin),
                                holds, site.name()));
                    }
                }
                default -> throw new IllegalStateException(k.toString());
            }
            return out;
        }

        private void servers(ChaosFault k, Role role, List<Candidate> out) {
            for (PoolSpec p : t.poolsOf(role)) for (String s : p.serverNames()) out.add(server(k, FaultKind.KILL, s));
        }

        private Candidate server(ChaosFault k, FaultKind f, String s) {
            return new Candidate(k, new Step.Fault(f, s, false, origin), f == FaultKind.RESTART ? null : new Step.Heal(s, false, origin),
                    Set.of("server " + s), null);
        }

        private static String backEnd(PoolSpec p, BackEnd.Component c) {
            return "back-end " + p.name() + " " + c.label();
        }

        private String why(ChaosFault k) {
            return switch (k) {
                case KILL_FRONT_END, HANG_FRONT_END, RESTART_FRONT_END, FAIL_BACKEND -> "no Front End pool";
                case KILL_EDGE -> "no Edge pool";
                case KILL_DIRECTOR -> "no Director pool";
                case KILL_MEDIATION -> "no Mediation pool";
                case KILL_PERSISTENT_CHAT -> "no Persistent Chat pool";
                case FAIL_FILE_SERVER -> "no Front End pool with a file-store";
                default -> "no target";
            };
        }

        // ------------------------------------------------------------------ drawing

        /** Exponential gap of the Poisson arrivals, in whole seconds, at least 1 s. */
        private long gap() {
            double s = -(cs.meanTimeBetweenFaultsMs() / 1000.0) * Math.log(1 - random.nextDouble());
            return Math.max(1, Math.round(s)) * 1000;
        }

        /** A fault's duration, uniform in whole seconds between the settings' min and max. */
        private long duration() {
            long min = (cs.faultDurationMinMs() + 999) / 1000;
            long max = Math.max(min, cs.faultDurationMaxMs() / 1000);
            return (min + random.nextLong(max - min + 1)) * 1000;
        }

        private ChaosFault pick(Set<ChaosFault> kinds) {
            double total = 0;
            for (ChaosFault k : kinds) total += cs.weights().get(k);
            double u = random.nextDouble() * total;
            ChaosFault last = null;
            for (ChaosFault k : kinds) {
                last = k;
                u -= cs.weights().get(k);
                if (u < 0) return k;
            }
            return last;
        }

        /** The faults of the menu with a free target now, in menu order. */
        private Map<ChaosFault, List<Candidate>> free(long now) {
            Set<String> held = new HashSet<>();
            for (Active a : active) held.addAll(a.candidate().holds());
            Map<ChaosFault, List<Candidate>> out = new EnumMap<>(ChaosFault.class);
            for (Map.Entry<ChaosFault, List<Candidate>> e : all.entrySet()) {
                List<Candidate> ok = new ArrayList<>();
                for (Candidate c : e.getValue()) {
                    if (!Collections.disjoint(held, c.holds())) continue;
                    List<PoolSpec> failover = siteFailoverPools(c);
                    if (!failover.isEmpty() && !(active.isEmpty() && now - quietSince >= QUIET_BEFORE_SITE_FAILOVER_MS
                            && episodeFits(now, failover))) continue;
                    ok.add(c);
                }
                if (!ok.isEmpty()) out.put(e.getKey(), ok);
            }
            return out;
        }

        private void inject(long now, Candidate c, long d) {
            int number = drawn.size() + 1;
            if (c.heal() == null) {
                DrawnFault f = new DrawnFault(number, now, c.kind(), ScenarioText.brief(c.fault()), 0, -1, false, List.of());
                drawn.add(f);
                stepAt(now, note(f));
                stepAt(now, c.fault());
                active.add(new Active(f, c, now + RESTART_HOLD_MS, false));
                return;
            }
            long healAt = Math.min(now + d, healAllAt);
            DrawnFault f = new DrawnFault(number, now, c.kind(), ScenarioText.brief(c.fault()), d, healAt, healAt == healAllAt, List.of());
            drawn.add(f);
            stepAt(now, note(f));
            stepAt(now, c.fault());
            active.add(new Active(f, c, healAt, true));
        }

        private Step note(DrawnFault f) {
            return note(f.number(), f.action(), f.healAtMs());
        }

        private Step note(int number, String action, long healAtMs) {
            return new Step.Note("chaos fault " + number + ": " + action + (healAtMs < 0 ? "" : ", heal at " + at(healAtMs)), origin);
        }

        /** Heals, in time order, every fault due by {@code now} (before the final heal). */
        private void healDue(long now) {
            List<Active> due = new ArrayList<>(active.stream().filter(a -> a.healAtMs() <= now && a.healAtMs() < healAllAt).toList());
            due.sort(Comparator.comparingLong(Active::healAtMs).thenComparingInt(a -> a.drawn().number()));
            for (Active a : due) {
                if (a.candidate().heal() != null) stepAt(a.healAtMs(), a.candidate().heal());
                active.remove(a);
                if (active.isEmpty()) quietSince = a.healAtMs();
            }
        }

        /** Heals whatever is still faulted, then lets the deployment settle until the end. Returns the steps, briefly. */
        private List<String> finalHeal() {
            List<String> out = new ArrayList<>();
            stepAt(healAllAt, new Step.Note("chaos: final heal, then settle " + span(cs.settleMs()), origin));
            List<Active> left = new ArrayList<>(active);
            left.sort(Comparator.comparingInt(a -> a.drawn().number()));
            for (Active a : left) {
                Step h = a.candidate().heal();
                // heal-all heals servers and pools; sites, back ends and file servers need their own heal
                if (h instanceof Step.SiteFault || h instanceof Step.BackEndFault || h instanceof Step.FileServerFault) {
                    stepAt(healAllAt, h);
                    out.add(ScenarioText.brief(h));
                }
            }
            active.clear();
            stepAt(healAllAt, new Step.HealAll(origin));
            out.add("heal-all");
            return out;
        }

        /** Adds a step at an emulated time, after a wait from the previous step's time; a null step only waits. */
        private void stepAt(long ms, Step step) {
            if (ms > cursor) {
                steps.add(new Step.Wait(ms - cursor, origin));
                cursor = ms;
            }
            if (step != null) steps.add(step);
        }

        // ------------------------------------------------------------------ the admin's site failover

        /**
         * The Front End pools a site loss makes the admin fail over: those of the site with a backup pool in another
         * site. Empty when the fault is no site loss, the reaction is off, or the emulator fails pools over itself.
         */
        private List<PoolSpec> siteFailoverPools(Candidate c) {
            if (c.site() == null || !cs.siteFailover() || es.dr().autoFailover()) return List.of();
            List<PoolSpec> out = new ArrayList<>();
            for (PoolSpec p : t.poolsOf(Role.FRONT_END)) {
                if (!c.site().equals(p.site()) || p.backupPool() == null) continue;
                PoolSpec partner = t.pool(p.backupPool()).orElse(null);
                if (partner != null && !c.site().equals(partner.site())) out.add(p);
            }
            return out;
        }

        private boolean cmsMoves(List<PoolSpec> pools) {
            return pools.stream().anyMatch(p -> p.name().equals(cmsPool));
        }

        /** When the pools are failed over, if the site is lost at {@code now}. */
        private long failedOverAt(long now, List<PoolSpec> pools) {
            return now + cs.siteFailoverDecisionMs() + (cmsMoves(pools) ? es.dr().cmsFailoverMs() : 0) + es.dr().poolFailoverMs();
        }

        private long failbackMs(PoolSpec p) {
            long per = es.dr().failbackPer20000UsersMs();
            return Math.max(per / 20, Math.round(per * (p.users() / 20_000.0)));
        }

        private long longestFailback(List<PoolSpec> pools) {
            return pools.stream().mapToLong(this::failbackMs).max().orElse(0);
        }

        private boolean episodeFits(long now, List<PoolSpec> pools) {
            return failedOverAt(now, pools) + longestFailback(pools) <= healAllAt;
        }

        /**
         * A site loss with the admin's reaction, in SfB's order [S11]: after the decision delay, the CMS first (if it
         * lives in a lost pool, {@code failover-cms} with force, and wait for it), then every surviving Edge pool whose
         * next hop is a lost pool is re-pointed at that pool's partner, then each pool is failed over in disaster mode;
         * once failed over, LIS and Response Groups are restored on the partner. The site returns no earlier than
         * that; once the pools run again they are failed back, conference content is synced home and the Edge next
         * hops are pointed back. No other fault is drawn meanwhile. Returns when it ends.
         */
        private long episode(long now, Candidate c, long d, List<PoolSpec> pools) {
            long decision = now + cs.siteFailoverDecisionMs();
            long afterCms = decision + (cmsMoves(pools) ? es.dr().cmsFailoverMs() : 0);
            long failedOver = failedOverAt(now, pools);
            long healAt = Math.max(failedOver, Math.min(now + d, healAllAt - longestFailback(pools)));
            long end = healAt + longestFailback(pools);
            List<DrawnFault.Reaction> reactions = new ArrayList<>();
            int number = drawn.size() + 1;
            stepAt(now, note(number, ScenarioText.brief(c.fault()), healAt));
            stepAt(now, c.fault());
            if (cmsMoves(pools)) {
                String target = t.pool(cmsPool).map(PoolSpec::backupPool).orElseThrow();
                react(decision, admin(AdminVerb.FAILOVER_CMS, Map.of("force", "true")), reactions);
                awaitUntil(afterCms, await("cms-moved", null, null, es.dr().cmsFailoverMs()));
                cmsPool = target;
            }
            Map<String, String> restoreHops = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : nextHop.entrySet()) {
                PoolSpec edge = t.pool(e.getKey()).orElseThrow();
                if (edge.site().equals(c.site())) continue;
                for (PoolSpec p : pools) {
                    if (!p.name().equals(e.getValue())) continue;
                    react(afterCms, admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", edge.name(), "pool", p.backupPool())), reactions);
                    restoreHops.put(edge.name(), p.name());
                }
            }
            restoreHops.forEach((edge, home) -> nextHop.put(edge, t.pool(home).orElseThrow().backupPool()));
            for (PoolSpec p : pools) react(afterCms, admin(AdminVerb.FAILOVER_POOL, Map.of("pool", p.name(), "disaster", "true")), reactions);
            for (PoolSpec p : pools) awaitUntil(failedOver, await("pool-failover-state", p.name(), "-> FailedOver", es.dr().poolFailoverMs()));
            for (PoolSpec p : pools) {
                react(failedOver, admin(AdminVerb.RESTORE_LIS, Map.of("pool", p.name())), reactions);
                react(failedOver, admin(AdminVerb.IMPORT_RESPONSE_GROUPS, Map.of("pool", p.name())), reactions);
            }
            stepAt(healAt, c.heal());
            for (PoolSpec p : pools) awaitUntil(healAt, await("pool-quorum-regained", p.name(), null, 0));
            for (PoolSpec p : pools) react(healAt, admin(AdminVerb.FAILBACK_POOL, Map.of("pool", p.name())), reactions);
            for (PoolSpec p : pools) awaitUntil(healAt + failbackMs(p), await("pool-failover-state", p.name(), "-> FailedBack", failbackMs(p)));
            for (PoolSpec p : pools) react(end, admin(AdminVerb.SYNC_CONFERENCE_CONTENT, Map.of("pool", p.name())), reactions);
            restoreHops.forEach((edge, home) -> {
                react(end, admin(AdminVerb.SET_EDGE_NEXT_HOP, Map.of("edge", edge, "pool", home)), reactions);
                nextHop.put(edge, home);
            });
            drawn.add(new DrawnFault(number, now, c.kind(), ScenarioText.brief(c.fault()), d, healAt, false, reactions));
            quietSince = end;
            return end;
        }

        /** An admin step of a reaction: in the scenario, and in the fault's header lines. */
        private void react(long ms, Step step, List<DrawnFault.Reaction> reactions) {
            stepAt(ms, step);
            reactions.add(new DrawnFault.Reaction(ms, ScenarioText.brief(step)));
        }

        /**
         * An await: it starts right after the step before and ends when its event comes, which the plan expects at
         * {@code expectedMs}; later steps are planned from then (a late event pushes them back by as much).
         */
        private void awaitUntil(long expectedMs, Step await) {
            steps.add(await);
            cursor = Math.max(cursor, expectedMs);
        }

        private Step admin(AdminVerb verb, Map<String, String> args) {
            return new Step.Admin(verb, args, false, origin);
        }

        private Step await(String type, String pool, String text, long expectedMs) {
            return new Step.Await(type, pool, null, text, expectedMs + AWAIT_MARGIN_MS, origin);
        }
    }
}
