package io.poolpair.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network.Ipam;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.lifecycle.Startables;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The two-site cluster of docker/docker-compose.yml made with Testcontainers: the image built from docker/Dockerfile
 * with the jar Maven packaged, networks site-a, site-b and wan (internal) with fixed subnets, six containers a1..b3
 * each on its site's network and on wan, named the way the compose file names them (extra hosts), every node's
 * folder bind-mounted under the test's run folder. Every node runs the emulation with one token and one run start
 * (the image's entrypoint turns POOLPAIR_TOKEN and POOLPAIR_RUN_START into --token and --run-start). Chaos is
 * Docker's: kill, pause, network disconnect; each is written to the run's nemesis history as scripts/cluster does.
 */
final class DockerCluster implements AutoCloseable {

    static final int CLUSTER_PORT = 25520;
    static final int HTTP_PORT = 26520;
    static final List<String> NODES = List.of("a1", "a2", "a3", "b1", "b2", "b3");
    /** The control-plane token of every node: each POST needs {@code Authorization: Bearer} it. */
    static final String TOKEN = "docker-cluster-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECHECK = Duration.ofMillis(250);

    final Path runDir;
    final String subnet;          // e.g. "10.221": wan .0.0/24, site-a .1.0/24, site-b .2.0/24
    final Network siteA;
    final Network siteB;
    final Network wan;
    final Map<String, Node> nodes = new LinkedHashMap<>();
    /** The run's emulated zero, epoch ms: every node's --run-start. */
    final long runStart = System.currentTimeMillis();
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One node: its container and where its files are on the host. */
    static final class Node extends GenericContainer<Node> {
        final String name;
        final String site;
        final String wanIp;
        final Path dir;
        private final String wanId;

        Node(ImageFromDockerfile image, String name, String site, String wanIp, String wanId, Path dir) {
            super(image);
            this.name = name;
            this.site = site;
            this.wanIp = wanIp;
            this.wanId = wanId;
            this.dir = dir;
        }

        /** Before it starts, the container joins wan too, at its fixed address (Testcontainers gives it one network). */
        @Override
        protected void containerIsCreated(String containerId) {
            dockerClient.connectToNetworkCmd().withContainerId(containerId).withNetworkId(wanId)
                    .withContainerNetwork(new ContainerNetwork().withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(wanIp)))
                    .exec();
        }

        String url(String path) {
            return "http://" + getHost() + ":" + getMappedPort(HTTP_PORT) + path;
        }

        @Override
        public String toString() { return name + " (" + site + ")"; }
    }

    DockerCluster(Path runDir, Path dockerfile, Path jar, Path examples, String baseImage) throws IOException {
        this.runDir = runDir;
        this.subnet = freeSubnet();
        siteA = network("site-a", subnet + ".1.0/24", false);
        siteB = network("site-b", subnet + ".2.0/24", false);
        wan = network("wan", subnet + ".0.0/24", true);
        // the image: docker/Dockerfile over the base, with the jar of this build (Docker's cache: instant when unchanged)
        ImageFromDockerfile image = new ImageFromDockerfile("poolpair-it", false)
                .withFileFromPath("Dockerfile", dockerfile)
                .withFileFromPath("modules/app/target/poolpair.jar", jar)
                .withFileFromPath("examples", examples)
                .withBuildArg("BASE_IMAGE", baseImage);
        String user = Files.getAttribute(Path.of("/proc/self"), "unix:uid") + ":" + Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        for (String name : NODES) {
            boolean a = name.startsWith("a");
            String site = a ? "site-a" : "site-b";
            Path dir = Files.createDirectories(runDir.resolve(name));
            Node n = new Node(image, name, site, ip(name, true), wan.getId(), dir)
                    .withNetwork(a ? siteA : siteB)
                    .withCreateContainerCmdModifier(cmd -> cmd.withHostName(name).withIpv4Address(ip(name, false)).withUser(user))
                    .withEnv("POOLPAIR_TOKEN", TOKEN)
                    .withEnv("POOLPAIR_RUN_START", Long.toString(runStart))
                    .withFileSystemBind(runDir.toString(), "/runs", BindMode.READ_WRITE)
                    .withExposedPorts(HTTP_PORT)
                    .withCommand("node", "--topology", "examples/cluster-two-sites.conf", "--node", name, "--host", name,
                            "--port", Integer.toString(CLUSTER_PORT), "--seed", "a1:" + CLUSTER_PORT + ",b1:" + CLUSTER_PORT,
                            "--http-port", Integer.toString(HTTP_PORT), "--bind", "0.0.0.0", "--out", "/runs")
                    .waitingFor(Wait.forHttp("/ready").forPort(HTTP_PORT).forStatusCode(200)
                            .withStartupTimeout(Duration.ofSeconds(150)));
            // each node names its site-mates by their site address and the other site's nodes by their wan address
            for (String other : NODES) n.withExtraHost(other, ip(other, other.charAt(0) != name.charAt(0)));
            nodes.put(name, n);
        }
    }

    /** Starts the six containers at once and returns when every node's /ready says 200. */
    void start() {
        Startables.deepStart(nodes.values()).join();
    }

    Node node(String name) { return nodes.get(name); }

    /** The node's fixed address on wan (.0.x) or on its site's network (.1.x, .2.x): a1 .11, b3 .23. */
    String ip(String name, boolean onWan) {
        int k = name.charAt(0) == 'a' ? 1 : 2;
        return subnet + "." + (onWan ? 0 : k) + "." + (k * 10 + (name.charAt(1) - '0'));
    }

    // --- chaos ------------------------------------------------------------------------------------------------------

    void kill(Node n) {
        docker.killContainerCmd(n.getContainerId()).withSignal("KILL").exec();
        nemesis("fault", "kill-node", n.name, "docker kill");
    }

    void pause(Node n) {
        docker.pauseContainerCmd(n.getContainerId()).exec();
        nemesis("fault", "pause-node", n.name, "docker pause");
    }

    void unpause(Node n) {
        docker.unpauseContainerCmd(n.getContainerId()).exec();
        nemesis("heal", "resume-node", n.name, "docker unpause");
    }

    /** Cuts a site's nodes off wan: the site stays whole, the other site is out of its reach. */
    void partition(String site) {
        for (Node n : site(site)) docker.disconnectFromNetworkCmd().withNetworkId(wan.getId()).withContainerId(n.getContainerId())
                .withForce(true).exec();
        nemesis("fault", "cut-link", site, "partition: " + site + " cut off the wan network");
    }

    /** Connects a site's nodes to wan again, at their fixed addresses. */
    void heal(String site) {
        for (Node n : site(site)) docker.connectToNetworkCmd().withNetworkId(wan.getId()).withContainerId(n.getContainerId())
                .withContainerNetwork(new ContainerNetwork().withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(n.wanIp)))
                .exec();
        nemesis("heal", "heal-link", site, site + " connected to the wan network again");
    }

    /**
     * One line of RUN/nemesis/history.jsonl, as scripts/cluster writes it: poolpair check merges it with the nodes'
     * histories, and the checkers time the users' outages from the faults.
     */
    private void nemesis(String category, String f, String target, String detail) {
        long now = System.currentTimeMillis();
        double scale = timeScale();
        var line = JSON.createObjectNode().put("type", "ok").put("process", "nemesis").put("category", category).put("f", f)
                .put("value", target).put("detail", detail).put("em", Math.round((now - runStart) * scale)).put("wall", now);
        try {
            Path dir = Files.createDirectories(runDir.resolve("nemesis"));
            Files.writeString(dir.resolve("history.jsonl"), JSON.writeValueAsString(line) + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The emulated ms per wall ms, from a node's history header (10 when none is written yet). */
    private double timeScale() {
        for (Node n : nodes.values()) {
            for (JsonNode h : lines(n.dir.resolve("history.jsonl"))) {
                if (h.has("timeScale")) return h.path("timeScale").asDouble(10);
                break;
            }
        }
        return 10;
    }

    List<Node> site(String site) { return nodes.values().stream().filter(n -> n.site.equals(site)).toList(); }

    /** The container's state as Docker says it (running, paused, exited, ...). */
    String state(Node n) {
        return docker.inspectContainerCmd(n.getContainerId()).exec().getState().getStatus();
    }

    // --- what the nodes say ----------------------------------------------------------------------------------------

    /** HTTP status of a GET on the node's published port, or -1 when it does not answer. */
    int status(Node n, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(n.url(path))).timeout(Duration.ofSeconds(3)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The node's /cluster/members: node name to status, and who is unreachable (empty when it does not answer). */
    record Members(Map<String, String> status, Map<String, String> dataCenter, Set<String> unreachable) {
        static final Members NONE = new Members(Map.of(), Map.of(), Set.of());
    }

    Members members(Node n) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.url("/cluster/members")))
                    .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return Members.NONE;
            JsonNode m = JSON.readTree(r.body());
            Map<String, String> status = new LinkedHashMap<>();
            Map<String, String> dc = new LinkedHashMap<>();
            Map<String, String> byAddress = new LinkedHashMap<>();
            for (JsonNode member : m.path("members")) {
                String name = null;
                String site = "?";
                for (JsonNode role : member.path("roles")) {
                    if (role.asText().startsWith("node-")) name = role.asText().substring(5);
                    if (role.asText().startsWith("dc-")) site = role.asText().substring(3);
                }
                if (name == null) continue;
                status.put(name, member.path("status").asText());
                dc.put(name, site);
                byAddress.put(member.path("node").asText(), name);
            }
            Set<String> unreachable = new HashSet<>();
            for (JsonNode u : m.path("unreachable")) unreachable.add(byAddress.getOrDefault(u.path("node").asText(), u.path("node").asText()));
            return new Members(status, dc, unreachable);
        } catch (IOException e) {
            return Members.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Members.NONE;
        }
    }

    /** A POST's answer: the status (0 when the node does not answer) and the body. */
    record Answer(int status, String body) {}

    /** POSTs a JSON body to the node's control plane with the run's token, through its published port. */
    Answer post(Node n, String path, String body, Duration timeout) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(n.url(path))).timeout(timeout)
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(0, e.toString());
        }
    }

    /** Every node's events.jsonl (a pool's events are written where its supervisor runs), in node order. */
    List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (Node n : nodes.values()) out.addAll(events(n));
        return out;
    }

    /** The events of the given nodes written at or after {@code wallMs}. */
    List<JsonNode> eventsSince(long wallMs, Collection<Node> of) {
        List<JsonNode> out = new ArrayList<>();
        for (Node n : of) {
            for (JsonNode e : events(n)) if (e.path("wallMs").asLong() >= wallMs) out.add(e);
        }
        return out;
    }

    /** How many lines of every node's history.jsonl match (the users' operations, written where they run). */
    long historyLines(Predicate<String> p) {
        long count = 0;
        for (Node n : nodes.values()) {
            Path f = n.dir.resolve("history.jsonl");
            if (!Files.isRegularFile(f)) continue;
            try (var l = Files.lines(f)) {
                count += l.filter(p).count();
            } catch (IOException | java.io.UncheckedIOException e) {
                // being written: counted next time
            }
        }
        return count;
    }

    /** The node's cluster.jsonl: what it saw of the cluster, in order. */
    static List<JsonNode> membership(Node n) { return lines(n.dir.resolve("cluster.jsonl")); }

    /** The node's events.jsonl: its run markers, and the events of the pools whose supervisors run on it. */
    static List<JsonNode> events(Node n) { return lines(n.dir.resolve("events.jsonl")); }

    static boolean saw(Node observer, String type, String about) {
        return membership(observer).stream().anyMatch(e -> e.path("type").asText().equals(type) && e.path("node").asText().equals(about));
    }

    static int indexOf(Node observer, String type, String about) {
        List<JsonNode> l = membership(observer);
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).path("type").asText().equals(type) && l.get(i).path("node").asText().equals(about)) return i;
        }
        return -1;
    }

    /** The types a node journaled about a member, in order (for failure messages). */
    static List<String> about(Node observer, String member) {
        return membership(observer).stream().filter(e -> e.path("node").asText().equals(member)).map(e -> e.path("type").asText()).toList();
    }

    private static List<JsonNode> lines(Path file) {
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(file)) {
                if (l.isBlank()) continue;
                try {
                    out.add(JSON.readTree(l));
                } catch (IOException e) {
                    // the last line, being written: the next check sees it
                }
            }
        } catch (IOException e) {
            // not written yet: the next check sees it
        }
        return out;
    }

    /** Waits until a line of the node's {@code events.jsonl} matches, and returns it. */
    JsonNode awaitEvent(Path nodeDir, Predicate<JsonNode> predicate) throws Exception {
        return awaitEvent(nodeDir, predicate, "an event in " + nodeDir.resolve("events.jsonl"), Duration.ofSeconds(60));
    }

    /** {@link #awaitEvent(Path, Predicate)} with what is awaited (for the failure message) and a bound. */
    JsonNode awaitEvent(Path nodeDir, Predicate<JsonNode> predicate, String what, Duration bound) throws Exception {
        return awaitLine(nodeDir.resolve("events.jsonl"), predicate, what, bound);
    }

    /** Waits until a line of the node's {@code cluster.jsonl} matches, and returns it. */
    JsonNode awaitMembership(Node n, Predicate<JsonNode> predicate, String what, Duration bound) throws Exception {
        return awaitLine(n.dir.resolve("cluster.jsonl"), predicate, what, bound);
    }

    private JsonNode awaitLine(Path file, Predicate<JsonNode> predicate, String what, Duration bound) throws Exception {
        JsonNode[] found = new JsonNode[1];
        await(what, bound, () -> {
            Optional<JsonNode> m = lines(file).stream().filter(predicate).findFirst();
            m.ifPresent(j -> found[0] = j);
            return m.isPresent();
        }, () -> "the last lines of " + file + ": " + tail(file));
        return found[0];
    }

    private static List<String> tail(Path file) {
        List<String> types = lines(file).stream().map(j -> j.path("type").asText() + " " + j.path("node").asText("")).toList();
        return types.subList(Math.max(0, types.size() - 8), types.size());
    }

    /**
     * Waits until the condition holds, re-checked whenever a node's folder changes (a journal line written) and at
     * least every 250 ms; fails after the bound with what was seen.
     */
    void await(String what, Duration bound, BooleanSupplier condition, java.util.function.Supplier<String> seen) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            for (Node n : nodes.values()) n.dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not within " + bound.toSeconds() + " s: " + what + "; " + seen.get() + " (run folder " + runDir + ")");
                }
                WatchKey key = watch.poll(RECHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** Stops and removes the containers, then the networks; whatever fails, the rest is still removed. */
    @Override
    public void close() {
        for (Node n : nodes.values()) {
            try {
                if (n.getContainerId() != null && "paused".equals(state(n))) unpause(n);
            } catch (RuntimeException e) {
                // gone already
            }
            try {
                n.stop();
            } catch (RuntimeException e) {
                System.err.println("DockerCluster: could not remove " + n + ": " + e.getMessage());
            }
        }
        for (Network net : List.of(siteA, siteB, wan)) {
            try {
                net.close();
            } catch (RuntimeException e) {
                System.err.println("DockerCluster: could not remove network " + net.getId() + ": " + e.getMessage());
            }
        }
    }

    private Network network(String name, String cidr, boolean internal) {
        Network n = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName("poolpair-it-" + name + "-" + subnet.replace('.', '-'))
                .withInternal(internal).withIpam(new Ipam().withConfig(new Ipam.Config().withSubnet(cidr)))).build();
        n.getId();   // created now, so a subnet taken meanwhile fails here, not in a container
        return n;
    }

    /** The first 10.2xx (x from 20 to 59) whose three /24 are used by no Docker network. */
    private String freeSubnet() {
        Set<String> used = new HashSet<>();
        for (com.github.dockerjava.api.model.Network n : docker.listNetworksCmd().exec()) {
            if (n.getIpam() == null || n.getIpam().getConfig() == null) continue;
            for (Ipam.Config c : n.getIpam().getConfig()) {
                if (c.getSubnet() == null) continue;
                String[] o = c.getSubnet().split("[./]");
                if (o.length >= 2) used.add(o[0] + "." + o[1]);
            }
        }
        for (int x = 220; x < 260; x++) {
            String candidate = "10." + x;
            if (x < 256 && !used.contains(candidate)) return candidate;
        }
        throw new IllegalStateException("no free 10.220-10.255 range for the test's networks");
    }
}
