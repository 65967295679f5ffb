package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolpair.model.topology.NodeSpec;
import io.poolpair.model.topology.Placement;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every node of a topology's placement as a real JVM ({@code java -jar poolpair.jar node}) on loopback, on free ports,
 * and the waits a test needs: bounded, woken by each line a node prints (and re-checked at least every 250 ms for
 * answers over HTTP), never a fixed sleep.
 */
final class LocalCluster implements AutoCloseable {

    /** The JVM flags of every node: small heaps, the machine is shared (2 cores). */
    static final List<String> JVM_FLAGS = List.of("-Xmx128m", "-XX:MaxNewSize=16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECHECK = Duration.ofMillis(250);

    final Topology topology;
    final Path folder;
    final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
    private final Object monitor = new Object();
    private long version;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalCluster(Topology topology, Path folder) {
        this.topology = topology;
        this.folder = folder;
    }

    /** The jar a reactor build makes before this module's tests run; a missing jar fails the test, it never skips. */
    static Path jar() {
        String p = System.getProperty("poolpair.jar");
        if (p == null) throw new IllegalStateException("system property poolpair.jar is not set (set by modules/it/pom.xml)");
        Path jar = Path.of(p).normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the whole reactor (./mvnw -B verify, or -pl modules/it -am)");
        }
        return jar;
    }

    static Path example(String name) {
        return Path.of(System.getProperty("poolpair.examples", "../../examples")).resolve(name).normalize();
    }

    /** Starts every node of the topology's placement at once, each on a free cluster port and a free HTTP port. */
    static LocalCluster start(Path topologyFile) throws IOException {
        return start(topologyFile, List.of());
    }

    /** The same, with more arguments for every node's {@code poolpair node} (e.g. {@code --token T}). */
    static LocalCluster start(Path topologyFile, List<String> moreArgs) throws IOException {
        Path jar = jar();
        Topology t = TopologyLoader.load(topologyFile);
        Placement placement = t.placement();
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        Path folder = Path.of(System.getProperty("poolpair.it.out", "target/it-runs")).resolve("cluster-" + stamp);
        Files.createDirectories(folder);
        LocalCluster c = new LocalCluster(t, folder);
        Map<String, Integer> ports = freePorts(placement.names());
        List<String> seeds = new ArrayList<>();
        for (NodeSpec s : placement.seedNodes(t.sites())) seeds.add("127.0.0.1:" + ports.get(s.name()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String runStart = Long.toString(System.currentTimeMillis());
        try {
            for (NodeSpec n : placement.nodes()) {
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(JVM_FLAGS);
                cmd.addAll(List.of("-jar", jar.toString(), "node", "--topology", topologyFile.toString(), "--node", n.name(),
                        "--host", "127.0.0.1", "--port", Integer.toString(ports.get(n.name())), "--seed", String.join(",", seeds),
                        "--http-port", "0", "--run-start", runStart, "--out", folder.toString()));
                cmd.addAll(moreArgs);
                c.nodes.put(n.name(), new NodeProcess(n.name(), n.site(), cmd, folder.resolve(n.name() + ".log"), c::changed));
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Free ports, one per name, all distinct (each is held open until every one is chosen). */
    private static Map<String, Integer> freePorts(List<String> names) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        try {
            for (String n : names) {
                ServerSocket s = new ServerSocket(0);
                held.add(s);
                ports.put(n, s.getLocalPort());
            }
        } finally {
            for (ServerSocket s : held) s.close();
        }
        return ports;
    }

    private void changed() {
        synchronized (monitor) {
            version++;
            monitor.notifyAll();
        }
    }

    NodeProcess node(String name) {
        NodeProcess n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("no node " + name);
        return n;
    }

    List<NodeProcess> live() {
        return nodes.values().stream().filter(n -> n.process.isAlive()).toList();
    }

    /**
     * Waits until {@code condition} holds: re-checked whenever a node prints a line or ends, and at least every 250 ms;
     * fails with {@code what} and the state {@code describe} gives after {@code bound}.
     */
    void await(String what, Duration bound, BooleanSupplier condition, Supplier<String> describe) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        long seen;
        synchronized (monitor) {
            seen = version;
        }
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AssertionError("not within " + bound.toSeconds() + " s: " + what + "; " + describe.get()
                    + " (node logs in " + folder + ")");
            synchronized (monitor) {
                if (version == seen) monitor.wait(Math.max(1, Math.min(left, RECHECK.toNanos()) / 1_000_000));
                seen = version;
            }
        }
    }

    /** Waits until every node says it is Up in its data center, then until each of {@code pools} has started. */
    void awaitUpAndRunning(Duration bound, List<String> pools) throws InterruptedException {
        for (NodeProcess n : nodes.values()) {
            await(n.name + " Up in the cluster", bound, () -> n.printed(": Up in data center " + n.site), () -> n.name);
        }
        for (String pool : pools) {
            await(pool + " runs", bound, () -> events().stream().anyMatch(e -> "pool-quorum-regained".equals(e.path("type").asText())
                    && pool.equals(e.path("pool").asText())), () -> "events: " + events().size());
        }
    }

    /** GET a path of a node's HTTP port: the status code and the body (status 0 when it does not answer). */
    HttpAnswer get(NodeProcess n, String path) throws InterruptedException {
        String base = n.http().orElse(null);
        if (base == null || !n.process.isAlive()) return new HttpAnswer(0, "");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(3))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return new HttpAnswer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new HttpAnswer(0, e.toString());
        }
    }

