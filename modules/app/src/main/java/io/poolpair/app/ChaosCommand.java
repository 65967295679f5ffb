package io.poolpair.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.chaos.ChaosPlan;
import io.poolpair.model.chaos.ChaosSettings;
import io.poolpair.model.scenario.ScenarioLoader;
import io.poolpair.model.scenario.ScenarioText;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code poolpair chaos}: a scenario drawn at random from a seed (docs/chaos.md), run like {@code poolpair run}. The
 * header lists the seed and every drawn parameter; a failing run prints the command that replays it.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Run the emulation with faults drawn at random from a seed (the same seed draws the same schedule).")
final class ChaosCommand implements Callable<Integer> {

    /** With no progress line for this long (wall), a line with the emulated time is printed. */
    static final long QUIET_LINE_WALL_MS = 10_000;

    @Option(names = "--seed", paramLabel = "S", description = "seeds the fault schedule and the users' workload (default: a random seed, printed)")
    Long seed;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "30m",
            description = "emulated length of the run, a HOCON duration such as 30m, 90s, 2h (default 30m)")
    String duration;

    @Option(names = "--topology", paramLabel = "FILE", description = "topology file (default: built-in two-site topology)")
    Path topology;

    @Option(names = "--time-scale", paramLabel = "N", description = "emulated seconds per wall second (default 10)")
    Double timeScale;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "root of run folders (default: runs)")
    Path out;

    @Option(names = "--virtual-clock", description = "run on the virtual clock: as fast as the CPU allows, the same run"
            + " for the same seed every time (time-scale ignored)")
    boolean virtualClock;

    @CommandLine.Mixin
    io.poolpair.app.http.ControlPlaneOptions http = new io.poolpair.app.http.ControlPlaneOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long durationMs;
        try {
            durationMs = parseDuration(duration);
        } catch (IllegalArgumentException e) {
            err.println("--duration: " + e.getMessage());
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        Topology t = Inputs.topology(topology, err);
        http.check(virtualClock);
        EmulatorSettings settings = Inputs.settings(topology, null, timeScale, virtualClock);
        ChaosSettings chaos = ChaosSettings.fromConfig(Inputs.config(topology));
        String tooShort = chaos.durationProblem(durationMs);
        if (tooShort != null) {
            err.println("--duration: " + tooShort);
            err.flush();
            return Main.EXIT_BAD_INPUT;
        }
        boolean randomSeed = seed == null;
        long s = randomSeed ? new SecureRandom().nextInt(Integer.MAX_VALUE) : seed;
        settings = settings.withWorkload(settings.workload().withSeed(s));

        ChaosPlan plan = ChaosPlan.draw(t, chaos, settings, s, durationMs);
        if (plan.menu().isEmpty()) {
            throw new InvalidInputException(Problem.error(new Origin("settings", 0), "poolpair.chaos.weights",
                    "no fault with a weight above 0 has a target in " + t.file() + " (" + plan.notDrawn().entrySet().stream()
                            .map(e -> e.getKey().label() + ": " + e.getValue()).collect(Collectors.joining(", ")) + ")"));
        }
        List<Problem> problems = ScenarioLoader.validate(plan.scenario(), t);
        if (!problems.isEmpty()) throw new InvalidInputException(problems);

        stdout.printf("poolpair chaos: seed %d%s, %s emulated on %s (SfB %s, %d pools), %s%n", s,
                randomSeed ? " (random)" : "", duration, t.file(), t.version().label(), t.pools().size(),
                RunSession.clockLabel(settings));
        for (String line : plan.header()) stdout.println("chaos " + line);
        String replay = replay(s);
        stdout.println("chaos replay: " + replay);
        Path dir = RunFolder.create(out, plan.scenario().name(), null);
        List<String> comments = new ArrayList<>();
        comments.add("Drawn by: " + replay);
        comments.add("The same timeline without drawing: scripts/poolpair run --scenario <this file> --seed " + s
                + (topology == null ? "" : " --topology " + shellQuote(topology.toString()))
                + (timeScale == null ? "" : " --time-scale " + RunSession.trim(timeScale))
                + (virtualClock ? " --virtual-clock" : ""));
        for (String line : plan.header()) comments.add("chaos " + line);
        RunFolder.write(dir.resolve("scenario.conf"), ScenarioText.render(plan.scenario(), comments));
        stdout.printf("run folder: %s (the drawn scenario: %s)%n", dir, dir.resolve("scenario.conf"));
        stdout.flush();

        RunSession.QuietLine quiet = new RunSession.QuietLine(QUIET_LINE_WALL_MS,
                ms -> "chaos: " + ChaosPlan.at(ms / 1000 * 1000) + " of " + ChaosPlan.at(durationMs) + " (emulated, from the scenario's start)");
        int exit = RunSession.run(stdout, dir, t, plan.scenario(), settings, quiet, http);
        if (exit != Main.EXIT_OK) {
            stdout.println("chaos: this run failed; replay it with: " + replay);
            stdout.flush();
        }
        return exit;
    }

    /**
     * The command that draws the same schedule again and runs it the same way. Settings given as
     * {@code -Dpoolpair.KEY=VALUE} are passed on through {@code POOLPAIR_JAVA_OPTS} (with the launcher's default JVM
     * options); a topology's own {@code settings} section comes with its file.
     */
    private String replay(long s) {
        StringBuilder opts = new StringBuilder();
        for (String k : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (k.startsWith("poolpair.")) opts.append(" -D").append(k).append('=').append(System.getProperty(k));
        }
        String java = opts.length() == 0 ? "" : "POOLPAIR_JAVA_OPTS=" + shellQuote(LAUNCHER_JAVA_OPTS + opts) + " ";
        return java + "scripts/poolpair chaos --seed " + s + " --duration " + shellQuote(duration)
                + (topology == null ? "" : " --topology " + shellQuote(topology.toString()))
                + (timeScale == null ? "" : " --time-scale " + RunSession.trim(timeScale))
                + (virtualClock ? " --virtual-clock" : "");
    }

    /** The JVM options scripts/poolpair uses when POOLPAIR_JAVA_OPTS is not set. */
    static final String LAUNCHER_JAVA_OPTS = "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private static String shellQuote(String s) {
        return s.matches("[A-Za-z0-9_./:=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** A HOCON duration ("30m", "90s", "2h", "500ms"; a bare number is milliseconds), positive. */
    static long parseDuration(String text) {
        Config c;
        try {
            c = ConfigFactory.parseString("d = " + com.typesafe.config.ConfigUtil.quoteString(text));
            long ms = c.getDuration("d", TimeUnit.MILLISECONDS);
            if (ms <= 0) throw new IllegalArgumentException("must be > 0, got '" + text + "'");
            return ms;
        } catch (ConfigException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (write e.g. 30m, 90s, 2h)");
        }
    }
}
