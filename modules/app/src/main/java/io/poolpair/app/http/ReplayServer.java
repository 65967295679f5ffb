package io.poolpair.app.http;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.MethodRejection;
import org.apache.pekko.http.javadsl.server.Rejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code poolpair replay}: the dashboard over a finished run folder, on an ActorSystem of its own. It only reads: every
 * change is refused ({@code 405}), and the page disables its actions.
 */
public final class ReplayServer implements AutoCloseable {

    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final ReplayReads reads;
    private final String url;

    private ReplayServer(ReplayReads reads, String bind, int port, Config config) {
        this.reads = reads;
        this.system = ActorSystem.create(Behaviors.empty(), "poolpair-replay", config);
        Route route = new Routes().route();
        try {
            this.binding = Http.get(system).newServerAt(bind, port).bind(route).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            system.terminate();
            Throwable c = e;
            while (c.getCause() != null && c.getCause() != c) c = c.getCause();
            String why = c.getMessage() == null ? c.toString() : c.getMessage().replaceFirst("^\\[[^]]*\\]\\s*", "");
            throw new IllegalArgumentException("--http-port: cannot listen on " + bind + ":" + port + ": " + Requests.oneLine(why));
        } catch (TimeoutException e) {
            system.terminate();
            throw new IllegalStateException("the replay did not bind " + bind + ":" + port + " within 10 s");
        } catch (InterruptedException e) {
            system.terminate();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the replay");
        }
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        this.url = "http://" + host + ":" + binding.localAddress().getPort();
    }

    /**
     * Checks {@code folder} and serves it on {@code bind:port} (0 for a free port).
     *
     * @throws IllegalArgumentException (one line) when the folder cannot be replayed or the port not bound
     */
    public static ReplayServer start(Path folder, String bind, int port, Config config) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--http-port: must be 0 to 65535, got " + port);
        return new ReplayServer(ReplayReads.of(folder), bind, port, config);
    }

    public String url() { return url; }

    /** Lines of the folder's events.jsonl. */
    public int events() { return reads.lines(); }

    public Path folder() { return reads.folder(); }

    @Override
    public void close() {
        try {
            binding.terminate(Duration.ofSeconds(2)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // stopping anyway
        } finally {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the JVM is about to end
            }
        }
    }

    private final class Routes extends AllDirectives {
        Route route() {
            Route top = concat(new Dashboard(reads).route(),
                    extractMethod(m -> m.equals(HttpMethods.GET) || m.equals(HttpMethods.HEAD) ? reject()
                            : complete(ControlPlane.error(405, "this is a replay of " + reads.folder() + ": a finished run cannot be"
                            + " changed").addHeader(Allow.create(HttpMethods.GET)))));
            return handleRejections(RejectionHandler.newBuilder()
                    .handleAll(MethodRejection.class, rs -> complete(ControlPlane.error(405, "only GET on a replay")))
                    .handleAll(Rejection.class, rs -> extractUri(uri -> complete(ControlPlane.error(400, "bad request to " + uri.path()
                            + ": " + rs.get(0).getClass().getSimpleName()))))
                    .handleNotFound(extractRequest(req -> complete(ControlPlane.error(404, "no such endpoint on a replay: "
                            + req.method().name() + " " + req.getUri().path() + " (see docs/dashboard.md)"))))
                    .build(), () -> top).seal();
        }
    }
}
