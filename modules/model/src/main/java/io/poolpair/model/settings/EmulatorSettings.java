package io.poolpair.model.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.poolpair.model.frontend.FrontEndSettings;
import io.poolpair.model.frontend.FrontEndSettings.QuorumLossService;
import io.poolpair.model.quorum.QuorumSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The emulator's settings (the {@code poolpair} section of reference.conf, overridable by a topology's
 * {@code settings} section and the CLI). Durations named "emulated" are in emulated time, compressed by
 * {@link #timeScale()}; "wall" durations are real time.
 *
 * @param timeScale                   emulated seconds per wall second (10 = ten times faster than life)
 * @param heartbeatIntervalMs         emulated: servers heartbeat to their pool supervisor this often
 * @param suspectAfterMissed          heartbeats missed before a server is suspected
 * @param downAfterMissed             heartbeats missed before a server is declared down
 * @param registrarFailureDetectionMs emulated: Registrar failure-detection timer (120 s, [S24])
 * @param registrarFailbackDetectionMs emulated: Registrar failback-detection timer (240 s, [S24])
 * @param backendFlushIntervalMs      emulated: how often Front Ends lazily write to the back end (unconfirmed)
 * @param frontEnd                    Front End pool rules (rebuild delay, quorum-loss service, tables)
 * @param minWallHeartbeatMs          wall: the smallest heartbeat interval the emulator accepts after scaling
 * @param minWallDetectionMs          wall: a floor on heartbeat failure detection, so that scheduling hiccups
 *                                    of a busy machine are not taken for a frozen server
 * @param dr                          disaster-recovery settings (Backup Service, Registrar timers, failover)
 * @param workload                    the emulated users' workload (users per pool, rate, mix, retry)
 * @param rpoSlackMs                  emulated: how far past the Backup Service interval a measured loss window
 *                                    may reach before the lost-write checker fails the run (poolpair.check.rpo-slack)
 * @param dfsReplicationIntervalMs    emulated: DFS replication between a file store's two servers (our choice)
 * @param virtualClock                the run is on the virtual clock (time moves from one timer to the next, as fast
 *                                    as the CPU allows): time-scale is 1 inside, and the wall floors
 *                                    ({@code minWallHeartbeatMs}, {@code minWallDetectionMs}), which guard against a
 *                                    real machine's scheduling hiccups, do not apply: virtual time has none
 */
public record EmulatorSettings(
        double timeScale,
        long heartbeatIntervalMs,
        int suspectAfterMissed,
        int downAfterMissed,
        long registrarFailureDetectionMs,
        long registrarFailbackDetectionMs,
        long backendFlushIntervalMs,
        FrontEndSettings frontEnd,
        long minWallHeartbeatMs,
        long minWallDetectionMs,
        io.poolpair.model.dr.DrSettings dr,
        io.poolpair.model.workload.WorkloadSettings workload,
        long rpoSlackMs,
        long dfsReplicationIntervalMs,
        boolean virtualClock) {

    /** Reads the {@code poolpair} section. Bad values become problems naming the key. */
    public static EmulatorSettings fromConfig(Config root) {
        Config c = root.getConfig("poolpair");
        List<Problem> problems = new ArrayList<>();
        double timeScale = get(problems, c, "time-scale", () -> c.getDouble("time-scale"), 10.0);
        long hb = get(problems, c, "heartbeat-interval", () -> c.getDuration("heartbeat-interval", TimeUnit.MILLISECONDS), 2000L);
        int suspect = get(problems, c, "suspect-after-missed", () -> c.getInt("suspect-after-missed"), 2);
        int down = get(problems, c, "down-after-missed", () -> c.getInt("down-after-missed"), 5);
        long reg = get(problems, c, "registrar-failure-detection", () -> c.getDuration("registrar-failure-detection", TimeUnit.MILLISECONDS), 120_000L);
        long regBack = get(problems, c, "registrar-failback-detection", () -> c.getDuration("registrar-failback-detection", TimeUnit.MILLISECONDS), 240_000L);
        long flush = get(problems, c, "backend-flush-interval", () -> c.getDuration("backend-flush-interval", TimeUnit.MILLISECONDS), 60_000L);
        long rebuild = get(problems, c, "front-end.replica-rebuild-delay", () -> c.getDuration("front-end.replica-rebuild-delay", TimeUnit.MILLISECONDS), 60_000L);
        int qlAt = get(problems, c, "front-end.quorum-loss-at-live-replicas", () -> c.getInt("front-end.quorum-loss-at-live-replicas"), 1);
        String qlServiceText = get(problems, c, "front-end.quorum-loss-service", () -> c.getString("front-end.quorum-loss-service"), "read-only");
        QuorumLossService qlService = QuorumLossService.parse(qlServiceText);
        if (qlService == null) {
            problems.add(problem(c, "front-end.quorum-loss-service", "'" + qlServiceText + "' is not one of read-only, none, full"));
            qlService = QuorumLossService.READ_ONLY;
        }
        int guideline = get(problems, c, "front-end.users-per-server-guideline", () -> c.getInt("front-end.users-per-server-guideline"), 6_660);
        boolean twelve = get(problems, c, "quorum.twelve-front-ends-2019-first-twelve", () -> c.getBoolean("quorum.twelve-front-ends-2019-first-twelve"), true);
        Map<Integer, Integer> overrides = new HashMap<>(QuorumSettings.DEFAULT.startOverrides());
        if (c.hasPath("quorum.start-overrides")) {
            Config o = c.getConfig("quorum.start-overrides");
            for (String k : o.root().keySet()) {
                try {
                    overrides.put(Integer.parseInt(k), o.getInt(k));
                } catch (RuntimeException e) {
                    problems.add(problem(c, "quorum.start-overrides." + k, "must map a pool size to a server count"));
                }
            }
        }
        long minWall = get(problems, c, "min-wall-heartbeat", () -> c.getDuration("min-wall-heartbeat", TimeUnit.MILLISECONDS), 5L);
        long minDetect = get(problems, c, "min-wall-detection", () -> c.getDuration("min-wall-detection", TimeUnit.MILLISECONDS), 1000L);
        io.poolpair.model.dr.DrSettings dr = drSettings(c, reg, regBack, problems);
        io.poolpair.model.workload.WorkloadSettings workload = workload(c, problems);
        long rpoSlack = get(problems, c, "check.rpo-slack", () -> c.getDuration("check.rpo-slack", TimeUnit.MILLISECONDS), 30_000L);
        if (rpoSlack < 0) problems.add(problem(c, "check.rpo-slack", "must be >= 0"));
        long dfs = get(problems, c, "dr.dfs-replication-interval", () -> c.getDuration("dr.dfs-replication-interval", TimeUnit.MILLISECONDS), 300_000L);
        if (!problems.isEmpty()) throw new InvalidInputException(problems);
        FrontEndSettings fe = new FrontEndSettings(3, qlAt, qlService, rebuild, guideline, new QuorumSettings(twelve, overrides));
        return new EmulatorSettings(timeScale, hb, suspect, down, reg, regBack, flush, fe, minWall, minDetect, dr, workload, rpoSlack, dfs, false);
    }

    private static io.poolpair.model.workload.WorkloadSettings workload(Config c, List<Problem> problems) {
        var d = io.poolpair.model.workload.WorkloadSettings.DEFAULT;
        int users = get(problems, c, "workload.users-per-pool", () -> c.getInt("workload.users-per-pool"), d.usersPerPool());
        if (users < 0) problems.add(problem(c, "workload.users-per-pool", "must be >= 0, got " + users));
        double rate = get(problems, c, "workload.operations-per-user-per-minute",
                () -> c.getDouble("workload.operations-per-user-per-minute"), d.operationsPerUserPerMinute());
        if (rate < 0) problems.add(problem(c, "workload.operations-per-user-per-minute", "must be >= 0, got " + rate));
        long retry = get(problems, c, "workload.retry-interval", () -> c.getDuration("workload.retry-interval", TimeUnit.MILLISECONDS),
                d.retryIntervalMs());
        if (retry <= 0) problems.add(problem(c, "workload.retry-interval", "must be > 0"));
        Map<io.poolpair.model.dr.Operation, Double> mix = new java.util.LinkedHashMap<>();
        if (c.hasPath("workload.mix")) {
            Config m = c.getConfig("workload.mix");
            for (String k : new java.util.TreeSet<>(m.root().keySet())) {
                io.poolpair.model.dr.Operation op = io.poolpair.model.dr.Operation.parse(k);
                if (op == null) {
                    problems.add(problem(c, "workload.mix." + k, "'" + k + "' is not an operation ("
                            + io.poolpair.model.dr.Operation.labels() + ")"));
                    continue;
                }
                double w = get(problems, c, "workload.mix." + k, () -> m.getDouble(k), 0.0);
                if (w < 0) problems.add(problem(c, "workload.mix." + k, "must be >= 0, got " + w));
                else if (w > 0) mix.put(op, w);
            }
        } else {
            mix.putAll(d.mix());
        }
        long seed = get(problems, c, "workload.seed", () -> c.getLong("workload.seed"), d.seed());
        return new io.poolpair.model.workload.WorkloadSettings(Math.max(0, users), Math.max(0, rate), Math.max(1, retry), mix, seed);
    }

    private static io.poolpair.model.dr.DrSettings drSettings(Config c, long reg, long regBack, List<Problem> problems) {
        long sync = get(problems, c, "dr.backup-sync-interval", () -> c.getDuration("dr.backup-sync-interval", TimeUnit.MILLISECONDS), 120_000L);
        if (sync < io.poolpair.model.dr.BackupService.MIN_INTERVAL_MS || sync > io.poolpair.model.dr.BackupService.MAX_INTERVAL_MS) {
            problems.add(problem(c, "dr.backup-sync-interval", "must be 5 s to 3 h ([P6]), got " + sync + " ms"));
            sync = 120_000L;
        }
        long failover = get(problems, c, "dr.pool-failover-duration", () -> c.getDuration("dr.pool-failover-duration", TimeUnit.MILLISECONDS), 120_000L);
        long failback = get(problems, c, "dr.failback-per-20000-users", () -> c.getDuration("dr.failback-per-20000-users", TimeUnit.MILLISECONDS), 600_000L);
        long cms = get(problems, c, "dr.cms-failover-duration", () -> c.getDuration("dr.cms-failover-duration", TimeUnit.MILLISECONDS), 60_000L);
        String relogonText = get(problems, c, "dr.relogon-before-failover", () -> c.getString("dr.relogon-before-failover"), "redirect");
        io.poolpair.model.dr.DrSettings.Relogon relogon = io.poolpair.model.dr.DrSettings.Relogon.parse(relogonText);
        if (relogon == null) {
            problems.add(problem(c, "dr.relogon-before-failover", "'" + relogonText + "' is not one of redirect, reject"));
            relogon = io.poolpair.model.dr.DrSettings.Relogon.REDIRECT;
        }
        long beThreshold = get(problems, c, "dr.back-end-unavailable-threshold", () -> c.getDuration("dr.back-end-unavailable-threshold", TimeUnit.MILLISECONDS), 1_800_000L);
        long beAuto = get(problems, c, "dr.back-end-auto-failover", () -> c.getDuration("dr.back-end-auto-failover", TimeUnit.MILLISECONDS), 10_000L);
        long twoFe = get(problems, c, "dr.two-front-end-back-end-loss", () -> c.getDuration("dr.two-front-end-back-end-loss", TimeUnit.MILLISECONDS), 60_000L);
        boolean auto = get(problems, c, "dr.auto-failover.enabled", () -> c.getBoolean("dr.auto-failover.enabled"), false);
        long autoAfter = get(problems, c, "dr.auto-failover.after", () -> c.getDuration("dr.auto-failover.after", TimeUnit.MILLISECONDS), 300_000L);
        return new io.poolpair.model.dr.DrSettings(reg, regBack, sync, failover, failback, cms, relogon, beThreshold, beAuto,
                twoFe, auto, autoAfter);
    }

    private static <T> T get(List<Problem> problems, Config c, String key, SettingProblems.Getter<T> g, T fallback) {
        return SettingProblems.get(problems, c, "poolpair.", key, g, fallback);
    }

    private static Problem problem(Config c, String key, String message) {
        return SettingProblems.problem(c, "poolpair.", key, message);
    }

    /** Emulated heartbeat interval converted to wall milliseconds. */
    public long wallHeartbeatMs() { return toWallMs(heartbeatIntervalMs); }

    public long toWallMs(long emulatedMs) { return Math.max(1, Math.round(emulatedMs / timeScale)); }

    /** Emulated time from a server's last heartbeat to its down verdict (before the wall floor). */
    public long failureDetectionMs() { return heartbeatIntervalMs * downAfterMissed; }

    /** The wall-time floor on detection, in emulated milliseconds at this time-scale; 0 on the virtual clock. */
    public long minDetectionEmulatedMs() { return virtualClock ? 0 : Math.round(minWallDetectionMs * timeScale); }

    /** A time-scale for the scaled wall clock; ignored on the virtual clock, which runs at 1 inside. */
    public EmulatorSettings withTimeScale(double scale) {
        if (virtualClock) return this;
        return new EmulatorSettings(scale, heartbeatIntervalMs, suspectAfterMissed, downAfterMissed,
                registrarFailureDetectionMs, registrarFailbackDetectionMs, backendFlushIntervalMs, frontEnd, minWallHeartbeatMs, minWallDetectionMs, dr, workload, rpoSlackMs, dfsReplicationIntervalMs,
                false);
    }

    /**
     * The same settings for a run on the virtual clock: time-scale 1 (scheduler milliseconds are emulated
     * milliseconds) and no wall floors (see {@link #virtualClock()}).
     */
    public EmulatorSettings withVirtualClock() {
        return new EmulatorSettings(1, heartbeatIntervalMs, suspectAfterMissed, downAfterMissed,
                registrarFailureDetectionMs, registrarFailbackDetectionMs, backendFlushIntervalMs, frontEnd, minWallHeartbeatMs,
                minWallDetectionMs, dr, workload, rpoSlackMs, dfsReplicationIntervalMs, true);
    }

    public EmulatorSettings withDr(io.poolpair.model.dr.DrSettings d) {
        return new EmulatorSettings(timeScale, heartbeatIntervalMs, suspectAfterMissed, downAfterMissed,
                registrarFailureDetectionMs, registrarFailbackDetectionMs, backendFlushIntervalMs, frontEnd, minWallHeartbeatMs,
                minWallDetectionMs, d, workload, rpoSlackMs, dfsReplicationIntervalMs, virtualClock);
    }

    public EmulatorSettings withWorkload(io.poolpair.model.workload.WorkloadSettings w) {
        return new EmulatorSettings(timeScale, heartbeatIntervalMs, suspectAfterMissed, downAfterMissed,
                registrarFailureDetectionMs, registrarFailbackDetectionMs, backendFlushIntervalMs, frontEnd, minWallHeartbeatMs,
                minWallDetectionMs, dr, w, rpoSlackMs, dfsReplicationIntervalMs, virtualClock);
    }

    public EmulatorSettings withFrontEnd(FrontEndSettings fe) {
        return new EmulatorSettings(timeScale, heartbeatIntervalMs, suspectAfterMissed, downAfterMissed,
                registrarFailureDetectionMs, registrarFailbackDetectionMs, backendFlushIntervalMs, fe, minWallHeartbeatMs, minWallDetectionMs, dr, workload, rpoSlackMs, dfsReplicationIntervalMs,
                virtualClock);
    }

    /**
     * Checks that the timers, once scaled, keep SfB's order: in-pool failure detection well before the
     * Registrar failure-detection timer (at most a quarter of it), the Registrar failover timer before its
     * failback timer, a replica rebuild after detection, and a wall heartbeat the actor system can keep. On the
     * virtual clock the wall floors do not apply, so no time-scale limit follows from them.
     */
    public List<Problem> checkTimerOrder() {
        List<Problem> p = new ArrayList<>();
        Origin o = new Origin("settings", 0);
        if (timeScale <= 0) p.add(Problem.error(o, "poolpair.time-scale", "must be > 0, got " + timeScale));
        if (suspectAfterMissed < 1 || downAfterMissed <= suspectAfterMissed) {
            p.add(Problem.error(o, "poolpair.down-after-missed", "need 1 <= suspect-after-missed (" + suspectAfterMissed
                    + ") < down-after-missed (" + downAfterMissed + ")"));
        }
        long detection = Math.max(failureDetectionMs(), timeScale > 0 ? minDetectionEmulatedMs() : 0);
        if (detection * 2 > registrarFailureDetectionMs) {
            p.add(Problem.error(o, detection > failureDetectionMs() ? "poolpair.time-scale" : "poolpair.heartbeat-interval",
                    "in-pool failure detection (" + detection / 1000.0 + " s emulated"
                    + (detection > failureDetectionMs() ? ", set by the " + minWallDetectionMs + " ms wall floor at time-scale "
                    + timeScale : "") + ") must stay well before the Registrar failure-detection timer ("
                    + registrarFailureDetectionMs / 1000.0 + " s): at most half of it"));
        }
        if (registrarFailureDetectionMs >= registrarFailbackDetectionMs) {
            p.add(Problem.error(o, "poolpair.registrar-failback-detection", "failback detection ("
                    + registrarFailbackDetectionMs + " ms) must be longer than failure detection ("
                    + registrarFailureDetectionMs + " ms)"));
        }
        if (registrarFailureDetectionMs < 30_000 || registrarFailureDetectionMs > 86_400_000L) {
            p.add(Problem.error(o, "poolpair.registrar-failure-detection", "must be 30 s to 24 h ([P18]), got "
                    + registrarFailureDetectionMs + " ms"));
        }
        if (frontEnd.replicaRebuildDelayMs() < failureDetectionMs()) {
            p.add(Problem.error(o, "poolpair.front-end.replica-rebuild-delay", "a replica cannot be rebuilt ("
                    + frontEnd.replicaRebuildDelayMs() + " ms) before its loss is detected (" + failureDetectionMs() + " ms)"));
        }
        if (!virtualClock && timeScale > 0 && wallHeartbeatMs() < minWallHeartbeatMs) {
            p.add(Problem.error(o, "poolpair.time-scale", "time-scale " + timeScale + " makes the heartbeat "
                    + wallHeartbeatMs() + " ms of wall time, below the " + minWallHeartbeatMs
                    + " ms the emulator can keep; lower time-scale or raise heartbeat-interval"));
        }
        return p;
    }
}
