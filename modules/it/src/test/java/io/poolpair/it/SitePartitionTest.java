package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real network partition between the two sites: {@code scripts/cluster up --netns} puts each of the 6 nodes of
 * examples/cluster-two-sites.conf in its own network namespace, {@code partition site-a} cuts site-a's link to the
 * other site, {@code heal} restores it. Each site sees the other unreachable as a whole and, since no site downs a
 * member of another, nobody is downed or removed; after the heal both see each other again. Needs root and
 * iproute2; without them it is skipped with the reason, except under CI=true, where it fails instead.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class SitePartitionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FORM = Duration.ofSeconds(180);
    private static final Duration SEEN = Duration.ofSeconds(60);
    private static final Duration RECHECK = Duration.ofMillis(250);

    private Path script;
    private Path root;
    private Path dir;
    private String prefix;
    private final List<Long> pids = new ArrayList<>();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void startSixNodesInNamespaces() throws Exception {
        String why = cannotRun();
        if (why != null) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI=true and this test cannot run: " + why);
            Assumptions.abort(why);
        }
        script = Path.of(System.getProperty("poolpair.scripts", "../../scripts")).resolve("cluster").toAbsolutePath().normalize();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        root = Path.of(System.getProperty("poolpair.it.out", "target/it-runs")).resolve("netns-" + stamp).toAbsolutePath();
        Files.createDirectories(root);
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        prefix = "ppt" + HexFormat.of().formatHex(b) + "-";   // own namespaces: never another cluster's
        Run up = script(FORM.plusSeconds(30), "up", "--netns", "--topology", LocalCluster.example("cluster-two-sites.conf").toString(),
                "--timeout", Long.toString(FORM.toSeconds()));
        dir = root.resolve("latest").toRealPath();
        for (String line : Files.readAllLines(dir.resolve("nodes.tsv"))) pids.add(Long.parseLong(line.split("\t")[2]));
        assertThat(up.exit()).as(up.output()).isZero();
        assertThat(pids).hasSize(6);
    }

    @AfterAll
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void stopEveryNodeAndRemoveTheNamespaces() throws Exception {
        if (script == null) return;
        try {
            script(Duration.ofSeconds(60), "down");
        } finally {
            for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String names = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            list.waitFor(10, TimeUnit.SECONDS);
            for (String line : names.lines().toList()) {
                String ns = line.split("\\s+")[0];
                if (ns.startsWith(prefix)) new ProcessBuilder("ip", "netns", "del", ns).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aPartitionBetweenTheSitesDownsNobodyEachSiteServesItsOwnUsersAndReplicationCatchesUpAfterTheHeal() throws Exception {
        for (String pool : List.of("pool-a", "pool-b")) {
            await(pool + " runs", FORM, () -> events().stream().anyMatch(e -> type(e, "pool-quorum-regained") && pool(e, pool)));
        }
        for (String pool : List.of("pool-a", "pool-b")) {
            long before = acknowledged(pool);
            await(pool + "'s users' writes acknowledged", SEEN, () -> acknowledged(pool) >= before + 10);
        }
        long cutAt = System.currentTimeMillis();
        Run cut = script(Duration.ofSeconds(30), "partition", "site-a");
        assertThat(cut.exit()).as(cut.output()).isZero();
        Map<String, String> other = Map.of("site-a", "site-b", "site-b", "site-a");
        for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            String site = node.startsWith("a") ? "site-a" : "site-b";
            await(node + " sees " + other.get(site) + " unreachable", SEEN, () -> count(node, "dc-unreachable", other.get(site)) > 0);
        }

        // each site keeps serving its own users while cut off from the other; the Backup Service backs up both ways
        for (String pool : List.of("pool-a", "pool-b")) {
            long before = acknowledged(pool);
            await(pool + "'s users still served by their own site during the cut", SEEN, () -> acknowledged(pool) >= before + 10);
        }
        for (String from : List.of("pool-a", "pool-b")) {
            await("the Backup Service from " + from + " in backlog", SEEN.multipliedBy(2), () -> since(cutAt).stream()
                    .anyMatch(e -> type(e, "backup-state") && from.equals(e.path("fromPool").asText()) && "backlog".equals(e.path("state").asText())));
        }
        assertThat(since(cutAt)).as("no cross-site failover without the automatic policy")
                .noneMatch(e -> type(e, "pool-failover-state") || type(e, "users-moved"));

        long healAt = System.currentTimeMillis();
        Run heal = script(Duration.ofSeconds(30), "heal");
        assertThat(heal.exit()).as(heal.output()).isZero();
        for (String from : List.of("pool-a", "pool-b")) {
            await("the Backup Service from " + from + " caught up (steady)", SEEN.multipliedBy(2), () -> since(healAt).stream()
                    .anyMatch(e -> type(e, "backup-state") && from.equals(e.path("fromPool").asText()) && "steady".equals(e.path("state").asText())));
        }
        for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            String site = node.startsWith("a") ? "site-a" : "site-b";
            await(node + " sees " + other.get(site) + " reachable again", SEEN, () -> lastDc(node, other.get(site)).equals("dc-reachable"));
        }

        // no site downs a member of the other: nothing was downed or removed, every JVM still runs
        for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            for (JsonNode e : journal(node)) {
                assertThat(e.get("type").asText()).as(node + ": " + e.get("text").asText())
                        .isNotIn("member-downed", "member-removed", "self-removed", "member-unreachable");
            }
        }
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true));
        Run status = script(Duration.ofSeconds(60), "status");
        assertThat(status.exit()).as(status.output()).isZero();
        assertThat(status.output().lines().filter(l -> l.matches("^[ab][123] +site-[ab] +Up .*"))).hasSize(6);
        assertThat(status.output()).doesNotContain("unreachable:");

        // with both sites back, SfB's planned procedure: pool-a hosts the CMS, so the CMS moves first (asked at a site-a
        // node, run at site-b's copy after pulling site-a's), then edge-a is re-pointed, then pool-a's users go over
        long procedure = System.currentTimeMillis();
        String cmsFirst = post("b1", "/api/admin/failover-pool", "{\"pool\":\"pool-a\"}");
        assertThat(cmsFirst).contains("\"ok\":false").contains("pool pool-a hosts the active Central Management Store");
        String cms = post("a2", "/api/admin/failover-cms", "{}");
        assertThat(cms).contains("\"ok\":true").contains("CMS failover to pool-b started (planned: replication completed");
        await("cms-moved to pool-b", SEEN, () -> since(procedure).stream().anyMatch(e -> type(e, "cms-moved")
                && "pool-b".equals(e.path("toPool").asText())));
        String edgeFirst = post("b2", "/api/admin/failover-pool", "{\"pool\":\"pool-a\"}");
        assertThat(edgeFirst).contains("\"ok\":false").contains("Edge pool edge-a uses pool-a as its next hop");
        String hop = post("a1", "/api/admin/set-edge-next-hop", "{\"edge\":\"edge-a\",\"pool\":\"pool-b\"}");
        assertThat(hop).contains("\"ok\":true").contains("next hop of edge-a is now pool-b");
        // a planned failover of pool-a to pool-b and its failback lose nothing
        String over = post("b1", "/api/admin/failover-pool", "{\"pool\":\"pool-a\"}");
        assertThat(over).contains("\"ok\":true").contains("planned");
        long moved = System.currentTimeMillis();
        await("pool-a's users served by pool-b", SEEN, () -> servedBy("pool-a", "pool-b") > 0);
        String back = post("a1", "/api/admin/failback-pool", "{\"pool\":\"pool-a\"}");
        assertThat(back).contains("\"ok\":true");
        assertThat(since(moved)).anyMatch(e -> type(e, "pool-failover-state") && "FailedBack".equals(e.path("to").asText()));

        Run check = script(Duration.ofSeconds(120), "check");
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("lost 0 (0 outside a declared loss window)").contains("VALID");
    }

    // --- the pools' events and histories (the nodes' files; a singleton's node writes its pool's) -------------------

    private List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            Path f = dir.resolve(node).resolve("events.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try {
                for (String l : Files.readAllLines(f)) {
                    try {
                        out.add(JSON.readTree(l));
                    } catch (IOException e) {
                        // the last line, half written
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    private List<JsonNode> since(long wallMs) {
        return events().stream().filter(e -> e.path("wallMs").asLong() >= wallMs).toList();
    }

    private static boolean type(JsonNode e, String t) { return t.equals(e.path("type").asText()); }

    private static boolean pool(JsonNode e, String p) { return p.equals(e.path("pool").asText()); }

    /** Acknowledged writes of {@code home}'s users so far, served by any pool. */
    private long acknowledged(String home) {
        return historyLines(l -> l.startsWith("{\"type\":\"ok\"") && l.contains("\"home\":\"" + home + "\"") && l.contains("\"value\":")
                && !l.contains("\"f\":\"read\""));
    }

    /** Acknowledged operations of {@code home}'s users served by {@code pool}. */
    private long servedBy(String home, String pool) {
        return historyLines(l -> l.startsWith("{\"type\":\"ok\"") && l.contains("\"home\":\"" + home + "\"")
                && l.contains("\"pool\":\"" + pool + "\""));
    }

    private long historyLines(java.util.function.Predicate<String> p) {
        long n = 0;
        for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
            Path f = dir.resolve(node).resolve("history.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try (var lines = Files.lines(f)) {
                n += lines.filter(p).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // being written: counted next time
            }
        }
        return n;
    }

    /** POSTs to a node's control plane from inside its namespace (its HTTP port listens there on loopback). */
    private String post(String node, String path, String body) throws IOException, InterruptedException {
        String ns = prefix + node;
        String http = Files.readAllLines(dir.resolve("nodes.tsv")).stream().filter(l -> l.startsWith(node + "\t"))
                .findFirst().orElseThrow().split("\t")[4];
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "curl", "-s", "--max-time", "60", "-X", "POST", "-d", body,
                "http://127.0.0.1:" + http + path).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /** Why this machine cannot run the test (not root, no iproute2), or null. */
    private static String cannotRun() throws InterruptedException {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            id.waitFor(10, TimeUnit.SECONDS);
            if (!uid.equals("0")) return "network namespaces need root (uid " + uid + ")";
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            if (!ip.waitFor(10, TimeUnit.SECONDS) || ip.exitValue() != 0) return "'ip netns' does not work here";
            Process curl = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            curl.getInputStream().readAllBytes();
            if (!curl.waitFor(10, TimeUnit.SECONDS) || curl.exitValue() != 0) return "curl is missing";
        } catch (IOException e) {
            return "cannot run 'id', 'ip' or 'curl': " + e.getMessage();
        }
        return null;
    }

    record Run(int exit, String output) {}

    /** Runs scripts/cluster with this test's folders and namespaces, within a bound; its output goes to a log too. */
    private Run script(Duration bound, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("bash");
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve("script.log").toFile()));
        pb.environment().put("POOLPAIR_CLUSTER_DIR", root.toString());
        pb.environment().put("POOLPAIR_CLUSTER_NETNS", prefix);
        pb.environment().put("POOLPAIR_CLUSTER_NO_BUILD", "1");
        pb.environment().put("POOLPAIR_CLUSTER_JAVA_OPTS", String.join(" ", LocalCluster.JVM_FLAGS));
        long before = Files.exists(root.resolve("script.log")) ? Files.size(root.resolve("script.log")) : 0;
        Process p = pb.start();
        if (!p.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("scripts/cluster " + String.join(" ", args) + " did not end within " + bound.toSeconds() + " s");
        }
        byte[] all = Files.readAllBytes(root.resolve("script.log"));
        return new Run(p.exitValue(), new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8));
    }

    private List<JsonNode> journal(String node) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(dir.resolve(node).resolve("cluster.jsonl"))) {
                if (!l.isBlank()) out.add(JSON.readTree(l));
            }
        } catch (IOException e) {
            // not written yet, or a line being written: the next check sees it
        }
        return out;
    }

    private long count(String node, String type, String site) {
        return journal(node).stream().filter(e -> e.get("type").asText().equals(type) && e.get("site").asText().equals(site)).count();
    }

    /** The last data-center event a node journaled about a site ("" when none). */
    private String lastDc(String node, String site) {
        String last = "";
        for (JsonNode e : journal(node)) {
            String t = e.get("type").asText();
            if (t.startsWith("dc-") && e.get("site").asText().equals(site)) last = t;
        }
        return last;
    }

    /**
     * Waits until the condition holds, re-checked whenever a node's folder changes (a journal line written) and at
     * least every 250 ms; fails after the bound.
     */
    private void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            for (String node : List.of("a1", "a2", "a3", "b1", "b2", "b3")) {
                dir.resolve(node).register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            }
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) throw new AssertionError("not within " + bound.toSeconds() + " s: " + what
                        + " (journals in " + dir + ")");
                WatchKey key = watch.poll(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }
}
