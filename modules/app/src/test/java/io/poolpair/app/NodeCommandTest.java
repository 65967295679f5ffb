package io.poolpair.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code poolpair node} as a user meets it before a node starts: bad input is one line and exit 2, never a stack
 * trace. (Nodes that run are tested as real processes in modules/it.)
 */
class NodeCommandTest {

    private static final String PROBLEM_LINE = "^\\S+:\\d+: \\S+: .+";

    @TempDir
    Path out;

    private static String example(String name) {
        return Cli.EXAMPLES.resolve(name).toString();
    }

    private static void assertOneLineNoStackTrace(Cli.Outcome o) {
        assertThat(o.exit()).as(o.toString()).isEqualTo(2);
        assertThat(o.errLines()).as(o.toString()).hasSize(1);
        assertThat(o.err() + o.out()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void listPrintsEveryNodeWithItsSitePositionSeedAndServers() {
        Cli.Outcome o = Cli.run("node", "--topology", example("cluster-two-sites.conf"), "--list");
        assertThat(o.exit()).as(o.toString()).isEqualTo(0);
        assertThat(o.out().lines().toList()).containsExactly(
                "a1\tsite-a\t0\tseed\ta-fe1 a-fe4 a-edge1",
                "a2\tsite-a\t1\t-\ta-fe2 a-fe5 a-edge2 a-dir1",
                "a3\tsite-a\t2\t-\ta-fe3 a-fe6 a-dir2",
                "b1\tsite-b\t3\tseed\tb-fe1 b-fe4 b-edge1",
                "b2\tsite-b\t4\t-\tb-fe2 b-fe5 b-edge2 b-dir1",
                "b3\tsite-b\t5\t-\tb-fe3 b-fe6 b-dir2");
    }

    @Test
    void aTopologyWithoutPlacementIsOneLineNamingFileLineAndField() {
        String file = example("default.conf");
        Cli.Outcome o = Cli.run("node", "--topology", file, "--node", "a1", "--out", out.toString());
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).matches(PROBLEM_LINE).startsWith(file + ":").contains(": placement: no placement section");
    }

    @Test
    void anUnknownNodeIsOneLineListingTheNodes() {
        Cli.Outcome o = Cli.run("node", "--topology", example("cluster-two-sites.conf"), "--node", "c9", "--out", out.toString());
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).startsWith("poolpair: --node: no node 'c9' in the placement of")
                .endsWith("nodes: a1, a2, a3, b1, b2, b3");
    }

    @Test
    void aTakenClusterPortIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Outcome o = Cli.run("node", "--topology", example("cluster-two-sites.conf"), "--node", "a2", "--port",
                    Integer.toString(port), "--seed", "127.0.0.1:" + port, "--http-port", "0", "--out", out.toString());
            assertOneLineNoStackTrace(o);
            assertThat(o.errLines().get(0)).startsWith("poolpair: --port: cannot listen on 127.0.0.1:" + port + ": ");
        }
    }

    @Test
    void aTakenHttpPortIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Outcome o = Cli.run("node", "--topology", example("cluster-two-sites.conf"), "--node", "b1", "--port", "0",
                    "--seed", "127.0.0.1:1", "--http-port", Integer.toString(port), "--out", out.toString());
            assertOneLineNoStackTrace(o);
            assertThat(o.errLines().get(0)).startsWith("poolpair: --http-port: cannot listen on 127.0.0.1:" + port + ": ");
        }
    }

    @Test
    void portsAndSeedsAreChecked() {
        String topo = example("cluster-two-sites.conf");
        assertOneLineNoStackTrace(Cli.run("node", "--topology", topo, "--node", "a1", "--port", "25520", "--out", out.toString()));
        assertThat(Cli.run("node", "--topology", topo, "--node", "a1", "--port", "25520").err())
                .contains("--port: give the seed nodes with --seed HOST:PORT");
        Cli.Outcome both = Cli.run("node", "--topology", topo, "--node", "a1", "--port", "1", "--base-port", "2");
        assertOneLineNoStackTrace(both);
        assertThat(both.err()).contains("mutually exclusive");
        Cli.Outcome seed = Cli.run("node", "--topology", topo, "--node", "a1", "--port", "0", "--seed", "nohost");
        assertOneLineNoStackTrace(seed);
        assertThat(seed.err()).contains("--seed: expected HOST:PORT, got 'nohost'");
        Cli.Outcome base = Cli.run("node", "--topology", topo, "--node", "a1", "--base-port", "65533");
        assertOneLineNoStackTrace(base);
        assertThat(base.err()).contains("--base-port: 65533 + up to 5 must be a port");
        Cli.Outcome noNode = Cli.run("node", "--topology", topo);
        assertOneLineNoStackTrace(noNode);
        assertThat(noNode.err()).contains("--node: name the node to start (or give --list)");
    }

    @Test
    void membersWithoutANodeIsOneLine() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Outcome o = Cli.run("members", "--url", "http://127.0.0.1:" + port);
        assertOneLineNoStackTrace(o);
        assertThat(o.errLines().get(0)).startsWith("poolpair: --url: no node answers at http://127.0.0.1:" + port);
    }
}
