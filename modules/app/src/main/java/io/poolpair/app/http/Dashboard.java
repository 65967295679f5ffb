package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The dashboard's routes (docs/dashboard.md), the same over a running deployment and over a finished run folder: the
 * page at {@code /} and its files under {@code /assets/} (from the jar: {@code poolpair/dashboard/}), and the reads it
 * is built from: {@code GET /api/topology}, {@code GET /api/run}, {@code GET /api/events} (Server-Sent Events).
 */
final class Dashboard extends AllDirectives {

    /** Where the page's files live on the classpath. */
    static final String ASSETS = "poolpair/dashboard";

    /** What the routes read: a live deployment or a run folder. */
    interface Reads {
        /** {@code GET /api/topology}. */
        ObjectNode topology();

        /** {@code GET /api/run}. */
        ObjectNode run();

        /** The event stream from index {@code from} on. */
        Source<ServerSentEvent, NotUsed> events(int from);
    }

    private final Reads source;

    Dashboard(Reads source) {
        this.source = source;
    }

    Route route() {
        return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), () -> concat(
                pathSingleSlash(() -> encodeResponse(() -> getFromResource(ASSETS + "/index.html"))),
                pathPrefix("assets", () -> encodeResponse(() -> getFromResourceDirectory(ASSETS))),
                path(PathMatchers.segment("api").slash("topology"), () -> get(() -> encodeResponse(() ->
                        complete(ControlPlane.json(200, source.topology()))))),
                path(PathMatchers.segment("api").slash("run"), () -> get(() -> complete(ControlPlane.json(200, source.run())))),
                path(PathMatchers.segment("api").slash("events"), () -> get(() -> events()))));
    }

    private Route events() {
        return optionalHeaderValueByName("Last-Event-ID", last -> parameterOptional("from", from -> {
            int first;
            try {
                first = EventStream.firstIndex(last, from);
            } catch (Requests.BadRequest e) {
                return complete(ControlPlane.error(400, e.getMessage()));
            }
            return completeOK(source.events(first), EventStreamMarshalling.toEventStream());
        }));
    }
}
