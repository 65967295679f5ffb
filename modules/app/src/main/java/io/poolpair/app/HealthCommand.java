package io.poolpair.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.Callable;

/**
 * {@code poolpair health --url URL}: one HTTP GET, exit 0 when it answers 200, 1 otherwise, with one line either way.
 * It is the container image's health check (docker/Dockerfile, docs/docker.md): the JRE alone, no curl. The image runs
 * it through {@link #main} ({@code java -cp poolpair.jar io.poolpair.app.HealthCommand --url ...}), which starts
 * only this command, a lighter JVM than the whole command line's.
 */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = {"Ask a node's /ready (or any URL) once: exit 0 when it answers 200, 1 when it answers something "
                + "else or nothing, 2 for a bad URL. One line either way. The container image's health check.",
                "Example: poolpair health --url http://127.0.0.1:26520/ready"})
public final class HealthCommand implements Callable<Integer> {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:" + (NodeCommand.DEFAULT_BASE_PORT
            + NodeCommand.HTTP_PORT_OFFSET) + "/ready", description = "what to ask (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--timeout", paramLabel = "MS", defaultValue = "3000",
            description = "connect and read time-out in milliseconds (default: ${DEFAULT-VALUE})")
    int timeoutMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (timeoutMs < 1) throw new IllegalArgumentException("--timeout: must be at least 1 ms, got " + timeoutMs);
        URL u;
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException("not http or https");
            }
            u = uri.toURL();
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("--url: not an http URL: '" + url + "'");
        }
        int status;
        try {
            HttpURLConnection c = (HttpURLConnection) u.openConnection();
            c.setConnectTimeout(timeoutMs);
            c.setReadTimeout(timeoutMs);
            c.setRequestMethod("GET");
            status = c.getResponseCode();
            c.disconnect();
        } catch (IOException e) {
            String why = e instanceof java.net.ConnectException ? "connection refused"
                    : e instanceof java.net.SocketTimeoutException ? "no answer within " + timeoutMs + " ms"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            out.println("not ready: " + url + ": " + why);
            out.flush();
            return Main.EXIT_FAILED;
        }
        out.println((status == 200 ? "ready: " : "not ready: ") + url + " answered " + status);
        out.flush();
        return status == 200 ? Main.EXIT_OK : Main.EXIT_FAILED;
    }

    /** The command alone, without the rest of the command line (a lighter JVM for a probe run every few seconds). */
    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new HealthCommand());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("poolpair: " + ex.getMessage().replace('\n', ' ') + " (see poolpair health --help)");
            return Main.EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("poolpair: " + (ex instanceof IllegalArgumentException ? ex.getMessage() : "internal error: " + ex));
            return ex instanceof IllegalArgumentException ? Main.EXIT_BAD_INPUT : Main.EXIT_FAILED;
        });
        System.exit(cl.execute(args));
    }
}