    /** POST a JSON body to a path of a node's HTTP port (status 0 when it does not answer within {@code timeout}). */
    HttpAnswer post(NodeProcess n, String path, String body, Duration timeout) throws InterruptedException {
        String base = n.http().orElse(null);
        if (base == null || !n.process.isAlive()) return new HttpAnswer(0, "");
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new HttpAnswer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new HttpAnswer(0, e.toString());
        }
    }

    /**
     * The failover events every node wrote so far ({@code NODE/events.jsonl}; a pool's events are written by the node
     * its supervisor runs on, which changes when that node dies), parsed; a line still being written is skipped.
     */
    List<JsonNode> events() {
        return events(nodes.keySet());
    }

    /** The same, written by the nodes named only. */
    List<JsonNode> events(java.util.Collection<String> names) {
        List<JsonNode> out = new ArrayList<>();
        for (String name : names) {
            Path f = folder.resolve(name).resolve("events.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try {
                for (String line : Files.readAllLines(f)) {
                    try {
                        out.add(JSON.readTree(line));
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

    record HttpAnswer(int status, String body) {}

    /** A node's view of the members, from its /cluster/members; empty when it does not answer. */
    Members members(NodeProcess n) throws InterruptedException {
        HttpAnswer a = get(n, "/cluster/members");
        if (a.status() != 200) return Members.NONE;
        try {
            return Members.of(JSON.readTree(a.body()));
        } catch (IOException e) {
            return Members.NONE;
        }
    }

    /** A view of the members: node name to status and to data center, and the unreachable ones. */
    record Members(Map<String, String> status, Map<String, String> dataCenter, List<String> unreachable) {
        static final Members NONE = new Members(Map.of(), Map.of(), List.of());

        static Members of(JsonNode j) {
            Map<String, String> status = new LinkedHashMap<>();
            Map<String, String> dc = new LinkedHashMap<>();
            Map<String, String> byAddress = new LinkedHashMap<>();
            for (JsonNode m : j.path("members")) {
                String name = null;
                String site = null;
                for (JsonNode r : m.path("roles")) {
                    if (r.asText().startsWith("node-")) name = r.asText().substring(5);
                    if (r.asText().startsWith("dc-")) site = r.asText().substring(3);
                }
                if (name == null) name = m.path("node").asText();
                status.put(name, m.path("status").asText());
                dc.put(name, site);
                byAddress.put(m.path("node").asText(), name);
            }
            List<String> unreachable = new ArrayList<>();
            for (JsonNode u : j.path("unreachable")) unreachable.add(byAddress.getOrDefault(u.path("node").asText(), u.path("node").asText()));
            return new Members(status, dc, unreachable);
        }

        boolean allUp() {
            return !status.isEmpty() && status.values().stream().allMatch("Up"::equals) && unreachable.isEmpty();
        }
    }

    /** Ends every node still running (by PID, a frozen one continued first) and waits for them. */
    @Override
    public void close() {
        for (NodeProcess n : nodes.values()) n.destroy();
    }
}
