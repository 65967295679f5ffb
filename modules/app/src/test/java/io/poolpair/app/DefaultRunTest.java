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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code poolpair run} with the built-in topology and scenario: it passes, and leaves its events and its report in
 * a run folder of its own that a later run never reuses. The verdict runs are on the virtual clock; one run is on
 * the wall clock, as a first-time user starts it, and fails only on its step results, never on its speed.
 */
@ExtendWith(LogCapturingExtension.class)
class DefaultRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAMP = "\\d{8}T\\d{6}Z(\\.\\d+)?";

    /**
     * The time-scale the built-in scenario is written for. Higher is not faster for free: a frozen server is
     * declared down only after 1 s of wall silence (min-wall-detection), which at 40 is 40 s emulated, inside
     * the scenario's 60 s window for it.
     */
    private static final String TIME_SCALE = "40";

    @Test
    void theDefaultRunPassesOnTheWallClockToo(@TempDir Path tmp) {
        Cli.Outcome o = Cli.run("run", "--out", tmp.resolve("runs").toString(), "--time-scale", TIME_SCALE);
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        assertThat(o.out()).contains("=== Summary ===").contains("0 failed").contains("(time-scale 40)");
    }

    @Test
    void theDefaultRunPassesAndWritesItsEventsToItsOwnRunFolder(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("runs");

        Cli.Outcome first = Cli.run("run", "--out", out.toString(), "--virtual-clock");
        assertThat(first.exit()).as(first.toString()).isEqualTo(0);
        assertThat(first.out()).contains("=== Summary ===").contains("0 failed").contains("(virtual clock)");

        List<Path> runs = runFolders(out.resolve("default"));
        assertThat(runs).as("run folders under %s", out).hasSize(1);
        Path run = runs.get(0);
        assertThat(run.getFileName().toString()).matches(STAMP);
        assertThat(first.out()).contains("run folder: " + run);
        assertThat(out.resolve("latest")).isSymbolicLink();
        assertThat(Files.isSameFile(out.resolve("latest"), run)).as("latest -> %s", run).isTrue();

        Path events = run.resolve("events.jsonl");
        List<JsonNode> lines = readEvents(events);
        int lost = indexOf(lines, 0, "pool-quorum-lost", "pool-a");
        assertThat(lost).as("pool-quorum-lost of pool-a in %s", events).isNotNegative();
        int regained = indexOf(lines, lost + 1, "pool-quorum-regained", "pool-a");
        assertThat(regained).as("pool-quorum-regained of pool-a after its quorum loss").isNotNegative();
        assertThat(lines.get(regained).get("how").asText()).isEqualTo("restart");
        assertThat(lines).extracting(e -> e.path("marker").asText()).contains("run-started", "run-finished");
        byte[] firstRecord = Files.readAllBytes(events);

        // report.html beside results.json: the default run's site loss, failover and failback, on one small page
        Path report = run.resolve("report.html");
        assertThat(report).isRegularFile();
        assertThat(Files.size(report)).as("report.html size").isLessThan(500_000);
        String html = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(html).contains("<header id=\"verdict\" class=\"banner valid\">", "<section id=\"timeline\">",
                "<section id=\"users\">", "id=\"users-pool-a\"", "id=\"users-pool-b\"", "<section id=\"rto-rpo\">",
                "<section id=\"outage\">", "<section id=\"findings\">", "<td>kill-site site-a</td>",
                "<td>pool-a</td><td>failover</td>", "<td>pool-a</td><td>failback</td>", "<td>disaster-failover</td>");
        assertThat(html).containsPattern("<title>kill-site site-a: [0-9:]+–[0-9:]+ \\(ended by heal-site site-a\\)");
        ReportHtmlTest.assertSelfContained(html);

        // a second run, however quick, gets a new folder; the first run's record stays as it was
        Path quick = tmp.resolve("quick.conf");
        Files.writeString(quick, """
                format-version = 1
                name = "default"
                steps = [
                  { note = "a second run in the same scenario folder" }
                  { wait = 1s }
                ]
                """, StandardCharsets.UTF_8);
        Cli.Outcome second = Cli.run("run", "--out", out.toString(), "--virtual-clock", "--scenario", quick.toString());
        assertThat(second.exit()).as(second.toString()).isEqualTo(0);

        List<Path> after = runFolders(out.resolve("default"));
        assertThat(after).hasSize(2).contains(run);
        Path secondRun = after.stream().filter(p -> !p.equals(run)).findFirst().orElseThrow();
        assertThat(secondRun.getFileName().toString()).matches(STAMP);
        assertThat(Files.readAllBytes(events)).as("first run's events.jsonl untouched").isEqualTo(firstRecord);
        assertThat(Files.isSameFile(out.resolve("latest"), secondRun)).as("latest -> the second run").isTrue();
        List<JsonNode> secondLines = readEvents(secondRun.resolve("events.jsonl"));
        assertThat(secondLines).anySatisfy(e -> assertThat(e.path("detail").asText())
                .isEqualTo("a second run in the same scenario folder"));
        assertThat(indexOf(secondLines, 0, "pool-quorum-lost", "pool-a")).isNegative();
        assertThat(secondRun.resolve("report.html")).as("every run folder has its report").isRegularFile();
    }

    @Test
    void runsStartedWithinTheSameSecondStillGetFoldersOfTheirOwn(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("runs");
        List<Path> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) made.add(RunFolder.create(out, "default", null));
        assertThat(made).doesNotHaveDuplicates().allSatisfy(p -> {
            assertThat(p).isDirectory().hasParent(out.resolve("default"));
            assertThat(p.getFileName().toString()).matches(STAMP);
        });
        assertThat(runFolders(out.resolve("default"))).hasSize(5);
        assertThat(Files.isSameFile(out.resolve("latest"), made.get(4))).as("latest -> the newest").isTrue();
    }

    private static List<Path> runFolders(Path scenarioDir) throws IOException {
        try (Stream<Path> s = Files.list(scenarioDir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    private static List<JsonNode> readEvents(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).as("lines of %s", file).isNotEmpty();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = JSON.readTree(lines.get(i));
            assertThat(n.isObject()).as("line %d of %s is a JSON object", i + 1, file).isTrue();
            assertThat(n.hasNonNull("type")).as("line %d has a type", i + 1).isTrue();
            out.add(n);
        }
        return out;
    }

    private static int indexOf(List<JsonNode> events, int from, String type, String pool) {
        for (int i = from; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (e.get("type").asText().equals(type) && pool.equals(e.path("pool").asText(null))) return i;
        }
        return -1;
    }
}
