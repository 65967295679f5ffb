package io.poolpair.model.chaos;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How a chaos run draws its faults ({@code poolpair.chaos} in reference.conf, docs/chaos.md). Every duration is
 * emulated time.
 *
 * @param meanTimeBetweenFaultsMs    faults arrive as a Poisson process: exponential gaps of this mean
 * @param faultDurationMinMs         a fault lasts a duration drawn uniformly from [min, max] before its heal
 * @param faultDurationMaxMs         see {@code faultDurationMinMs}
 * @param maxConcurrentFaults        a fault arriving while this many are active is not injected (counted as skipped)
 * @param warmUpMs                   no fault before this much time has passed (the users sign in and work first)
 * @param settleMs                   every fault is healed this long before the end, so the users' final reads come
 *                                   after recovery
 * @param weights                    relative weight of each fault of the menu (0 leaves it out)
 * @param siteFailover               whether a lost site's paired Front End pools are failed over to their partners in
 *                                   disaster mode, and back after the site returns (the admin's reaction)
 * @param siteFailoverDecisionMs     how long after the site loss the admin starts that failover
 */
public record ChaosSettings(long meanTimeBetweenFaultsMs, long faultDurationMinMs, long faultDurationMaxMs,
                            int maxConcurrentFaults, long warmUpMs, long settleMs, Map<ChaosFault, Double> weights,
                            boolean siteFailover, long siteFailoverDecisionMs) {

    /** The least decision delay: the deployment must have seen the site's servers die before the admin acts. */
    public static final long MIN_DECISION_MS = 10_000;

    public ChaosSettings {
        EnumMap<ChaosFault, Double> w = new EnumMap<>(ChaosFault.class);
        for (ChaosFault f : ChaosFault.values()) w.put(f, Math.max(0, weights.getOrDefault(f, 0.0)));
        weights = Collections.unmodifiableMap(w);
    }

    /** Reads {@code poolpair.chaos}. Bad values become problems naming the key (exit 2 at the command line). */
    public static ChaosSettings fromConfig(Config root) {
        List<Problem> problems = new ArrayList<>();
        Config c;
        try {
            c = root.getConfig("poolpair.chaos");
        } catch (ConfigException e) {
            throw new InvalidInputException(Problem.error(new Origin("settings", 0), "poolpair.chaos",
                    "must be an object of chaos settings (see reference.conf)"));
        }
        long mean = duration(problems, c, "mean-time-between-faults", 60_000);
        if (mean <= 0) problems.add(problem(c, "mean-time-between-faults", "must be > 0"));
        long min = duration(problems, c, "fault-duration.min", 20_000);
        long max = duration(problems, c, "fault-duration.max", 120_000);
        if (min < 1000) problems.add(problem(c, "fault-duration.min", "must be at least 1s, got " + ChaosPlan.span(min)));
        if (max < min) problems.add(problem(c, "fault-duration.max", "must not be shorter than fault-duration.min ("
                + ChaosPlan.span(min) + "), got " + ChaosPlan.span(max)));
        int cap = get(problems, c, "max-concurrent-faults", () -> c.getInt("max-concurrent-faults"), 2);
        if (cap < 1) problems.add(problem(c, "max-concurrent-faults", "must be >= 1, got " + cap));
        long warmUp = duration(problems, c, "warm-up", 20_000);
        long settle = duration(problems, c, "settle", 60_000);
        Map<ChaosFault, Double> weights = new EnumMap<>(ChaosFault.class);
        if (c.hasPath("weights")) {
            Config w;
            try {
                w = c.getConfig("weights");
            } catch (ConfigException e) {
                problems.add(problem(c, "weights", "must be an object of fault weights, e.g. weights { kill-site = 0 }"));
                w = null;
            }
            if (w != null) {
                for (String k : new java.util.TreeSet<>(w.root().keySet())) {
                    ChaosFault f = ChaosFault.parse(k);
                    if (f == null) {
                        problems.add(problem(c, "weights." + k, "'" + k + "' is not a chaos fault (one of " + ChaosFault.labels() + ")"));
                        continue;
                    }
                    Config wc = w;
                    double v = get(problems, c, "weights." + k, () -> wc.getDouble(k), 0.0);
                    if (v < 0) problems.add(problem(c, "weights." + k, "must be >= 0, got " + v));
                    else weights.put(f, v);
                }
                if (weights.values().stream().noneMatch(v -> v > 0)) {
                    problems.add(problem(c, "weights", "every weight is 0: give at least one fault a weight above 0"));
                }
            }
        } else {
            problems.add(problem(c, "weights", "missing: the menu's weights (see reference.conf)"));
        }
        boolean siteFailover = get(problems, c, "site-failover.enabled", () -> c.getBoolean("site-failover.enabled"), true);
        long decision = duration(problems, c, "site-failover.decision-delay", 120_000);
        if (decision < MIN_DECISION_MS) problems.add(problem(c, "site-failover.decision-delay", "must be at least "
                + MIN_DECISION_MS / 1000 + "s (the deployment must have seen the site's loss), got " + ChaosPlan.span(decision)));
        if (!problems.isEmpty()) throw new InvalidInputException(problems);
        return new ChaosSettings(mean, min, max, cap, warmUp, settle, weights, siteFailover, decision);
    }

    /**
     * Why a chaos run of {@code durationMs} (emulated) cannot be drawn with these settings, or null when it can: it
     * must leave time for faults between the warm-up and the final heal.
     */
    public String durationProblem(long durationMs) {
        if (durationMs <= 0) return "must be > 0";
        if (durationMs <= warmUpMs + settleMs) {
            return "leaves no time for faults: it must be longer than poolpair.chaos.warm-up (" + ChaosPlan.span(warmUpMs)
                    + ") + poolpair.chaos.settle (" + ChaosPlan.span(settleMs) + "), got " + ChaosPlan.span(durationMs);
        }
        return null;
    }

    /** One line of the settings, for the run's header. */
    public String describe() {
        return String.format(Locale.ROOT, "mean-time-between-faults %s, fault-duration %s-%s, max-concurrent-faults %d, warm-up %s,"
                        + " settle %s, site-failover %s", ChaosPlan.span(meanTimeBetweenFaultsMs), ChaosPlan.span(faultDurationMinMs),
                ChaosPlan.span(faultDurationMaxMs), maxConcurrentFaults, ChaosPlan.span(warmUpMs), ChaosPlan.span(settleMs),
                siteFailover ? "on (decision-delay " + ChaosPlan.span(siteFailoverDecisionMs) + ")" : "off");
    }

    public ChaosSettings withWeights(Map<ChaosFault, Double> w) {
        return new ChaosSettings(meanTimeBetweenFaultsMs, faultDurationMinMs, faultDurationMaxMs, maxConcurrentFaults, warmUpMs,
                settleMs, w, siteFailover, siteFailoverDecisionMs);
    }

    public ChaosSettings withMaxConcurrentFaults(int n) {
        return new ChaosSettings(meanTimeBetweenFaultsMs, faultDurationMinMs, faultDurationMaxMs, n, warmUpMs, settleMs, weights,
                siteFailover, siteFailoverDecisionMs);
    }

    public ChaosSettings withMeanTimeBetweenFaults(long ms) {
        return new ChaosSettings(ms, faultDurationMinMs, faultDurationMaxMs, maxConcurrentFaults, warmUpMs, settleMs, weights,
                siteFailover, siteFailoverDecisionMs);
    }

    public ChaosSettings withSiteFailover(boolean on) {
        return new ChaosSettings(meanTimeBetweenFaultsMs, faultDurationMinMs, faultDurationMaxMs, maxConcurrentFaults, warmUpMs,
                settleMs, weights, on, siteFailoverDecisionMs);
    }

    private static <T> T get(List<Problem> problems, Config c, String key,
                             io.poolpair.model.settings.SettingProblems.Getter<T> g, T fallback) {
        return io.poolpair.model.settings.SettingProblems.get(problems, c, "poolpair.chaos.", key, g, fallback);
    }

    private static long duration(List<Problem> problems, Config c, String key, long fallback) {
        long v;
        try {
            v = c.getDuration(key, TimeUnit.MILLISECONDS);
        } catch (ConfigException.Missing e) {
            problems.add(problem(c, key, oneLine(e.getMessage())));
            return fallback;
        } catch (ConfigException e) {
            Object raw = c.hasPath(key) ? c.getValue(key).unwrapped() : null;
            problems.add(problem(c, key, "not a duration: '" + raw + "' (write e.g. 90s, 2m, 500ms)"));
            return fallback;
        }
        if (v < 0) {
            problems.add(problem(c, key, "must not be negative"));
            return fallback;
        }
        return v;
    }

    private static Problem problem(Config c, String key, String message) {
        return io.poolpair.model.settings.SettingProblems.problem(c, "poolpair.chaos.", key, message);
    }

    private static String oneLine(String s) {
        return io.poolpair.model.settings.SettingProblems.oneLine(s);
    }
}
