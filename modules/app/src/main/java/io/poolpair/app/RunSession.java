package io.poolpair.app;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.Where;
import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.deploy.EmbeddedDeployment;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.scenario.ScenarioRunner;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import io.poolpair.runtime.status.PoolView;
import io.poolpair.runtime.status.ServerView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * One emulated run, shared by {@code poolpair run} and {@code poolpair chaos}: starts the whole topology in this JVM
 * (on the wall clock, or the virtual clock when the settings say so), plays the scenario, ends the users' work with
 * their final read, prints the summaries and gives the verdict ({@link RunCommand#verdict}: checkers, figure
 * expectations, results.json, report.html, exit code 0 or 1). The caller has made the run folder and printed its
 * own header.
 */
final class RunSession {

    /**
     * A line printed during the scenario when no progress line came for {@code quietWallMs} of wall time, made from
     * the emulated time since the scenario began (long waits between sparse steps still show the run is alive).
     */
    record QuietLine(long quietWallMs, LongFunction<String> line) {}

    private RunSession() {}

    /** Runs {@code s} on {@code t}; {@code quiet} may be null (no periodic line). Returns the exit code. */
    static int run(PrintWriter stdout, Path dir, Topology t, Scenario s, EmulatorSettings settings, QuietLine quiet)
            throws Exception {
        return run(stdout, dir, t, s, settings, quiet, new io.poolpair.app.http.ControlPlaneOptions());
    }

    /**
     * The same, with the HTTP control plane of {@code http} (when its port is set) serving the deployment from
     * before it is healthy until the scenario ends, or until the user stops it with {@code --serve}.
     */
    static int run(PrintWriter stdout, Path dir, Topology t, Scenario s, EmulatorSettings settings, QuietLine quiet,
                   io.poolpair.app.http.ControlPlaneOptions http) throws Exception {
        // Configure logging now: a first log call inside an actor would stall it while Logback starts.
        org.slf4j.LoggerFactory.getLogger("poolpair.timeline").debug("logging ready");
        EmulationClock clock = settings.virtualClock() ? EmulationClock.virtual() : EmulationClock.scaledWall(settings.timeScale());
        long wallStart = System.currentTimeMillis();
        io.poolpair.runtime.journal.HistoryLog history = io.poolpair.runtime.journal.HistoryLog.to(dir.resolve("history.jsonl"));
        history.record(RunResults.header(s.name(), settings.workload().seed(), settings, settings.virtualClock() ? "virtual" : "wall",
                clock.now()));
        // the deployment as the dashboard draws it, for poolpair replay (docs/dashboard.md)
        io.poolpair.app.http.TopologyJson.write(dir, io.poolpair.app.http.TopologyJson.of(t, settings));
        List<StepResult> results;
        try (history; EventBus bus = new EventBus(dir.resolve("events.jsonl"), true)) {
            bus.attachHistoryLog(history);
            CompletableFuture<Long> healthy = io.poolpair.runtime.deploy.Startup.whenHealthy(t, bus);
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, clock, bus, Inputs.pekkoConfig())) {
                io.poolpair.app.http.ControlPlane controlPlane = http.start(d, healthy, stdout,
                        io.poolpair.app.http.RunInfo.live(s.name(), dir, settings));
                bus.publish(new RunMarker(clock.now(), new Where(null, null, null, null), "run-started",
                        "scenario " + s.name() + ", topology " + t.file()));
                if (clock.isVirtual()) clock.await(healthy, 30_000); // 30 s emulated; runs the start-up's timers
                else healthy.get(30, TimeUnit.SECONDS);
                long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                bus.awaitWritten(); // the timeline lines come from the journal's thread: ours go after them
                stdout.printf("deployment healthy: every pool serving %d ms after start (%d ms after JVM start)%n",
                        System.currentTimeMillis() - wallStart, sinceJvm);
                stdout.flush();
                AtomicLong lastLineWallMs = new AtomicLong(System.currentTimeMillis());
                Consumer<String> progress = line -> {
                    bus.awaitWritten();
                    stdout.println("  " + line);
                    stdout.flush();
                    lastLineWallMs.set(System.currentTimeMillis());
                };
                ScheduledExecutorService ticker = quiet == null || clock.isVirtual() ? null
                        : quietTicker(quiet, clock, clock.now().emulatedMs(), lastLineWallMs, progress);
                try {
                    results = new ScenarioRunner(d, progress).run(s);
                } finally {
                    if (ticker != null) ticker.shutdownNow();
                }
                http.afterScenario(controlPlane, stdout);
                int read = d.finalRead();
                progress.accept("final read: " + read + " users' data read back; " + history.records() + " history records");
                List<PoolView> end = d.status();
                List<io.poolpair.runtime.status.PairView> pairs = d.pairs();
                io.poolpair.runtime.status.SiteView site = d.site();
                writeLostWrites(dir, d.lostWrites());
                bus.publish(new RunMarker(clock.now(), new Where(null, null, null, null), "run-finished", s.name()));
                bus.awaitWritten();
                summary(stdout, s, settings, clock, wallStart, dir, bus.history(), results, end);
                pairsSummary(stdout, pairs, site);
            }
        }
        return RunCommand.verdict(stdout, dir, s, t, settings, settings.virtualClock() ? "virtual" : "wall", clock.now().emulatedMs(), System.currentTimeMillis() - wallStart,
                results, List.of());
    }

    /** Checks every quarter of {@code quiet.quietWallMs()} whether a line is due, on a daemon thread. */
    private static ScheduledExecutorService quietTicker(QuietLine quiet, EmulationClock clock, long scenarioStartMs,
                                                       AtomicLong lastLineWallMs, Consumer<String> progress) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "poolpair-progress");
            th.setDaemon(true);
            return th;
        });
        long every = Math.max(1, quiet.quietWallMs() / 4);
        ticker.scheduleAtFixedRate(() -> {
            if (System.currentTimeMillis() - lastLineWallMs.get() >= quiet.quietWallMs()) {
                progress.accept(quiet.line().apply(clock.now().emulatedMs() - scenarioStartMs));
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return ticker;
    }

    /** {@code lost-writes.jsonl}: exactly which acknowledged writes a disaster-mode failover or failback lost. */
    private static void writeLostWrites(Path dir, List<io.poolpair.model.dr.WriteRecord> lost) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        com.fasterxml.jackson.databind.ObjectMapper m = io.poolpair.runtime.journal.EventJson.mapper();
        for (io.poolpair.model.dr.WriteRecord w : lost) b.append(m.writeValueAsString(w)).append('\n');
        java.nio.file.Files.writeString(dir.resolve("lost-writes.jsonl"), b.toString());
    }

    private static void summary(PrintWriter out, Scenario s, EmulatorSettings settings, EmulationClock clock, long wallStart,
                                Path dir, List<FailoverEvent> events, List<StepResult> results, List<PoolView> end) {
        long wall = System.currentTimeMillis() - wallStart;
        long emu = clock.now().emulatedMs();
        long failed = results.stream().filter(r -> !r.ok()).count();
        out.println();
        out.println("=== Summary ===");
        out.printf(Locale.ROOT, "scenario %s: %d steps, %d failed; %.1f s emulated in %.1f s wall (%s)%n",
                s.name(), results.size(), failed, emu / 1000.0, wall / 1000.0, clockLabel(settings));
        for (StepResult r : results) {
            if (!r.ok()) out.printf("  FAILED step %d (%s): %s%n", r.index() + 1, r.step(), r.message());
        }
        List<String> acts = ActSummary.lines(events);
        if (!acts.isEmpty()) {
            out.println("per act:");
            for (String a : acts) out.println("  " + a);
        }
        out.println("pools at the end:");
        for (PoolView p : end) {
            long upCount = p.servers().stream().filter(v -> v.observed().equals("up")).count();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-8s %-15s %-7s %-12s %d/%d up",
                    p.name(), p.role(), p.site(), p.state(), upCount, p.servers().size()));
            if (p.role().equals("front-end")) {
                line.append("  groups ").append(compact(p.groupsByState()));
                line.append("  users without service ").append(p.unserved()).append('/').append(p.offered());
                line.append("  load ").append(load(p.servers()));
            } else {
                line.append("  ").append(p.unit()).append(" unserved ").append(p.unserved()).append('/').append(p.offered());
            }
            out.println(line);
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (FailoverEvent e : events) counts.merge(e.type(), 1, Integer::sum);
        out.println("events: " + events.size() + " " + counts);
        out.println("events file: " + dir.resolve("events.jsonl") + "; lost writes: " + dir.resolve("lost-writes.jsonl"));
        out.flush();
    }

    private static void pairsSummary(PrintWriter out, List<io.poolpair.runtime.status.PairView> pairs,
                                     io.poolpair.runtime.status.SiteView site) {
        for (io.poolpair.runtime.status.PairView p : pairs) {
            out.println("pool pair " + p.sides().get(0).pool() + " / " + p.sides().get(1).pool() + " (Backup Service every "
                    + p.syncIntervalMs() / 1000 + " s emulated, " + p.lostWrites() + " writes lost in failovers):");
            for (io.poolpair.runtime.status.PairView.Side s : p.sides()) {
                out.printf(Locale.ROOT, "  %-8s PoolState %-11s %d users %s%s%n", s.pool(), s.poolState(), s.users(), s.mode(),
                        s.servedBy() == null ? "" : " on " + s.servedBy());
            }
            for (io.poolpair.runtime.status.PairView.Direction d : p.backup()) {
                out.printf(Locale.ROOT, "  backup %s -> %s: %s, lag %d s, %d pending, %d shipped%n", d.from(), d.to(), d.state(),
                        d.lagMs() / 1000, d.pending(), d.shipped());
            }
        }
        out.println("CMS active master: " + site.cmsPool() + "; federation route: " + site.federationEdge()
                + (site.federationUp() ? " (up)" : " (DOWN)") + "; Edge next hops: " + site.edgeNextHops());
        out.flush();
    }

    private static String compact(Map<String, Integer> byState) {
        StringBuilder b = new StringBuilder();
        byState.forEach((k, v) -> {
            if (v > 0) b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v);
        });
        return b.toString();
    }

    private static String load(List<ServerView> servers) {
        StringBuilder b = new StringBuilder();
        for (ServerView v : servers) b.append(b.length() == 0 ? "" : " ").append(v.load());
        return b.toString();
    }

    static String clockLabel(EmulatorSettings settings) {
        return settings.virtualClock() ? "virtual clock" : "time-scale " + trim(settings.timeScale());
    }

    static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
