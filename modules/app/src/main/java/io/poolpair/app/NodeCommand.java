package io.poolpair.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.app.http.ControlPlane;
import io.poolpair.app.http.NodeControlPlane;
import io.poolpair.cluster.ClusterDeployment;
import io.poolpair.cluster.ClusterNode;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.runtime.journal.HistoryLog;
import io.poolpair.cluster.NodeSettings;
import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.NodeSpec;
import io.poolpair.model.topology.Placement;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.management.javadsl.PekkoManagement;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code poolpair node}: starts one node of a topology's placement as a member of a Pekko Cluster, runs its share of the
 * emulation ({@link ClusterDeployment}) and runs until SIGTERM (a graceful leave) or SIGKILL (docs/cluster.md). Its
 * HTTP port serves Pekko Management ({@code /alive}, {@code /ready}, {@code /cluster/members}) and the node's control
 * plane and dashboard ({@link NodeControlPlane}).
 */
@Command(name = "node", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start one node of a multi-node run: a member of a Pekko Cluster in its site's data center "
                + "(docs/cluster.md). It runs until SIGTERM (leaves the cluster, exit 0) or until the cluster removes it "
                + "(exit 1). It runs the servers its placement gives it and, on its site's oldest node, the site's pool "
                + "supervisors and users; its HTTP port serves the control plane and the dashboard.",
                "Exit codes: 0 left, 1 removed by the cluster, 2 bad input (a topology without placement, an unknown "
                        + "node, a port that is taken)."})
public final class NodeCommand implements java.util.concurrent.Callable<Integer> {

    /** The port of the placement's first node when neither --base-port nor --port is given. */
    public static final int DEFAULT_BASE_PORT = 25520;
    /** Without --http-port, a node serves HTTP on its cluster port + this. */
    public static final int HTTP_PORT_OFFSET = 1000;

    private static final long START_TIMEOUT_S = 20;

    @Option(names = "--topology", paramLabel = "FILE", required = true, description = "topology file with a placement section")
    Path topology;

    @Option(names = "--node", paramLabel = "NAME", description = "the node to start (a name in the placement)")
    String node;

