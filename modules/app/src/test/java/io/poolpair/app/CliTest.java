package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user meets it: exit codes, one-line errors naming file, line and field, reports. */
@ExtendWith(LogCapturingExtension.class)
class CliTest {

    private static final String PROBLEM_LINE = "^\\S+:\\d+: \\S+: .+";

    private static String example(String name) {
        Path p = Cli.EXAMPLES.resolve(name);
        assertThat(p).as("example file (tests run in modules/app)").isRegularFile();
        return p.toString();
    }

    private static void assertNoStackTrace(Cli.Outcome o) {
        assertThat(o.err() + o.out()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("\tat ");
    }

    @Test
    void validateAcceptsTheDefaultExample() {
        Cli.Outcome o = Cli.run("validate", example("default.conf"));
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        assertThat(o.out()).contains("valid").contains("6 pools").contains("20 servers");
        assertThat(o.err()).isEmpty();
    }

    @Test
    void validateReportsEveryProblemOfTheBrokenExampleOnOneLineEachAndExits2() {
        String file = example("broken.conf");
        Cli.Outcome o = Cli.run("validate", file);
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.out()).doesNotContain("valid");
        List<String> lines = o.errLines();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).matches(PROBLEM_LINE).startsWith(file + ":"));
        assertThat(String.join("\n", lines))
                .contains("pools[0].backup-pool")
                .contains("pools[1].servers[2].name")
                .contains("pools[1].backend-mode");
        assertNoStackTrace(o);
    }

    @Test
    void aMissingTopologyFileIsOneLineAndExit2() {
        Cli.Outcome o = Cli.run("validate", "no-such-topology.conf");
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString().matches(PROBLEM_LINE)
                .startsWith("no-such-topology.conf:").contains("no such file");
        assertNoStackTrace(o);
    }

    @Test
    void anUnknownOptionIsOneLineAndExit2() {
        Cli.Outcome o = Cli.run("validate", "--bogus", example("default.conf"));
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString().contains("--bogus").contains("--help");
        assertNoStackTrace(o);
    }

    @Test
    void analyzeNamesTheSeedsAndTheFewestLossesThatLoseQuorum() {
        Cli.Outcome o = Cli.run("analyze", example("nine-fe-2015.conf"));
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        assertThat(o.out())
                .contains("any 4 of the first 7")
                .containsPattern("seeds\\s+servers 1-7: a-fe1, a-fe2, a-fe3, a-fe4, a-fe5, a-fe6, a-fe7")
                .containsPattern("fewest losses\\s+4 among the first 7")
                .contains("a-fe8, a-fe9");
    }

    @Test
    void analyzeJsonIsValidJsonWithTheSameFindings() throws IOException {
        Cli.Outcome o = Cli.run("analyze", "--json", example("nine-fe-2015.conf"));
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        JsonNode root = new ObjectMapper().readTree(o.out());
        JsonNode pool = root.get("frontEndPools").get(0);
        assertThat(pool.get("pool").asText()).isEqualTo("pool-a");
        JsonNode quorum = pool.get("quorum");
        assertThat(quorum.get("minimumLosses").asInt()).isEqualTo(4);
        List<String> seeds = new ArrayList<>();
        quorum.get("seeds").forEach(s -> seeds.add(s.asText()));
        assertThat(seeds).containsExactly("a-fe1", "a-fe2", "a-fe3", "a-fe4", "a-fe5", "a-fe6", "a-fe7");
        assertThat(quorum.get("nonSeedServers")).hasSize(2);
    }

    @Test
    void aScenarioNamingAnUnknownServerIsRefusedWithItsFileLineAndStep(@TempDir Path dir) throws IOException {
        Path scenario = dir.resolve("typo.conf");
        Files.writeString(scenario, """
                format-version = 1
                name = "typo"
                steps = [
                  { wait = 1s }
                  { kill = "a-fe33" }
                ]
                """, StandardCharsets.UTF_8);
        Path runs = dir.resolve("runs");
        Cli.Outcome o = Cli.run("run", "--scenario", scenario.toString(), "--out", runs.toString());
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString()
                .matches(PROBLEM_LINE)
                .startsWith(scenario + ":5: steps[1]")
                .contains("a-fe33");
        assertNoStackTrace(o);
        assertThat(runs).as("no run folder for a refused scenario").doesNotExist();
    }

    @Test
    void aTimeScaleTheWallFloorsRefuseIsNoLimitOnTheVirtualClock(@TempDir Path dir) throws IOException {
        Path scenario = dir.resolve("fast.conf");
        Files.writeString(scenario, """
                format-version = 1
                name = "fast"
                time-scale = 1000
                steps = [
                  { kill = "a-fe1" }
                  { await = server-down, server = "a-fe1", within = 1s }
                  { wait = 10m }
                ]
                """, StandardCharsets.UTF_8);
        Cli.Outcome wall = Cli.run("run", "--scenario", scenario.toString(), "--out", dir.resolve("wall").toString());
        assertThat(wall.exit()).as(wall.toString()).isEqualTo(2);
        assertThat(wall.errLines()).allSatisfy(l -> assertThat(l).matches(PROBLEM_LINE)).anySatisfy(l -> assertThat(l)
                .contains("poolpair.time-scale"));
        assertNoStackTrace(wall);

        Cli.Outcome virtual = Cli.run("run", "--virtual-clock", "--scenario", scenario.toString(), "--out",
                dir.resolve("virtual").toString());
        assertThat(virtual.exit()).as(virtual.toString()).isEqualTo(0);
        assertThat(virtual.out()).contains("virtual clock").contains("3 steps, 0 failed; 600.0 s emulated");
    }

    @Test
    void aScenarioWithABadDurationIsRefusedNamingItsLine(@TempDir Path dir) throws IOException {
        Path scenario = dir.resolve("bad-wait.conf");
        Files.writeString(scenario, """
                format-version = 1
                steps = [
                  { note = "first" }
                  { wait = soon }
                ]
                """, StandardCharsets.UTF_8);
        Cli.Outcome o = Cli.run("run", "--scenario", scenario.toString(), "--out", dir.resolve("runs").toString());
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString()
                .matches(PROBLEM_LINE)
                .startsWith(scenario + ":4: steps[1].wait")
                .contains("soon");
        assertNoStackTrace(o);
    }

    private static List<String> chaosHeader(String out) {
        return out.lines().filter(l -> l.startsWith("chaos ")).toList();
    }

    @Test
    void chaosPrintsTheDrawnScheduleRunsItAndTheSameSeedDrawsTheSameScheduleAgain(@TempDir Path dir) throws IOException {
        Path runs = dir.resolve("runs");
        String[] args = {"chaos", "--seed", "7", "--duration", "3m", "--time-scale", "60", "--out", runs.toString()};
        Cli.Outcome first = Cli.run(args);
        assertThat(first.exit()).as(first.toString()).isEqualTo(0);
        List<String> header = chaosHeader(first.out());
        assertThat(first.out()).startsWith("poolpair chaos: seed 7, 3m emulated on built-in:default-topology.conf");
        assertThat(header.get(0)).startsWith("chaos seed 7: 3m emulated");
        assertThat(header).anySatisfy(l -> assertThat(l).startsWith("chaos settings: mean-time-between-faults "))
                .anySatisfy(l -> assertThat(l).startsWith("chaos menu: kill-front-end "))
                .anySatisfy(l -> assertThat(l).matches("chaos fault 1: \\+\\d+(m\\d\\d)?s \\S+ \\S+.*"))
                .anySatisfy(l -> assertThat(l).startsWith("chaos final: ").contains("heal-all"))
                .contains("chaos replay: scripts/poolpair chaos --seed 7 --duration 3m --time-scale 60");
        assertThat(first.out()).contains("VALID: 0 failed step(s)");

        List<Path> folders;
        try (var l = Files.list(runs.resolve("chaos-7"))) {
            folders = l.filter(Files::isDirectory).toList();
        }
        assertThat(folders).hasSize(1);
        Path run = folders.get(0);
        JsonNode results = new ObjectMapper().readTree(run.resolve("results.json").toFile());
        assertThat(results.get("verdict").asText()).isEqualTo("valid");
        assertThat(results.get("scenario").asText()).isEqualTo("chaos-7");
        assertThat(results.get("seed").asLong()).as("the seed also seeds the workload").isEqualTo(7);
        // the drawn scenario is saved as a scenario file that poolpair run takes
        Cli.Outcome check = Cli.run("validate", example("default.conf"), "--scenario", run.resolve("scenario.conf").toString());
        assertThat(check.exit()).as(check.toString()).isEqualTo(0);
        assertThat(Files.readString(run.resolve("scenario.conf"))).contains("# " + header.get(0));

        Cli.Outcome second = Cli.run(args);
        assertThat(second.exit()).as(second.toString()).isEqualTo(0);
        assertThat(chaosHeader(second.out())).isEqualTo(header);
    }

    @Test
    void chaosWithoutASeedDrawsOneAndPrintsIt(@TempDir Path dir) {
        Cli.Outcome o = Cli.run("chaos", "--duration", "90s", "--time-scale", "60", "--out", dir.resolve("runs").toString());
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("poolpair chaos: seed (\\d+) \\(random\\)").matcher(o.out());
        assertThat(m.find()).as(o.out()).isTrue();
        String seed = m.group(1);
        assertThat(chaosHeader(o.out())).contains("chaos replay: scripts/poolpair chaos --seed " + seed + " --duration 90s --time-scale 60");
        assertThat(dir.resolve("runs").resolve("chaos-" + seed)).isDirectory();
    }

    @Test
    void chaosWithABadDurationIsOneLineAndExit2() {
        Cli.Outcome o = Cli.run("chaos", "--seed", "7", "--duration", "soon");
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).containsExactly("--duration: not a duration: 'soon' (write e.g. 30m, 90s, 2h)");
        assertThat(o.out()).isEmpty();

        Cli.Outcome tooShort = Cli.run("chaos", "--seed", "7", "--duration", "1m");
        assertThat(tooShort.exit()).as(tooShort.toString()).isEqualTo(2);
        assertThat(tooShort.errLines()).singleElement().asString().startsWith("--duration: leaves no time for faults")
                .contains("poolpair.chaos.warm-up (20s)");
        assertNoStackTrace(o);
        assertNoStackTrace(tooShort);
    }

    @Test
    void chaosSettingsFromATopologyAreCheckedNamingFileLineAndKey(@TempDir Path dir) throws IOException {
        Path topology = dir.resolve("chaotic.conf");
        Files.writeString(topology, Files.readString(Path.of(example("default.conf")))
                + "\nsettings {\n  chaos.max-concurrent-faults = 0\n}\n", StandardCharsets.UTF_8);
        Cli.Outcome o = Cli.run("chaos", "--seed", "7", "--duration", "3m", "--topology", topology.toString(),
                "--out", dir.resolve("runs").toString());
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString().matches(PROBLEM_LINE)
                .startsWith(topology + ":")
                .contains("poolpair.chaos.max-concurrent-faults: must be >= 1, got 0");
        assertThat(dir.resolve("runs")).doesNotExist();
        assertNoStackTrace(o);
    }

    @Test
    void chaosRefusesAMenuThatHasNothingForTheTopology(@TempDir Path dir) throws IOException {
        // the built-in topology has no Mediation pool: a menu of Mediation kills only has nothing to draw
        Path topology = dir.resolve("no-menu.conf");
        Files.writeString(topology, Files.readString(Path.of(example("default.conf"))) + """

                settings.chaos.weights { kill-front-end = 0, hang-front-end = 0, restart-front-end = 0, kill-edge = 0,
                  kill-director = 0, kill-persistent-chat = 0, kill-pool = 0, fail-backend = 0, fail-file-server = 0,
                  kill-site = 0, kill-mediation = 1 }
                """, StandardCharsets.UTF_8);
        Cli.Outcome o = Cli.run("chaos", "--seed", "7", "--duration", "3m", "--topology", topology.toString(),
                "--out", dir.resolve("runs").toString());
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).singleElement().asString().matches(PROBLEM_LINE)
                .contains("poolpair.chaos.weights: no fault with a weight above 0 has a target in " + topology)
                .contains("kill-mediation: no Mediation pool");
        assertThat(dir.resolve("runs")).doesNotExist();
        assertNoStackTrace(o);
    }
}
