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

        return RunSession.run(stdout, dir, t, s, settings, null, http);
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

    static String clockLabel(EmulatorSettings settings) {
        return RunSession.clockLabel(settings);
    }
}
