package io.poolpair.app;

import io.poolpair.model.check.Checks;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code poolpair check [RUN]}: runs the checkers again over a finished run's {@code history.jsonl} (a run
 * folder, the file itself, or {@code runs/latest}) and prints their verdict. Exit 0 valid, 1 invalid, 2 when
 * the file is missing or a line is not a history record (named by file and line).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check a finished run's history again: lost acknowledged writes, outage and RTO, sanity.")
final class CheckCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN", defaultValue = "runs/latest",
            description = "a run folder or its history.jsonl (default: runs/latest)")
    Path run;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (ClusterRunMerge.isClusterRun(run)) {
            int n = ClusterRunMerge.merge(run);
            boolean nemesis = Files.isRegularFile(run.resolve("nemesis").resolve("history.jsonl"));
            out.println("merged " + (nemesis ? n - 1 : n) + " nodes' histories and events" + (nemesis ? " and the faults scripts/cluster made" : "")
                    + " into " + run.resolve("history.jsonl") + " and "
                    + run.resolve("events.jsonl"));
        }
        Path file = Files.isDirectory(run) ? run.resolve("history.jsonl") : run;
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such history file");
        long t0 = System.nanoTime();
        Checks.Verdict v = RunResults.check(file);
        out.println("checked " + file + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        for (String line : RunResults.lines(v)) out.println(line);
        out.println(v.valid() ? "VALID" : "INVALID");
        out.flush();
        return v.valid() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
