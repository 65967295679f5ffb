package io.poolpair.app;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code poolpair health}: the container image's health check, against a small local HTTP server. */
class HealthCommandTest {

    private HttpServer server;
    private String base;

    @BeforeEach
    void serveReadyAndNotReady() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ready", x -> { x.sendResponseHeaders(200, -1); x.close(); });
        server.createContext("/joining", x -> { x.sendResponseHeaders(500, -1); x.close(); });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void twoHundredIsExitZeroWithOneLine() {
        Cli.Outcome o = Cli.run("health", "--url", base + "/ready");
        assertThat(o.exit()).as(o.toString()).isZero();
        assertThat(o.out()).isEqualTo("ready: " + base + "/ready answered 200\n");
        assertThat(o.err()).isEmpty();
    }

    @Test
    void anotherStatusIsExitOneWithOneLine() {
        Cli.Outcome o = Cli.run("health", "--url", base + "/joining");
        assertThat(o.exit()).as(o.toString()).isEqualTo(1);
        assertThat(o.out()).isEqualTo("not ready: " + base + "/joining answered 500\n");
    }

    @Test
    void noAnswerIsExitOneWithOneLine() throws IOException {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        Cli.Outcome o = Cli.run("health", "--url", "http://127.0.0.1:" + free + "/ready", "--timeout", "2000");
        assertThat(o.exit()).as(o.toString()).isEqualTo(1);
        assertThat(o.out()).isEqualTo("not ready: http://127.0.0.1:" + free + "/ready: connection refused\n");
    }

    @Test
    void aBadUrlIsOneLineAndExitTwo() {
        for (String[] args : new String[][] {{"--url", "ftp://x/ready"}, {"--url", "::"}, {"--timeout", "0"}, {"--timeout", "x"}}) {
            String[] all = new String[args.length + 1];
            all[0] = "health";
            System.arraycopy(args, 0, all, 1, args.length);
            Cli.Outcome o = Cli.run(all);
            assertThat(o.exit()).as(o.toString()).isEqualTo(2);
            assertThat(o.errLines()).as(o.toString()).hasSize(1);
            assertThat(o.errLines().get(0)).startsWith("poolpair: ");
            assertThat(o.err() + o.out()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
