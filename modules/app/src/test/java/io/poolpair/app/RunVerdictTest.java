package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * A run's verdict end to end: a site is lost and its pool failed over in disaster mode, so acknowledged writes
 * are really lost; the checkers find them in the final reads, inside the loss window the model declared, and
 * the run is valid. The same history with one more write missing from a user's final read is invalid, and
 * {@code poolpair check} says which write.
 */
@ExtendWith(LogCapturingExtension.class)
class RunVerdictTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDisasterFailoverLosesWritesOnlyInsideItsWindowAndATamperedHistoryIsCaught(@TempDir Path tmp) throws IOException {
        Path scenario = tmp.resolve("site-loss.conf");
        Files.writeString(scenario, """
                format-version = 1
                name = "site-loss"
                time-scale = 40
                steps = [
                  { wait = 150s }
                  { kill-site = "site-a" }
                  { admin = failover-cms, force = true }
                  { await = cms-moved, within = 120s }
                  { admin = failover-pool, pool = "pool-a", disaster = true }
                  { await = pool-failover-state, pool = "pool-a", text = "-> FailedOver", within = 300s }
                  { wait = 30s }
                ]
                """, StandardCharsets.UTF_8);
        Path out = tmp.resolve("runs");
        Cli.Outcome run = Cli.run("run", "--out", out.toString(), "--scenario", scenario.toString(), "--seed", "5");
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("=== Verdict").contains("VALID");

        Path dir = out.resolve("latest");
        JsonNode results = JSON.readTree(dir.resolve("results.json").toFile());
        assertThat(results.get("verdict").asText()).isEqualTo("valid");
        assertThat(results.get("seed").asLong()).isEqualTo(5);
        JsonNode figures = results.get("figures");
        assertThat(figures.get("lost-writes").asDouble()).as("writes after the last sync are lost").isPositive();
        assertThat(figures.get("unexplained-lost-writes").asDouble()).isZero();
        assertThat(figures.get("rpo").asDouble()).isPositive().isLessThanOrEqualTo(150_000);
        assertThat(figures.get("final-reads").asDouble()).isEqualTo(400);
        assertThat(figures.get("affected-users").asDouble()).as("site-a's users lost service").isPositive();
        JsonNode lostWrites = results.get("checkers").get(0);
        assertThat(lostWrites.get("name").asText()).isEqualTo("lost-writes");
        assertThat(lostWrites.get("details").get(0).get("kind").asText()).isEqualTo("disaster-failover");

        // one acknowledged write that is still there goes missing from its user's final read: the checker sees it
        Path history = dir.resolve("history.jsonl");
        List<String> lines = Files.readAllLines(history, StandardCharsets.UTF_8);
        List<String> tampered = new ArrayList<>();
        String victim = null;
        long removed = -1;
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            if (victim == null && n.path("f").asText().equals("read") && n.path("home").asText().equals("pool-b")
                    && n.path("value").size() > 0) {
                victim = n.get("process").asText();
                ArrayNode ids = (ArrayNode) n.get("value");
                removed = ids.get(0).asLong();
                ids.remove(0);
                tampered.add(JSON.writeValueAsString((ObjectNode) n));
            } else {
                tampered.add(line);
            }
        }
        assertThat(victim).as("a pool-b user with writes").isNotNull();
        Path bad = tmp.resolve("tampered.jsonl");
        Files.write(bad, tampered, StandardCharsets.UTF_8);
        Cli.Outcome check = Cli.run("check", bad.toString());
        assertThat(check.exit()).as(check.toString()).isEqualTo(1);
        assertThat(check.out()).contains("INVALID").contains("unexplained-lost-write").contains(victim + ": write " + removed);

        // the untouched history checks valid again; a broken line is bad input, named by file and line
        assertThat(Cli.run("check", dir.toString()).exit()).isZero();
        Files.writeString(bad, lines.get(0) + "\n{\"type\":\"ok\",\"process\":\"pool-a/u1\",\"em\":1}\n", StandardCharsets.UTF_8);
        Cli.Outcome broken = Cli.run("check", bad.toString());
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err().strip()).isEqualTo("poolpair: " + bad + ":2: f: missing");
    }

    @Test
    void aDisasterFailoverOfAPoolStillServingDeclaresWhatItAcknowledgesUntilTheFailoverCompletes(@TempDir Path tmp)
            throws IOException {
        Path scenario = tmp.resolve("live-failover.conf");
        Files.writeString(scenario, """
                format-version = 1
                name = "live-failover"
                steps = [
                  { wait = 1m }
                  { admin = failover-cms }
                  { await = cms-moved, within = 5m }
                  { admin = set-edge-next-hop, edge = "edge-a", pool = "pool-b" }
                  { admin = failover-pool, pool = "pool-a", disaster = true }
                  { wait = 110s }
                  { kill-pool = "pool-a" }
                  { await = pool-failover-state, pool = "pool-a", text = "-> FailedOver", within = 10m }
                  { wait = 1m }
                  { expect = unexplained-lost-writes, equals = 0 }
                  { expect = lost-writes, pool = "pool-a", at-least = 1 }
                ]
                """, StandardCharsets.UTF_8);
        Cli.Outcome run = Cli.run("run", "--virtual-clock", "--out", tmp.resolve("runs").toString(), "--scenario", scenario.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        List<String> windows = Files.readAllLines(tmp.resolve("runs").resolve("latest").resolve("history.jsonl"),
                StandardCharsets.UTF_8).stream().filter(l -> l.contains("\"loss-window\"")).toList();
        assertThat(windows).as("one window at the failover verb, one at its completion").hasSize(2);
    }
}
