package io.poolpair.app.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.FailoverEvent.CmsMoved;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.OperationsRefused;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.PoolQuorumRegained;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.dr.Operation;
import io.poolpair.model.scenario.AdminVerb;
import io.poolpair.model.scenario.FaultKind;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import io.poolpair.model.topology.TopologyValidator;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.pool.PoolProtocol.Reply;
import io.poolpair.runtime.status.PairView;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The disaster-recovery benchmarks: a pool failover between two paired pools, and the Backup Service under a
 * write load. Users are modelled per home pool as one cohort (a mode and a serving pool), not one object per
 * user: failing over 53,000 or 106,000 users is one state change of the pair, whatever the count.
 *
 * <ul>
 *   <li>{@code dr-failover}: an SfB 2019 topology of two paired 16-FE pools (AlwaysOn AG back ends, CMS in
 *       pool-a, no Edge pools), time-scale 10. Every Front End of pool-a is killed, the CMS is failed over
 *       (first time only) and the benchmark times {@code failover-pool pool-a disaster=true} from the admin call
 *       to the {@code users-moved} event "... -> normal on pool-b". Between repetitions pool-a is healed and its
 *       users failed back. Knobs: {@code bench.dr.users} pool-a's users per run (53000,106000),
 *       {@code bench.dr.partner-users} (53000), {@code bench.dr.reps} (10), {@code bench.dr.warmup} (1),
 *       {@code bench.dr.pool-failover-duration} (1ms emulated), {@code bench.dr.failback-per-20000-users} (1s),
 *       {@code bench.dr.default-duration-reps} extra repetitions with reference.conf's pool-failover-duration
 *       in a separate deployment (1; 0 for none).</li>
 *   <li>{@code backup-lag}: the built-in default topology with a workload in which all 18,000 users of each pool add contacts
 *       raised (1000 per pool), time-scale 10, the default 2 min sync interval. The pair's view is polled
 *       ({@code EmbeddedDeployment.pairs()}) every {@code bench.lag.poll-ms} wall ms (50, i.e. 0.5 s emulated)
 *       until {@code bench.lag.syncs} syncs were seen (11: ten whole intervals between the first and the last);
 *       backup-state events are counted too. Reports the replication lag per direction, the writes shipped,
 *       the writes/s acknowledged (from the shipped counts) and the process CPU. Knobs also:
 *       {@code bench.lag.writes-per-second} (1000), {@code bench.lag.baseline-seconds} (20: the same
 *       topology at reference.conf's workload, for the CPU baseline; 0 for none).</li>
 * </ul>
 */
final class DrBench {

    static final String FAILOVER = "dr-failover";
    static final String LAG = "backup-lag";
    static final String POOL_A = "pool-a";
    static final String POOL_B = "pool-b";
    static final int SERVERS = 16;
    private static final long WAIT_MS = 60_000;

    private DrBench() {}

    // ================================================================================== dr-failover

    static void runFailover() throws Exception {
        List<Integer> usersA = Benchmarks.ints(Benchmarks.prop("bench.dr.users", "53000,106000"));
        int usersB = Benchmarks.intProp("bench.dr.partner-users", 53_000);
        int reps = Benchmarks.intProp("bench.dr.reps", 10);
        int warmup = Benchmarks.intProp("bench.dr.warmup", 1);
        String duration = Benchmarks.prop("bench.dr.pool-failover-duration", "1ms");
        String failback = Benchmarks.prop("bench.dr.failback-per-20000-users", "1s");
        int defaultReps = Benchmarks.intProp("bench.dr.default-duration-reps", 1);

        Benchmarks.result(FAILOVER, "topology", "SfB 2019, 2 paired pools of " + SERVERS + " FEs, alwayson-ag, CMS in "
                + POOL_A + ", no Edge", "");
        Benchmarks.result(FAILOVER, "user_model", "one cohort per home pool (mode + serving pool), not one object per user", "");
        for (int u : usersA) failoverRun("users" + u, u, usersB, duration, failback, warmup, reps);
        if (defaultReps > 0) {
            failoverRun("users" + usersA.get(0) + ".default-duration", usersA.get(0), usersB, "default", failback, 0, defaultReps);
        }
    }

    /** One deployment: warm-up cycles (the first also fails the CMS over), then measured failovers. */
    private static void failoverRun(String tag, int usersA, int usersB, String duration, String failback, int warmup, int reps)
            throws Exception {
        Topology t = TopologyLoader.parse(pairTopology(usersA, usersB), "bench-dr-" + usersA + ".conf");
        List<Problem> problems = TopologyValidator.validate(t);
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        for (Problem p : problems) Benchmarks.note(FAILOVER, tag + ": " + p.format());
        Benchmarks.result(FAILOVER, tag + ".validation_warnings", problems.size(), "");

        StringBuilder over = new StringBuilder();
        if (!duration.equals("default")) over.append("poolpair.dr.pool-failover-duration = ").append(duration).append('\n');
        if (!failback.equals("default")) over.append("poolpair.dr.failback-per-20000-users = ").append(failback).append('\n');
        Config config = ConfigFactory.systemProperties().withFallback(ConfigFactory.parseString(over.toString()))
                .withFallback(ConfigFactory.load());
        EmulatorSettings settings = settings(config);
        long durMs = settings.dr().poolFailoverMs();
        Benchmarks.result(FAILOVER, tag + ".users", POOL_A + "=" + usersA + " " + POOL_B + "=" + usersB, "");
        Benchmarks.result(FAILOVER, tag + ".time_scale", Benchmarks.trim(settings.timeScale()), "");
        Benchmarks.result(FAILOVER, tag + ".pool_failover_duration", durMs, "ms emulated (" + settings.toWallMs(durMs) + " ms wall)");
        Benchmarks.result(FAILOVER, tag + ".registrar_failure_detection", settings.dr().registrarFailureDetectionMs(), "ms emulated");

        Path dir = Files.createTempDirectory("poolpair-bench-dr");
        try (EventBus bus = new EventBus(dir.resolve("events.jsonl"), true)) {
            var started = Health.whenStarted(t, bus);
            long t0 = System.currentTimeMillis();
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(settings.timeScale()),
                    bus, config)) {
                long at = started.get(30, TimeUnit.SECONDS);
                Benchmarks.note(FAILOVER, tag + ": both pools running " + (at - t0) + " ms after start");
                awaitUsersHome(d, WAIT_MS);
                for (int i = 0; i < warmup; i++) failoverOnce(d, tag, usersA, true);
                List<Sample> samples = new ArrayList<>();
                for (int i = 0; i < reps; i++) samples.add(failoverOnce(d, tag, usersA, i < reps - 1));
                report(tag, samples, settings);
            }
        } finally {
            FailoverBench.deleteTree(dir);
        }
    }

    /**
     * Kills pool-a's Front Ends, fails the CMS over if it is in pool-a, then times the users' failover; fails
     * them back afterwards when {@code failBack}.
     */
    private static Sample failoverOnce(EmbeddedDeployment d, String tag, int users, boolean failBack) throws Exception {
        EventBus bus = d.bus();
        Waiter out = Waiter.on(bus, e -> e instanceof UsersMoved m && POOL_A.equals(m.where().pool()) && m.toMode().equals("signed-out"));
        ok(d.injectPool(POOL_A, FaultKind.KILL), "kill " + POOL_A);
        out.await(WAIT_MS, "users of " + POOL_A + " signed out");
        double cmsWall = -1;
        if (POOL_A.equals(d.site().cmsPool())) {
            Waiter cms = Waiter.on(bus, e -> e instanceof CmsMoved);
            long c0 = System.nanoTime();
            ok(d.admin(AdminVerb.FAILOVER_CMS, Map.of("force", "true")), "failover-cms");
            cms.await(WAIT_MS, "cms-moved");
            cmsWall = (cms.nanos - c0) / 1e6;
            Benchmarks.result(FAILOVER, tag + ".failover_cms_to_cms_moved.wall", Stats.fmt(cmsWall), "ms (before the timed span, once; cms-failover-duration "
                    + d.settings().dr().cmsFailoverMs() + " ms emulated)");
        }

        Waiter failing = Waiter.on(bus, e -> e instanceof PoolFailoverState s && POOL_A.equals(s.where().pool())
                && s.to().equals("FailingOver"));
        Waiter normal = Waiter.on(bus, e -> e instanceof UsersMoved m && POOL_A.equals(m.where().pool())
                && m.toMode().equals("normal") && POOL_B.equals(m.servedBy()));
        long em0 = d.clock().now().emulatedMs();
        long t0 = System.nanoTime();
        Reply r = d.admin(AdminVerb.FAILOVER_POOL, Map.of("pool", POOL_A, "disaster", "true"));
        long tReply = System.nanoTime();
        if (!r.ok()) {
            failing.cancel();
            normal.cancel();
            throw new IllegalStateException("failover-pool " + POOL_A + " refused: " + r.message());
        }
        UsersMoved moved = (UsersMoved) normal.await(WAIT_MS, "users of " + POOL_A + " -> normal on " + POOL_B);
        PoolFailoverState fo = (PoolFailoverState) failing.await(1000, "FailingOver of " + POOL_A);
        if (moved.users() != users) throw new IllegalStateException(moved.users() + " users moved, expected " + users);
        PairView.Side a = side(d.pairs().get(0), POOL_A);
        if (!a.poolState().equals("FailedOver") || !a.mode().equals("normal") || !POOL_B.equals(a.servedBy())) {
            throw new IllegalStateException("after the failover " + POOL_A + " is " + a);
        }
        Sample s = new Sample((normal.nanos - t0) / 1e6, (tReply - t0) / 1e6, moved.time().emulatedMs() - em0,
                moved.time().emulatedMs() - fo.time().emulatedMs(), -1, cmsWall);
        if (!failBack) return s;

        Waiter regained = Waiter.on(bus, e -> e instanceof PoolQuorumRegained && POOL_A.equals(e.where().pool()));
        long h0 = System.nanoTime();
        ok(d.healPool(POOL_A), "heal " + POOL_A);
        regained.await(WAIT_MS, "pool-quorum-regained of " + POOL_A);
        long restartNs = System.nanoTime() - h0;
        Waiter back = Waiter.on(bus, e -> e instanceof PoolFailoverState st && POOL_A.equals(st.where().pool())
                && st.to().equals("FailedBack"));
        Waiter home = Waiter.on(bus, e -> e instanceof UsersMoved m && POOL_A.equals(m.where().pool())
                && m.toMode().equals("normal") && POOL_A.equals(m.servedBy()));
        long f0 = System.nanoTime();
        ok(d.admin(AdminVerb.FAILBACK_POOL, Map.of("pool", POOL_A)), "failback-pool " + POOL_A);
        back.await(WAIT_MS, "FailedBack of " + POOL_A);
        home.await(WAIT_MS, "users of " + POOL_A + " -> normal on " + POOL_A);
        return new Sample(s.wallMs, s.replyMs, s.emulatedMs, s.failingToNormalEmulatedMs, (home.nanos - f0) / 1e6, cmsWall,
                restartNs / 1e6);
    }

    /** One failover: wall from the admin call to users-moved, the admin call's own reply, the same span emulated. */
    record Sample(double wallMs, double replyMs, long emulatedMs, long failingToNormalEmulatedMs, double failbackWallMs,
                  double cmsWallMs, double restartWallMs) {
        Sample(double wallMs, double replyMs, long emulatedMs, long failingToNormalEmulatedMs, double failbackWallMs,
               double cmsWallMs) {
            this(wallMs, replyMs, emulatedMs, failingToNormalEmulatedMs, failbackWallMs, cmsWallMs, -1);
        }
    }

    private static void report(String tag, List<Sample> samples, EmulatorSettings settings) {
        String p = tag + ".failover_pool_to_users_normal_on_backup";
        Stats wall = Stats.of(samples.stream().map(Sample::wallMs).toList());
        wall.print(FAILOVER, p + ".wall", "ms");
        Stats.of(samples.stream().map(s -> (double) s.emulatedMs()).toList()).print(FAILOVER, p + ".emulated", "ms");
        Stats.of(samples.stream().map(s -> (double) s.failingToNormalEmulatedMs()).toList())
                .print(FAILOVER, tag + ".failing_over_to_users_normal.emulated", "ms");
        Stats.of(samples.stream().map(Sample::replyMs).toList()).print(FAILOVER, tag + ".failover_pool_admin_reply.wall", "ms");
        List<Double> fb = samples.stream().filter(s -> s.failbackWallMs() >= 0).map(Sample::failbackWallMs).toList();
        if (!fb.isEmpty()) Stats.of(fb).print(FAILOVER, tag + ".failback_pool_to_users_normal_home.wall", "ms");
        List<Double> rs = samples.stream().filter(s -> s.restartWallMs() >= 0).map(Sample::restartWallMs).toList();
        if (!rs.isEmpty()) Stats.of(rs).print(FAILOVER, tag + ".heal_to_pool_quorum_regained.wall", "ms");
        long within = samples.stream().filter(s -> s.wallMs() <= 1000).count();
        Benchmarks.result(FAILOVER, tag + ".within_target", within + "/" + samples.size(), "");
        Benchmarks.result(FAILOVER, tag + ".target_met", wall.max() <= 1000 ? "yes" : "no", "(max " + Stats.fmt(wall.max())
                + " ms wall vs 1000 ms; pool-failover-duration " + settings.dr().poolFailoverMs() + " ms emulated)");
    }

    /** Waits until pool-a's users are signed in, in normal mode, on pool-a. */
    private static void awaitUsersHome(EmbeddedDeployment d, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (true) {
            PairView.Side a = side(d.pairs().get(0), POOL_A);
            if (a.mode().equals("normal") && POOL_A.equals(a.servedBy())) return;
            if (System.nanoTime() > deadline) throw new IllegalStateException("users of " + POOL_A + " not home: " + a);
            Thread.sleep(10);
        }
    }

    static String pairTopology(int usersA, int usersB) {
        return """
                # Benchmark topology: SfB 2019, two paired 16-FE pools (AlwaysOn AG), CMS in pool-a, no Edge pools.
                format-version = 1
                product-version = "2019"
                cms-pool = "%s"
                sites = [ { name = "site-a" }, { name = "site-b" } ]
                pools = [
                  { name = "%s", role = front-end, site = "site-a", servers = [ %s ], users = %d,
                    backup-pool = "%s", backend-mode = alwayson-ag }
                  { name = "%s", role = front-end, site = "site-b", servers = [ %s ], users = %d,
                    backup-pool = "%s", backend-mode = alwayson-ag }
                ]
                """.formatted(POOL_A, POOL_A, servers("a"), usersA, POOL_B, POOL_B, servers("b"), usersB, POOL_A);
    }

    private static String servers(String prefix) {
        return IntStream.rangeClosed(1, SERVERS).mapToObj(i -> String.format(Locale.ROOT, "\"%s-fe%02d\"", prefix, i))
                .collect(Collectors.joining(", "));
    }

    // ================================================================================== backup-lag

    /** The workload made of {@code wps} persistent writes per second per pool: all of the pool's users add contacts. */
    private static EmulatorSettings writesOnly(EmulatorSettings s, int wps) {
        int users = 18_000;
        return s.withWorkload(new io.poolpair.model.workload.WorkloadSettings(users, wps * 60.0 / users,
                s.workload().retryIntervalMs(), java.util.Map.of(io.poolpair.model.dr.Operation.ADD_CONTACT, 1.0), s.workload().seed()));
    }

    static void runBackupLag() throws Exception {
        int wps = Benchmarks.intProp("bench.lag.writes-per-second", 1000);
        int syncs = Benchmarks.intProp("bench.lag.syncs", 11);
        long pollMs = Benchmarks.intProp("bench.lag.poll-ms", 50);
        int baselineSeconds = Benchmarks.intProp("bench.lag.baseline-seconds", 20);
        int cpus = Runtime.getRuntime().availableProcessors();
        Benchmarks.result(LAG, "topology", "built-in default (2 paired 6-FE pools, 18000 users each)", "");
        Benchmarks.result(LAG, "available_processors", cpus, "");

        Topology t = TopologyLoader.loadDefault();
        Config config = ConfigFactory.systemProperties().withFallback(ConfigFactory.load());
        EmulatorSettings settings = writesOnly(settings(config), wps);
        long interval = settings.dr().backupSyncIntervalMs();
        Benchmarks.result(LAG, "writes_per_second_per_pool", Benchmarks.trim(settings.workload().operationsPerSecondPerPool()),
                "emulated (configured: every user of the pool adds contacts)");
        Benchmarks.result(LAG, "time_scale", Benchmarks.trim(settings.timeScale()), "");
        Benchmarks.result(LAG, "sync_interval", interval, "ms emulated (" + settings.toWallMs(interval) + " ms wall)");
        Benchmarks.result(LAG, "poll_interval", pollMs, "ms wall (" + Math.round(pollMs * settings.timeScale()) + " ms emulated)");

        Path dir = Files.createTempDirectory("poolpair-bench-lag");
        HeapWatch heap = new HeapWatch();
        try (EventBus bus = new EventBus(dir.resolve("events.jsonl"), false)) {
            var started = Health.whenStarted(t, bus);
            EventTally tally = new EventTally();
            bus.subscribe(tally);
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(settings.timeScale()),
                    bus, config)) {
                started.get(30, TimeUnit.SECONDS);
                Map<String, DirTrack> tracks = new LinkedHashMap<>();
                long wallDeadline = System.nanoTime() + (settings.toWallMs(interval) * (syncs + 2) + 30_000) * 1_000_000L;
                long cpuAtFirst = -1;
                long nanoAtFirst = -1;
                long cpuAtLast = -1;
                long nanoAtLast = -1;
                long maxAskEmulated = 0;
                int polls = 0;
                while (true) {
                    long before = d.clock().now().emulatedMs();
                    PairView v = d.pairs().get(0);
                    long after = d.clock().now().emulatedMs();
                    long cpu = processCpuNs();
                    long nano = System.nanoTime();
                    polls++;
                    maxAskEmulated = Math.max(maxAskEmulated, after - before);
                    java.util.Set<String> pools = v.sides().stream().map(PairView.Side::pool).collect(Collectors.toSet());
                    for (PairView.Direction dir1 : v.backup()) {
                        // user data only: the pair also shows the CMS's one-way replication, which the workload does not write to
                        if (!pools.contains(dir1.from()) || !pools.contains(dir1.to())) continue;
                        DirTrack tr = tracks.computeIfAbsent(dir1.from() + "->" + dir1.to(), k -> new DirTrack());
                        boolean synced = tr.sample(dir1, before, after);
                        if (synced && tr.syncs.size() == 1 && cpuAtFirst < 0) {
                            cpuAtFirst = cpu;
                            nanoAtFirst = nano;
                        }
                    }
                    int minSyncs = tracks.values().stream().mapToInt(x -> x.syncs.size()).min().orElse(0);
                    if (minSyncs >= syncs) {
                        cpuAtLast = cpu;
                        nanoAtLast = nano;
                        break;
                    }
                    if (System.nanoTime() > wallDeadline) {
                        throw new IllegalStateException("only " + minSyncs + " Backup Service syncs seen in both directions before the deadline");
                    }
                    Thread.sleep(pollMs);
                }
                Benchmarks.result(LAG, "polls", polls, "");
                Benchmarks.result(LAG, "max_poll_round_trip", maxAskEmulated, "ms emulated (width of the bounds on the lag at a sync)");
                boolean allWithin = true;
                for (Map.Entry<String, DirTrack> e : tracks.entrySet()) {
                    allWithin &= e.getValue().report(e.getKey(), interval);
                }
                double wallS = (nanoAtLast - nanoAtFirst) / 1e9;
                double cpuS = (cpuAtLast - cpuAtFirst) / 1e9;
                Benchmarks.result(LAG, "backup_state_events", tally.backupStates.get(), "(emitted on a state change only: "
                        + tally.states() + ")");
                Benchmarks.result(LAG, "write_refusals", tally.writeRefusals.get(), "(persistent writes refused, from operations-refused)");
                Benchmarks.result(LAG, "data_lost_events", tally.dataLost.get(), "");
                cpu(LAG, "load", cpuS, wallS, cpus);
                Benchmarks.result(LAG, "heap_peak_live_after_gc", heap.peakLiveAfterGc() < 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.1f", heap.peakLiveAfterGc() / 1048576.0), "MiB");
                Benchmarks.result(LAG, "target_met", allWithin ? "yes" : "no", "(max lag at sync <= one sync interval, "
                        + interval + " ms emulated, both directions)");
            }
        } finally {
            heap.close();
            FailoverBench.deleteTree(dir);
        }
        if (baselineSeconds > 0) baseline(baselineSeconds, cpus);
    }

    /** The same topology at reference.conf's workload: the CPU the emulation costs without the extra writes. */
    private static void baseline(int seconds, int cpus) throws Exception {
        Topology t = TopologyLoader.loadDefault();
        Config config = ConfigFactory.load();
        EmulatorSettings settings = settings(config);
        Path dir = Files.createTempDirectory("poolpair-bench-lag-base");
        try (EventBus bus = new EventBus(dir.resolve("events.jsonl"), false)) {
            var started = Health.whenStarted(t, bus);
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(settings.timeScale()),
                    bus, config)) {
                started.get(30, TimeUnit.SECONDS);
                Thread.sleep(2000); // past the start-up work
                long c0 = processCpuNs();
                long n0 = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                long c1 = processCpuNs();
                long n1 = System.nanoTime();
                Benchmarks.result(LAG, "baseline.operations_per_second_per_pool", Benchmarks.trim(settings.workload().operationsPerSecondPerPool()),
                        "emulated (reference.conf workload, " + Math.round(settings.workload().writeShare() * 100) + " % writes)");
                cpu(LAG, "baseline", (c1 - c0) / 1e9, (n1 - n0) / 1e9, cpus);
                d.pairs(); // still answering
            }
        } finally {
            FailoverBench.deleteTree(dir);
        }
    }

    private static void cpu(String bench, String prefix, double cpuS, double wallS, int cpus) {
        Benchmarks.result(bench, prefix + ".wall_window", String.format(Locale.ROOT, "%.1f", wallS), "s");
        Benchmarks.result(bench, prefix + ".process_cpu", String.format(Locale.ROOT, "%.1f", cpuS), "s");
        double cores = cpuS / wallS;
        Benchmarks.result(bench, prefix + ".cpu_cores_busy", String.format(Locale.ROOT, "%.2f", cores), "of " + cpus);
        Benchmarks.result(bench, prefix + ".cpu_headroom", String.format(Locale.ROOT, "%.0f", 100 * (1 - cores / cpus)),
                "% of the machine's CPUs");
    }

    /**
     * One Backup Service direction, from polls of the pair view. A sync shows as a new last-sync time. The
     * oldest unshipped write does not change between syncs, and the view's lag is (its emulated now - that
     * write's time) with its now between the emulated times read just before and just after the poll; so each
     * poll bounds the oldest write's time, and the lag a sync ended (sync time - oldest write's time) lies
     * between two bounds no wider than the poll's round trip.
     */
    static final class DirTrack {
        long lastSync = Long.MIN_VALUE;
        long oldestLowerBound = Long.MIN_VALUE;
        long oldestUpperBound = Long.MAX_VALUE;
        long maxSampledLag;
        long maxPending;
        /** {sync emulated ms, shipped after it, lag it ended: upper bound, lower bound (-1: unknown)} */
        final List<long[]> syncs = new ArrayList<>();
        long pendingAtEnd;
        long shippedAtEnd;

        /** Returns whether this poll saw a new sync. */
        boolean sample(PairView.Direction d, long emulatedBefore, long emulatedAfter) {
            boolean synced = false;
            if (lastSync != Long.MIN_VALUE && d.lastSyncEmulatedMs() != lastSync) {
                boolean known = oldestLowerBound != Long.MIN_VALUE;
                syncs.add(new long[] {d.lastSyncEmulatedMs(), d.shipped(),
                        known ? d.lastSyncEmulatedMs() - oldestLowerBound : -1,
                        known ? d.lastSyncEmulatedMs() - oldestUpperBound : -1});
                oldestLowerBound = Long.MIN_VALUE;
                oldestUpperBound = Long.MAX_VALUE;
                synced = true;
            }
            lastSync = d.lastSyncEmulatedMs();
            maxSampledLag = Math.max(maxSampledLag, d.lagMs());
            maxPending = Math.max(maxPending, d.pending());
            if (d.pending() > 0) {
                oldestLowerBound = Math.max(oldestLowerBound, emulatedBefore - d.lagMs());
                oldestUpperBound = Math.min(oldestUpperBound, emulatedAfter - d.lagMs());
            }
            pendingAtEnd = d.pending();
            shippedAtEnd = d.shipped();
            return synced;
        }

        /** Prints this direction's results; returns whether every lag ended by a sync stayed within the interval. */
        boolean report(String name, long interval) {
            String p = name;
            long maxEnded = syncs.stream().mapToLong(s -> s[2]).max().orElse(-1);
            long maxEndedLow = syncs.stream().mapToLong(s -> s[3]).max().orElse(-1);
            long over = syncs.stream().filter(s -> s[3] > interval).count();
            Benchmarks.result(LAG, p + ".syncs_seen", syncs.size(), "");
            for (int i = 0; i < syncs.size(); i++) {
                long[] s = syncs.get(i);
                long shippedNow = s[1] - (i == 0 ? 0 : syncs.get(i - 1)[1]);
                long gap = i == 0 ? -1 : s[0] - syncs.get(i - 1)[0];
                Benchmarks.result(LAG, p + ".sync" + (i + 1), "at=" + s[0] + " gap=" + (gap < 0 ? "n/a" : gap) + " shipped="
                        + shippedNow + " lag_at_sync=" + s[3] + ".." + s[2], "ms emulated / writes");
            }
            Benchmarks.result(LAG, p + ".max_lag_sampled", maxSampledLag, "ms emulated");
            Benchmarks.result(LAG, p + ".max_lag_at_sync", maxEndedLow + ".." + maxEnded,
                    "ms emulated (bounds on sync time - oldest unshipped write)");
            Benchmarks.result(LAG, p + ".syncs_over_one_interval", over + "/" + syncs.size(), "(lower bound of the lag above "
                    + interval + " ms)");
            Benchmarks.result(LAG, p + ".max_pending", maxPending, "writes");
            Benchmarks.result(LAG, p + ".shipped_total", shippedAtEnd, "writes");
            if (syncs.size() >= 2) {
                long[] first = syncs.get(0);
                long[] last = syncs.get(syncs.size() - 1);
                double seconds = (last[0] - first[0]) / 1000.0;
                long n = last[1] - first[1];
                Benchmarks.result(LAG, p + ".shipped_between_first_and_last_sync", n, "writes over "
                        + String.format(Locale.ROOT, "%.1f", seconds) + " s emulated (" + (syncs.size() - 1) + " intervals)");
                Benchmarks.result(LAG, p + ".acknowledged_writes_per_second", String.format(Locale.ROOT, "%.1f", n / seconds),
                        "emulated");
            }
            // the target: every sync ships data at most one interval old (what a failover at that moment would
            // lose); a poll between a sync's due time and its (timer-late) run may see a little more
            boolean within = maxEnded >= 0 && maxEnded <= interval;
            Benchmarks.result(LAG, p + ".lag_within_one_interval", within ? "yes" : over > 0 ? "no" : "undecided",
                    "(max at a sync " + maxEnded + " ms vs " + interval + " ms emulated; max seen by a poll " + maxSampledLag
                            + " ms)");
            return within;
        }
    }

    /** Counts backup-state, operations-refused (persistent writes) and data-lost events. */
    static final class EventTally implements Consumer<FailoverEvent> {
        final AtomicLong backupStates = new AtomicLong();
        final AtomicLong writeRefusals = new AtomicLong();
        final AtomicLong dataLost = new AtomicLong();
        private final Map<String, Integer> states = new LinkedHashMap<>();

        @Override
        public void accept(FailoverEvent e) {
            if (e instanceof BackupState b) {
                backupStates.incrementAndGet();
                synchronized (states) {
                    states.merge(b.fromPool() + "->" + b.toPool() + " " + b.state(), 1, Integer::sum);
                }
            } else if (e instanceof OperationsRefused r) {
                for (Map.Entry<String, Integer> c : r.counts().entrySet()) {
                    Operation op = Operation.parse(c.getKey());
                    if (op != null && op.persistentWrite()) writeRefusals.addAndGet(c.getValue());
                }
            } else if (e instanceof DataLost) {
                dataLost.incrementAndGet();
            }
        }

        String states() {
            synchronized (states) {
                return states.isEmpty() ? "none" : states.toString();
            }
        }
    }

    // ================================================================================== helpers

    /** Waits for the first event matching a predicate, noting the wall time it was published. */
    static final class Waiter implements Consumer<FailoverEvent> {
        private final EventBus bus;
        private final Predicate<FailoverEvent> match;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile FailoverEvent event;
        volatile long nanos;

        private Waiter(EventBus bus, Predicate<FailoverEvent> match) {
            this.bus = bus;
            this.match = match;
        }

        /** Subscribes before the action whose consequence it waits for. */
        static Waiter on(EventBus bus, Predicate<FailoverEvent> match) {
            Waiter w = new Waiter(bus, match);
            bus.subscribe(w);
            return w;
        }

        @Override
        public void accept(FailoverEvent e) {
            if (done.getCount() == 0 || !match.test(e)) return;
            nanos = System.nanoTime();
            event = e;
            done.countDown();
        }

        FailoverEvent await(long timeoutMs, String what) throws InterruptedException {
            try {
                if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) throw new IllegalStateException(what + ": not within " + timeoutMs + " ms");
                return event;
            } finally {
                bus.unsubscribe(this);
            }
        }

        void cancel() { bus.unsubscribe(this); }
    }

    private static EmulatorSettings settings(Config config) {
        EmulatorSettings settings = EmulatorSettings.fromConfig(config);
        List<Problem> order = settings.checkTimerOrder();
        if (!order.isEmpty()) throw new InvalidInputException(order);
        return settings;
    }

    private static long processCpuNs() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static PairView.Side side(PairView v, String pool) {
        return v.sides().stream().filter(s -> s.pool().equals(pool)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no side " + pool + " in the pair view"));
    }

    private static void ok(Reply r, String what) {
        if (!r.ok()) throw new IllegalStateException(what + " refused: " + r.message());
    }

}
