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
import java.util.function.Consumer;

/** {@code poolpair run}: the whole topology in one JVM, driven by a scenario. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the emulation in one JVM (default: the built-in two-site topology and scenario).")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--topology", paramLabel = "FILE", description = "topology file (default: built-in two-site topology)")
    Path topology;

    @Option(names = "--scenario", paramLabel = "FILE", description = "scenario file (default: built-in scenario)")
    Path scenario;

    @Option(names = "--time-scale", paramLabel = "N", description = "emulated seconds per wall second (default 10)")
    Double timeScale;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "root of run folders (default: runs)")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "seeds the emulated users' workload (default: poolpair.workload.seed, 1)")
    Long seed;

    @Option(names = "--virtual-clock", description = "run on a virtual clock: emulated time jumps from one timer to the"
            + " next, as fast as the CPU allows, and the same inputs give the same run (time-scale is ignored;"
            + " default: the wall clock x time-scale, to watch the run live)")
    boolean virtualClock;

    @CommandLine.Mixin
    io.poolpair.app.http.ControlPlaneOptions http = new io.poolpair.app.http.ControlPlaneOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Topology t = Inputs.topology(topology, err);
        Scenario s = Inputs.scenario(scenario, t, topology != null);
        http.check(virtualClock);
        EmulatorSettings settings = Inputs.settings(topology, s, timeScale, virtualClock);
        if (seed != null) settings = settings.withWorkload(settings.workload().withSeed(seed));
        Path dir = RunFolder.create(out, s.name(), null);
        stdout.printf("poolpair run: scenario %s on %s (SfB %s, %d pools), %s%n", s.name(), t.file(),
                t.version().label(), t.pools().size(), clockLabel(settings));
        stdout.printf("run folder: %s%n", dir);
        stdout.flush();

        // Configure logging now: a first log call inside an actor would stall it while Logback starts.
        org.slf4j.LoggerFactory.getLogger("poolpair.timeline").debug("logging ready");
        EmulationClock clock = virtualClock ? EmulationClock.virtual() : EmulationClock.scaledWall(settings.timeScale());
        long wallStart = System.currentTimeMillis();
        io.poolpair.runtime.journal.HistoryLog history = io.poolpair.runtime.journal.HistoryLog.to(dir.resolve("history.jsonl"));
        history.record(RunResults.header(s.name(), settings.workload().seed(), settings, virtualClock ? "virtual" : "wall",
                clock.now()));
        List<StepResult> results;
        try (history; EventBus bus = new EventBus(dir.resolve("events.jsonl"), true)) {
            bus.attachHistoryLog(history);
            CompletableFuture<Long> healthy = io.poolpair.runtime.deploy.Startup.whenHealthy(t, bus);
            try (EmbeddedDeployment d = EmbeddedDeployment.start(t, settings, clock, bus, Inputs.pekkoConfig())) {
                io.poolpair.app.http.ControlPlane controlPlane = http.start(d, healthy, stdout);
                bus.publish(new RunMarker(clock.now(), new Where(null, null, null, null), "run-started",
                        "scenario " + s.name() + ", topology " + t.file()));
                if (clock.isVirtual()) clock.await(healthy, 30_000); // 30 s emulated; runs the start-up's timers
                else healthy.get(30, TimeUnit.SECONDS);
                long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
                stdout.printf("deployment healthy: every pool serving %d ms after start (%d ms after JVM start)%n",
                        System.currentTimeMillis() - wallStart, sinceJvm);
                stdout.flush();
                Consumer<String> progress = line -> {
                    stdout.println("  " + line);
                    stdout.flush();
                };
                results = new ScenarioRunner(d, progress).run(s);
                http.afterScenario(controlPlane, stdout);
                int read = d.finalRead();
                progress.accept("final read: " + read + " users' data read back; " + history.records() + " history records");
                List<PoolView> end = d.status();
                List<io.poolpair.runtime.status.PairView> pairs = d.pairs();
                io.poolpair.runtime.status.SiteView site = d.site();
                writeLostWrites(dir, d.lostWrites());
                bus.publish(new RunMarker(clock.now(), new Where(null, null, null, null), "run-finished", s.name()));
                summary(stdout, s, settings, clock, wallStart, dir, bus.history(), results, end);
                pairsSummary(stdout, pairs, site);
            }
        }
        return verdict(stdout, dir, s, t, settings, virtualClock ? "virtual" : "wall", clock.now().emulatedMs(), System.currentTimeMillis() - wallStart,
                results, List.of());
    }

    /**
     * Checks the history, writes results.json and says the verdict. Exit code 0 when every step, expectation and
     * checker holds, 1 otherwise.
     */
    static int verdict(PrintWriter out, Path dir, Scenario s, Topology t, EmulatorSettings settings, String clock,
                       long emulatedMs, long wallMs, List<StepResult> results, List<Map<String, Object>> expectations)
            throws java.io.IOException {
        long t0 = System.nanoTime();
        io.poolpair.model.check.Checks.Verdict v = RunResults.check(dir.resolve("history.jsonl"));
        long checkMs = (System.nanoTime() - t0) / 1_000_000;
        // the scenario's end-of-run figure expectations, against what the checkers measured
        List<StepResult> all = new java.util.ArrayList<>(results);
        for (StepResult f : ScenarioRunner.checkFigures(s, v.asFigures(), emulatedMs)) {
            for (int k = 0; k < all.size(); k++) if (all.get(k).index() == f.index()) all.set(k, f);
        }
        results = all;
        List<Map<String, Object>> expected = new java.util.ArrayList<>(expectations);
        for (StepResult r : results) {
            io.poolpair.model.scenario.Step step = s.steps().get(r.index());
            if (step instanceof io.poolpair.model.scenario.Step.ExpectEvent || step instanceof io.poolpair.model.scenario.Step.ExpectFigure) {
                Map<String, Object> e = new java.util.LinkedHashMap<>();
                e.put("index", r.index() + 1);
                e.put("expect", r.step());
                e.put("ok", r.ok());
                e.put("message", r.message());
                expected.add(e);
            }
        }
        expectations = expected;
        long failedSteps = results.stream().filter(r -> !r.ok() && !isExpectation(s, r)).count();
        long unmet = results.stream().filter(r -> !r.ok() && isExpectation(s, r)).count();
        boolean valid = failedSteps == 0 && unmet == 0 && v.valid();
        int exit = valid ? Main.EXIT_OK : Main.EXIT_FAILED;
        RunResults.RunInfo info = new RunResults.RunInfo(s.name(), t.file(), settings.workload().seed(), clock,
                settings.timeScale(), emulatedMs, wallMs, results, expectations, settings.dr().backupSyncIntervalMs(),
                settings.rpoSlackMs());
        RunResults.write(dir.resolve("results.json"), RunResults.document(info, v, valid, exit));
        ReportHtml.write(dir);
        out.println("=== Verdict (checked in " + checkMs + " ms) ===");
        for (String line : RunResults.lines(v)) out.println(line);
        for (StepResult r : results) {
            if (!r.ok()) out.println("  FAILED " + (isExpectation(s, r) ? "expectation" : "step") + " " + (r.index() + 1) + " ("
                    + r.step() + "): " + r.message());
        }
        out.println((valid ? "VALID" : "INVALID") + ": " + failedSteps + " failed step(s), " + unmet + " unmet expectation(s), "
                + v.results().stream().mapToLong(io.poolpair.model.check.CheckResult::violations).sum() + " checker violation(s)");
        out.println("results: " + dir.resolve("results.json") + "; report: " + dir.resolve("report.html") + "; history: "
                + dir.resolve("history.jsonl"));
        out.flush();
        return exit;
    }

    private static boolean isExpectation(Scenario s, StepResult r) {
        io.poolpair.model.scenario.Step step = s.steps().get(r.index());
        return step instanceof io.poolpair.model.scenario.Step.ExpectEvent || step instanceof io.poolpair.model.scenario.Step.ExpectFigure;
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

    private static String clockLabel(EmulatorSettings settings) {
        return settings.virtualClock() ? "virtual clock" : "time-scale " + trim(settings.timeScale());
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
