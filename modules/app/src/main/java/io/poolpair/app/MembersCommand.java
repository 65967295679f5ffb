package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.poolpair.cluster.ClusterNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code poolpair members}: the cluster's members as a node sees them, from its Pekko Management
 * {@code /cluster/members}: node name, site (data center), status, address, who finds whom unreachable, the leader.
 */
@Command(name = "members", mixinStandardHelpOptions = true,
        description = "Print the cluster's members as a running node sees them (its /cluster/members): node, site, "
                + "status, address; then the unreachable ones with their observers. Exit 0, or 2 when no node answers.")
final class MembersCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:" + (NodeCommand.DEFAULT_BASE_PORT
            + NodeCommand.HTTP_PORT_OFFSET), description = "a node's HTTP address (default: ${DEFAULT-VALUE}, the first node "
            + "with the default ports)")
    String url;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode members = fetch(url);
        for (String line : lines(members)) out.println(line);
        out.flush();
        return Main.EXIT_OK;
    }

    static JsonNode fetch(String url) throws InterruptedException {
        String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(base + "/cluster/members")).timeout(Duration.ofSeconds(5)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.http.HttpTimeoutException ? "no answer within 5 s"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IllegalArgumentException("--url: no node answers at " + base + " (" + why + ")");
        }
        if (r.statusCode() != 200) {
            throw new IllegalArgumentException("--url: " + base + "/cluster/members answered " + r.statusCode());
        }
        try {
            return new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("--url: " + base + "/cluster/members is not JSON");
        }
    }

    /** The table: a header, one line per member (sorted by site, then node), the unreachable ones, the leader. */
    static List<String> lines(JsonNode m) {
        List<String[]> rows = new ArrayList<>();
        for (JsonNode member : m.path("members")) {
            String node = null;
            String site = "?";
            for (JsonNode role : member.path("roles")) {
                String r = role.asText();
                if (r.startsWith(ClusterNode.NODE_ROLE_PREFIX)) node = r.substring(ClusterNode.NODE_ROLE_PREFIX.length());
                if (r.startsWith(ClusterNode.DATA_CENTER_ROLE_PREFIX)) site = r.substring(ClusterNode.DATA_CENTER_ROLE_PREFIX.length());
            }
            String address = member.path("node").asText();
            rows.add(new String[] {node == null ? "?" : node, site, member.path("status").asText(), address});
        }
        rows.sort((a, b) -> a[1].equals(b[1]) ? a[0].compareTo(b[0]) : a[1].compareTo(b[1]));
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-10s %-10s %-8s %s", "NODE", "SITE", "STATUS", "ADDRESS"));
        for (String[] r : rows) out.add(String.format(Locale.ROOT, "%-10s %-10s %-8s %s", r[0], r[1], r[2], r[3]));
        for (JsonNode u : m.path("unreachable")) {
            List<String> observers = new ArrayList<>();
            for (JsonNode o : u.path("observedBy")) observers.add(name(rows, o.asText()));
            out.add("unreachable: " + name(rows, u.path("node").asText()) + " (seen by " + String.join(", ", observers) + ")");
        }
        if (m.hasNonNull("leader")) out.add("leader (of " + name(rows, m.path("selfNode").asText()) + "'s site): "
                + name(rows, m.path("leader").asText()));
        return out;
    }

    private static String name(List<String[]> rows, String address) {
        for (String[] r : rows) if (r[3].equals(address)) return r[0];
        return address;
    }
}
