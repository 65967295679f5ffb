package io.poolpair.app.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.frontend.RoutingGroupView;
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
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code failover-12fe}: one Enterprise pool of 12 Front Ends (SfB 2015) with 80,000 users, run live at the
 * default settings (time-scale 10). A Front End is killed (or hung) and the benchmark measures the wall time
 * from the inject call to the last primary-moved event of the routing groups whose primary it was (read from the
 * pool's status just before the fault), by listening on the event bus. Between repetitions the fault is healed
 * and the pool is left to rebalance, so every repetition starts from a balanced, fully healthy pool.
 *
 * <p>Target (the issue): 3 wall heartbeat intervals + 50 ms. A kill is seen at once (the actor terminates); a
 * hang only by missed heartbeats, so its floor is the detection interval (heartbeat x down-after-missed).
 *
 * <p>Knobs: {@code bench.groups} (480,120), {@code bench.users} (80000), {@code bench.reps} kills (20),
 * {@code bench.hang-reps} (10), {@code bench.warmup} kill/heal cycles before measuring (3),
 * {@code bench.hang-down-after-missed} extra hang variants with another down-after-missed on the first group
 * count, with the wall-time floor on detection switched off (3; "none" for none),
 * {@code bench.replica-rebuild-delay} (10s emulated; "default" for reference.conf).
 */
final class FailoverBench {

    static final String NAME = "failover-12fe";
    static final String POOL = "pool-12";
    static final int SERVERS = 12;

    /** Random wait before each fault, so faults do not fall at a fixed phase of the heartbeat and check timers. */
    private static final java.util.Random JITTER = new java.util.Random(Benchmarks.intProp("bench.seed", 1));

    private FailoverBench() {}

    static void run() throws Exception {
        List<Integer> groupCounts = Benchmarks.ints(Benchmarks.prop("bench.groups", "480,120"));
        int users = Benchmarks.intProp("bench.users", 80_000);
        int reps = Benchmarks.intProp("bench.reps", 20);
        int hangReps = Benchmarks.intProp("bench.hang-reps", 10);
        int warmup = Benchmarks.intProp("bench.warmup", 3);
        String rebuild = Benchmarks.prop("bench.replica-rebuild-delay", "10s");
        String variants = Benchmarks.prop("bench.hang-down-after-missed", "3");

        Benchmarks.result(NAME, "pool", SERVERS + "-FE SfB 2015, " + users + " users", "");
        for (int i = 0; i < groupCounts.size(); i++) {
            int g = groupCounts.get(i);
            runOne(g, users, null, reps, hangReps, warmup, rebuild);
            if (i == 0 && !variants.equals("none")) {
                for (int down : Benchmarks.ints(variants)) runOne(g, users, down, 0, hangReps, 1, rebuild);
            }
        }
    }

    /** One deployment: warm-up, {@code killReps} kills, {@code hangReps} hangs. */
    private static void runOne(int groups, int users, Integer downAfterMissed, int killReps, int hangReps, int warmup,
                               String rebuild) throws Exception {
        String tag = "rg" + groups + (downAfterMissed == null ? "" : ".down" + downAfterMissed + "-nofloor");
        Topology t = TopologyLoader.parse(topologyText(groups, users), "bench-12fe-" + groups + ".conf");
        List<Problem> problems = TopologyValidator.validate(t);
        List<Problem> errors = problems.stream().filter(Problem::isError).toList();
        if (!errors.isEmpty()) throw new InvalidInputException(errors);
        for (Problem p : problems) Benchmarks.note(NAME, p.format());

        StringBuilder over = new StringBuilder();
        if (!rebuild.equals("default")) over.append("poolpair.front-end.replica-rebuild-delay = ").append(rebuild).append('\n');
        if (downAfterMissed != null) {
            // detection by heartbeats alone: the wall-time floor on detection (min-wall-detection) switched off
            over.append("poolpair.down-after-missed = ").append(downAfterMissed).append('\n');
            over.append("poolpair.min-wall-detection = 0ms\n");
        }
        Config config = ConfigFactory.systemProperties().withFallback(ConfigFactory.parseString(over.toString()))
                .withFallback(ConfigFactory.load());
        EmulatorSettings settings = EmulatorSettings.fromConfig(config);
        List<Problem> order = settings.checkTimerOrder();
        if (!order.isEmpty()) throw new InvalidInputException(order);

        long hbWall = settings.wallHeartbeatMs();
        long detectWall = Math.max(settings.toWallMs(settings.failureDetectionMs()), settings.minWallDetectionMs());
        long rebuildWall = settings.toWallMs(settings.frontEnd().replicaRebuildDelayMs());
        double target = 3.0 * hbWall + 50;
        Benchmarks.result(NAME, tag + ".routing_groups", groups, "");
        Benchmarks.result(NAME, tag + ".time_scale", Benchmarks.trim(settings.timeScale()), "");
        Benchmarks.result(NAME, tag + ".replica_rebuild_delay", settings.frontEnd().replicaRebuildDelayMs(), "ms emulated ("
                + rebuildWall + " ms wall)");
        Benchmarks.result(NAME, tag + ".heartbeat_wall", hbWall, "ms");
        Benchmarks.result(NAME, tag + ".down_after_missed", settings.downAfterMissed(), "heartbeats");
        Benchmarks.result(NAME, tag + ".min_wall_detection", settings.minWallDetectionMs(), "ms");
        Benchmarks.result(NAME, tag + ".detection_interval_wall", detectWall, "ms (max of heartbeat x down-after-missed and min-wall-detection)");
        Benchmarks.result(NAME, tag + ".target", Stats.fmt(target), "ms");

        Path dir = Files.createTempDirectory("poolpair-bench-failover");
        try (EventBus bus = new EventBus(dir.resolve("events.jsonl"), true)) {
            var started = Health.whenStarted(t, bus);
            long t0 = System.currentTimeMillis();
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, EmulationClock.scaledWall(settings.timeScale()),
                    bus, config)) {
                long at = started.get(30, TimeUnit.SECONDS);
                Benchmarks.note(NAME, tag + ": pool running " + (at - t0) + " ms after start");
                Health.awaitFullyHealthy(d, POOL, 10_000);
                List<String> servers = t.pools().get(0).serverNames();
                int next = 0;
                for (int i = 0; i < warmup; i++) {
                    measure(d, servers.get(next++ % SERVERS), FaultKind.KILL, hbWall, rebuildWall);
                }
                if (killReps > 0) {
                    List<Sample> kills = new ArrayList<>();
                    for (int i = 0; i < killReps; i++) kills.add(measure(d, servers.get(next++ % SERVERS), FaultKind.KILL, hbWall, rebuildWall));
                    report("kill." + tag, kills, target);
                }
                if (hangReps > 0) {
                    measure(d, servers.get(next++ % SERVERS), FaultKind.HANG, hbWall, rebuildWall); // warm the hang path
                    List<Sample> hangs = new ArrayList<>();
                    for (int i = 0; i < hangReps; i++) hangs.add(measure(d, servers.get(next++ % SERVERS), FaultKind.HANG, hbWall, rebuildWall));
                    report("hang." + tag, hangs, target);
                }
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** One measured fault on {@code victim}, then heal and wait for a balanced, fully healthy pool. */
    private static Sample measure(EmbeddedDeployment d, String victim, FaultKind kind, long hbWall, long rebuildWall)
            throws Exception {
        Thread.sleep(JITTER.nextInt((int) Math.max(1, 2 * hbWall)));
        PoolView before = Health.awaitFullyHealthy(d, POOL, 10_000);
        Set<Integer> expected = new HashSet<>();
        for (RoutingGroupView g : before.routingGroups()) if (victim.equals(g.primary()) && g.serving()) expected.add(g.id());
        if (expected.isEmpty()) throw new IllegalStateException(victim + " is primary of no routing group before the " + kind.label());
        Probe probe = new Probe(victim, expected);
        d.bus().subscribe(probe);
        long t0;
        try {
            t0 = System.nanoTime();
            Reply r = d.inject(victim, kind);
            if (!r.ok()) throw new IllegalStateException(kind.label() + " " + victim + " refused: " + r.message());
            if (!probe.done.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(kind.label() + " " + victim + ": " + probe.pendingCount() + " of " + expected.size()
                        + " routing groups not re-primaried within 30 s");
            }
        } finally {
            d.bus().unsubscribe(probe);
        }
        PoolView after = d.status(POOL);
        for (RoutingGroupView g : after.routingGroups()) {
            if (expected.contains(g.id()) && (victim.equals(g.primary()) || !g.serving())) {
                throw new IllegalStateException("routing group " + g.id() + " not served by a new primary after " + kind.label());
            }
        }
        Sample s = probe.sample(t0, expected.size(), spread(before));
        Reply healed = d.heal(victim);
        if (!healed.ok()) throw new IllegalStateException("heal " + victim + " refused: " + healed.message());
        Health.awaitFullyHealthy(d, POOL, 10_000);
        // placement (replica rebuild, rebalance) is due a rebuild delay after the fault: let it move primaries back
        Thread.sleep(rebuildWall + 300);
        return s;
    }

    /** Largest minus smallest number of primaries per server. */
    private static int spread(PoolView v) {
        Map<String, Integer> primaries = new HashMap<>();
        for (ServerView s : v.servers()) primaries.put(s.name(), 0);
        for (RoutingGroupView g : v.routingGroups()) if (g.primary() != null) primaries.merge(g.primary(), 1, Integer::sum);
        int max = primaries.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int min = primaries.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        return max - min;
    }

    private static void report(String prefix, List<Sample> samples, double target) {
        Stats total = Stats.of(samples.stream().map(Sample::toLastMovedMs).toList());
        total.print(NAME, prefix + ".inject_to_last_primary_moved", "ms");
        Stats.of(samples.stream().map(Sample::toDownMs).toList()).print(NAME, prefix + ".inject_to_server_down", "ms");
        Stats.of(samples.stream().map(Sample::downToLastMovedMs).toList()).print(NAME, prefix + ".server_down_to_last_primary_moved", "ms");
        Benchmarks.result(NAME, prefix + ".groups_re_primaried", samples.stream().mapToInt(Sample::groups).min().orElse(0)
                + ".." + samples.stream().mapToInt(Sample::groups).max().orElse(0), "per fault");
        Benchmarks.result(NAME, prefix + ".primary_spread_before", samples.stream().mapToInt(Sample::spreadBefore).min().orElse(0)
                + ".." + samples.stream().mapToInt(Sample::spreadBefore).max().orElse(0), "primaries (max-min per server)");
        long within = samples.stream().filter(s -> s.toLastMovedMs() <= target).count();
        Benchmarks.result(NAME, prefix + ".within_target", within + "/" + samples.size(), "");
        // the target is for a kill; a hang is compared with it, knowing detection has its own floor
        Benchmarks.result(NAME, prefix + (prefix.startsWith("kill") ? ".target_met" : ".within_kill_target"),
                total.max() <= target ? "yes" : "no", "(max " + Stats.fmt(total.max()) + " ms vs " + Stats.fmt(target) + " ms)");
    }

    /** One fault's timings, wall ms from the inject call. */
    record Sample(double toDownMs, double toLastMovedMs, int groups, int spreadBefore) {
        double downToLastMovedMs() { return toLastMovedMs - toDownMs; }
    }

    /** Listens for the victim's server-down and the failover primary-moved events of its routing groups. */
    static final class Probe implements Consumer<FailoverEvent> {
        private final String victim;
        private final Set<Integer> pending;
        final CountDownLatch done = new CountDownLatch(1);
        private long downNs = -1;
        private long lastNs = -1;

        Probe(String victim, Set<Integer> expected) {
            this.victim = victim;
            this.pending = new HashSet<>(expected);
        }

        @Override
        public synchronized void accept(FailoverEvent e) {
            long now = System.nanoTime();
            if (e instanceof ServerDown sd && victim.equals(sd.where().server())) {
                if (downNs < 0) downNs = now;
            } else if (e instanceof PrimaryMoved pm && victim.equals(pm.fromServer()) && pm.where().routingGroup() != null
                    && pending.remove(pm.where().routingGroup()) && pending.isEmpty()) {
                lastNs = now;
                done.countDown();
            }
        }

        synchronized int pendingCount() { return pending.size(); }

        synchronized Sample sample(long t0, int groups, int spreadBefore) {
            if (downNs < 0) throw new IllegalStateException("no server-down event for " + victim);
            return new Sample((downNs - t0) / 1e6, (lastNs - t0) / 1e6, groups, spreadBefore);
        }
    }

    static String topologyText(int groups, int users) {
        String servers = java.util.stream.IntStream.rangeClosed(1, SERVERS)
                .mapToObj(i -> String.format(Locale.ROOT, "\"fe%02d\"", i)).collect(Collectors.joining(", "));
        return """
                # Benchmark topology: one Enterprise Front End pool of 12 servers (the SfB 2015 maximum).
                format-version = 1
                product-version = "2015"
                cms-pool = "%s"
                sites = [ { name = "site-a" } ]
                pools = [
                  { name = "%s", role = front-end, edition = enterprise, site = "site-a",
                    servers = [ %s ], users = %d, routing-groups = %d }
                ]
                """.formatted(POOL, POOL, servers, users, groups);
    }


    static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp folder left behind
        }
    }
}