    @Option(names = "--list", description = "print the placement's nodes (name, site, position, seed or not, servers; "
            + "tab-separated) and exit")
    boolean list;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "the address the node listens on and is known by in the cluster (default: ${DEFAULT-VALUE})")
    String host;

    @ArgGroup(exclusive = true)
    Ports ports = new Ports();

    static final class Ports {
        @Option(names = "--base-port", paramLabel = "N", description = "the node at position i of the placement (from 0) "
                + "listens on N + i, and the seed nodes are found the same way (default: " + DEFAULT_BASE_PORT + ")")
        Integer basePort;

        @Option(names = "--port", paramLabel = "N", description = "this node's cluster port (0: a free one, for a node that"
                + " is no seed); the seed nodes then come from --seed")
        Integer port;
    }

    @Option(names = "--seed", paramLabel = "HOST:PORT", split = ",", description = "a seed node's address, in order "
            + "(repeatable; default: the first node of each site, on --host at --base-port + its position)")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--http-port", paramLabel = "N", description = "port of /alive, /ready and /cluster/members "
            + "(0: a free one, printed; default: the cluster port + " + HTTP_PORT_OFFSET + ")")
    Integer httpPort;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "address the HTTP port listens on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--token", paramLabel = "TOKEN", description = "the bearer token every POST to the node's control plane "
            + "needs (default: none on loopback; generated and printed when --bind is wider)")
    String token;

    @Option(names = "--run-start", paramLabel = "EPOCH_MS", description = "the run's emulated zero as wall-clock epoch "
            + "milliseconds, the same on every node of a run so that their events share one time line (default: now)")
    Long runStart;

    @Option(names = "--no-emulation", description = "join the cluster only: run none of the placement's servers, pools or users")
    boolean noEmulation;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs/nodes",
            description = "the node writes events.jsonl, cluster.jsonl and node.json in DIR/NAME (default: ${DEFAULT-VALUE})")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Topology t = Inputs.topology(topology, err);
        Placement placement = t.placementIfAny().orElseThrow(() -> new InvalidInputException(Problem.error(t.origin(),
                "placement", "no placement section: a multi-node run needs one (which node hosts which servers, "
                        + "docs/topology.md#placement-nodes-of-a-multi-node-run)")));
        List<NodeSpec> seedNodes = placement.seedNodes(t.sites());
        if (list) {
            for (int i = 0; i < placement.nodes().size(); i++) {
                NodeSpec n = placement.nodes().get(i);
                stdout.println(n.name() + "\t" + n.site() + "\t" + i + "\t" + (seedNodes.contains(n) ? "seed" : "-") + "\t"
                        + String.join(" ", n.servers()));
            }
            stdout.flush();
            return Main.EXIT_OK;
        }
        if (node == null) throw new IllegalArgumentException("--node: name the node to start (or give --list); nodes: "
                + String.join(", ", placement.names()));
        NodeSpec self = placement.node(node).orElseThrow(() -> new IllegalArgumentException("--node: no node '" + node
                + "' in the placement of " + t.file() + " (line " + placement.origin().line() + "); nodes: "
                + String.join(", ", placement.names())));
        resolvable("--host", host);
        resolvable("--bind", bind);

        int base = ports.basePort != null ? ports.basePort : DEFAULT_BASE_PORT;
        int port;
        String portOption;
        if (ports.port != null) {
            port = ports.port;
            portOption = "--port";
            if (seeds.isEmpty()) throw new IllegalArgumentException("--port: give the seed nodes with --seed HOST:PORT "
                    + "(or use --base-port, which finds them)");
        } else {
            port = base + placement.indexOf(self.name());
            portOption = "--base-port";
            if (base < 1 || base + placement.nodes().size() - 1 > 65535) {
                throw new IllegalArgumentException("--base-port: " + base + " + up to " + (placement.nodes().size() - 1)
                        + " must be a port (1 to 65535)");
            }
        }
        checkPort(portOption, port);
        int http = httpPort != null ? httpPort : port == 0 ? 0 : port + HTTP_PORT_OFFSET;
        checkPort("--http-port", http);
        List<NodeSettings.Seed> seedList = new ArrayList<>();
        if (!seeds.isEmpty()) {
            for (String s : seeds) seedList.add(seed(s));
        } else {
            for (NodeSpec s : seedNodes) seedList.add(new NodeSettings.Seed(s.name(), host, base + placement.indexOf(s.name())));
        }
        if (port != 0) bindable(portOption, host, port);
        if (http != 0) bindable("--http-port", bind, http);

        Path folder = out.resolve(self.name());
        NodeSettings settings = new NodeSettings(self.name(), self.site(), host, port, seedList, self.servers(), folder);
        long t0 = System.currentTimeMillis();
        ClusterNode cluster;
        try {
            cluster = ClusterNode.start(settings, management(host, bind, http));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(portOption + ": " + ClusterNode.describeStartFailure(e));
        }
        Thread exitHook = exitAfterLeavingOnSignal(cluster);
        EmulatorSettings emulator = Inputs.settings(topology, null, null);
        long zero = runStart != null ? runStart : t0;
        ClusterDeployment deployment = null;
        if (!noEmulation) {
            HistoryLog history = HistoryLog.to(folder.resolve("history.jsonl"));
            cluster.events().attachHistoryLog(history);
            long now = System.currentTimeMillis();
            history.record(RunResults.header("cluster " + topology.getFileName(), emulator.workload().seed(), emulator,
                    "wall", new io.poolpair.model.time.Time(now, Math.round((now - zero) * emulator.timeScale()))));
            deployment = ClusterDeployment.start(cluster, t, emulator, zero, java.time.Duration.ofMillis(
                    Math.max(1500, 4 * emulator.wallHeartbeatMs())));
        }
        String effectiveToken = token;
        if (effectiveToken == null && !new ControlPlane.Settings(bind, 0, null).loopbackOnly()) {
            effectiveToken = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getInstanceStrong().generateSeed(16));
            stdout.printf("poolpair node %s: control-plane token %s (every POST needs 'Authorization: Bearer <token>')%n",
                    self.name(), effectiveToken);
        }
        String url;
        try {
            var management = PekkoManagement.get(Adapter.toClassic(cluster.system())).getRoutes();
            if (deployment == null) {
                url = PekkoManagement.get(Adapter.toClassic(cluster.system())).start().toCompletableFuture()
                        .get(START_TIMEOUT_S, TimeUnit.SECONDS).toString();
            } else {
                var binding = NodeControlPlane.bind(cluster.system(), deployment, effectiveToken, bind, http, management)
                        .toCompletableFuture().get(START_TIMEOUT_S, TimeUnit.SECONDS);
                url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + binding.localAddress().getPort();
            }
        } catch (ExecutionException | TimeoutException e) {
            Runtime.getRuntime().removeShutdownHook(exitHook);   // the exit code is bad input's, not the node's
            cluster.close();
            String why = e instanceof TimeoutException ? "not bound within " + START_TIMEOUT_S + " s"
                    : ClusterNode.describeStartFailure(e.getCause());
            throw new IllegalArgumentException("--http-port: cannot serve HTTP on " + bind + ":" + http + ": " + why);
        }
        long pid = ProcessHandle.current().pid();
        String name = self.name();
        stdout.printf("poolpair node %s (site %s): cluster %s, http %s, pid %d%n", name, self.site(), cluster.selfAddress(),
                url, pid);
        stdout.printf("poolpair node %s: seed nodes %s%n", name, String.join(", ", seedList.stream()
                .map(s -> s.node() + " " + s.address()).toList()));
        stdout.printf("poolpair node %s: hosts %s%s%n", name,
                self.servers().isEmpty() ? "no server" : String.join(", ", self.servers()),
                deployment == null ? " (not run: --no-emulation)" : "");
        stdout.printf("poolpair node %s: folder %s; SIGTERM (kill %d) leaves the cluster%n", name, folder, pid);
        stdout.flush();
        writeNodeJson(folder, settings, cluster, url, pid, t0);
        cluster.up().thenRun(() -> {
            stdout.printf("poolpair node %s: Up in data center %s, %d ms after start%n", name, self.site(),
                    System.currentTimeMillis() - t0);
            stdout.flush();
        });

        cluster.terminated().toCompletableFuture().join();
        String reason = cluster.shutdownReason().orElse("terminated");
        boolean left = reason.equals("leave");
        stdout.printf("poolpair node %s: %s%n", name, left ? "left the cluster" : "stopped: " + reason
                + (reason.equals("downed") ? " (the cluster downed and removed it)" : ""));
        stdout.flush();
        return left ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /**
     * SIGTERM or Ctrl-C: Pekko's own shutdown hook leaves the cluster; this one waits for that (at most 30 s) and ends
     * the JVM with 0 when the node left, 1 otherwise, instead of the signal's 143.
     */
    private static Thread exitAfterLeavingOnSignal(ClusterNode cluster) {
        Thread hook = new Thread(() -> {
            try {
                cluster.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
                Runtime.getRuntime().halt(cluster.shutdownReason().orElse("").equals("leave") ? Main.EXIT_OK : Main.EXIT_FAILED);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the JVM ends with the signal's status
            }
        }, "poolpair-node-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Pekko Management's settings: where it listens, and /ready only once the node is Up (not WeaklyUp). */
    static Config management(String host, String bind, int http) {
        return ConfigFactory.parseMap(Map.of(
                "pekko.management.http.hostname", host,
                "pekko.management.http.bind-hostname", bind,
                "pekko.management.http.port", http,
                "pekko.management.http.bind-port", http,
                "pekko.management.cluster.health-check.ready-states", List.of("Up")), "poolpair node command line");
    }

    private static void checkPort(String option, int port) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException(option + ": must be 0 to 65535, got " + port);
    }

    private static void resolvable(String option, String host) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(option + ": cannot resolve '" + host + "'");
        }
    }

    /** Fails with one line when the port is taken (the node would otherwise fail deep inside Pekko). */
    private static void bindable(String option, String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalArgumentException(option + ": cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static NodeSettings.Seed seed(String text) {
        String s = text.strip();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("--seed: expected HOST:PORT, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed: expected HOST:PORT, got '" + text + "'");
        }
        if (port < 1 || port > 65535) throw new IllegalArgumentException("--seed: port must be 1 to 65535, got '" + text + "'");
        return new NodeSettings.Seed(host + ":" + port, host, port);
    }

    private static void writeNodeJson(Path folder, NodeSettings s, ClusterNode cluster, String url, long pid, long t0)
            throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode();
        o.put("node", s.node());
        o.put("site", s.site());
        o.put("pid", pid);
        o.put("address", cluster.selfAddress());
        o.put("host", s.host());
        o.put("port", cluster.boundPort());
        o.put("http", url);
        o.put("startedAt", Instant.ofEpochMilli(t0).toString());
        var seeds = o.putArray("seeds");
        for (NodeSettings.Seed seed : s.seeds()) seeds.add(seed.address());
        var servers = o.putArray("servers");
        s.servers().forEach(servers::add);
        Files.writeString(folder.resolve("node.json"), json.writeValueAsString(o) + "\n");
    }
}
