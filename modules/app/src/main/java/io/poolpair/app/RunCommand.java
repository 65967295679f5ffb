package io.poolpair.app;

import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Topology t = Inputs.topology(topology, err);
        Scenario s = Inputs.scenario(scenario, t, topology != null);
        EmulatorSettings settings = Inputs.settings(topology, s, timeScale);
        if (seed != null) settings = settings.withWorkload(settings.workload().withSeed(seed));
        Path dir = RunFolder.create(out, s.name(), null);
        stdout.printf("poolpair run: scenario %s on %s (SfB %s, %d pools), time-scale %s%n", s.name(), t.file(),
                t.version().label(), t.pools().size(), RunSession.trim(settings.timeScale()));
        stdout.printf("run folder: %s%n", dir);
        stdout.flush();
        return RunSession.run(stdout, dir, t, s, settings, null);
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
        long failedSteps = results.stream().filter(r -> !r.ok()).count();
        boolean expectationsHold = expectations.stream().allMatch(e -> Boolean.TRUE.equals(e.get("ok")));
        boolean valid = failedSteps == 0 && expectationsHold && v.valid();
        int exit = valid ? Main.EXIT_OK : Main.EXIT_FAILED;
        RunResults.RunInfo info = new RunResults.RunInfo(s.name(), t.file(), settings.workload().seed(), clock,
                settings.timeScale(), emulatedMs, wallMs, results, expectations, settings.dr().backupSyncIntervalMs(),
                settings.rpoSlackMs());
        RunResults.write(dir.resolve("results.json"), RunResults.document(info, v, valid, exit));
        out.println("=== Verdict (checked in " + checkMs + " ms) ===");
        for (String line : RunResults.lines(v)) out.println(line);
        out.println((valid ? "VALID" : "INVALID") + ": " + failedSteps + " failed step(s), "
                + expectations.stream().filter(e -> !Boolean.TRUE.equals(e.get("ok"))).count() + " unmet expectation(s), "
                + v.results().stream().mapToLong(io.poolpair.model.check.CheckResult::violations).sum() + " checker violation(s)");
        out.println("results: " + dir.resolve("results.json") + "; history: " + dir.resolve("history.jsonl"));
        out.flush();
        return exit;
    }

}
