package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /api/events}: the run's events as Server-Sent Events (docs/http-api.md). Each event is one SSE message:
 * {@code id:} its index in the run (the line of {@code events.jsonl} it is on, from 0), {@code event:} its type,
 * {@code data:} its {@code events.jsonl} line. The stream starts at an index (the query's {@code from}, or the one after
 * the browser's {@code Last-Event-ID}): first the events already published from there, then the live ones.
 *
 * <p>The event bus calls its listeners under its lock, on the publishing actor's thread, so a live stream never
 * waits there: each event is offered to a bounded queue ({@code Source.queue}), which says at once whether it
 * fits. A client that reads too slowly to keep up fills it; then the stream ends with a {@code resync} message
 * (the client reloads the state and reconnects) instead of holding up the emulation or growing without bound.
 */
final class EventStream {

    /**
     * Live events a client may lag behind before it is told to resync: about a minute of a busy chaos run. The queue
     * holds references to events the bus keeps anyway, so this costs little memory.
     */
    static final int LIVE_BUFFER = 65_536;
    /** An SSE comment line is sent when no event went out for this long, so proxies and clients see the stream alive. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** The longest events.jsonl line a replay reads. */
    private static final int MAX_LINE = 1 << 20;

    private EventStream() {}

    /** The stream fell behind at {@code index}: the queue was full. */
    private static final class FellBehind extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FellBehind() {
            super("the client fell behind", null, false, false);
        }
    }

    /**
     * The index of the first event to send: the one after {@code Last-Event-ID} (a browser resuming), else the query's
     * {@code from}, else 0.
     *
     * @throws Requests.BadRequest when either is not a whole number from 0 up
     */
    static int firstIndex(Optional<String> lastEventId, Optional<String> from) {
        if (lastEventId.isPresent() && !lastEventId.get().isBlank()) {
            return index("Last-Event-ID", lastEventId.get()) + 1;
        }
        return from.map(f -> index("from", f)).orElse(0);
    }

    private static int index(String field, String text) {
        String t = text.trim();
        if (!t.matches("\\d{1,9}")) {
            throw new Requests.BadRequest(field, "must be an event index, a whole number from 0 up, got '"
                    + Requests.oneLine(t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'");
        }
        return Integer.parseInt(t);
    }

    /** The events of a running deployment from index {@code from} on: past ones first, then live ones. */
    static Source<ServerSentEvent, NotUsed> live(EventBus bus, int from) {
        return live(bus, from, LIVE_BUFFER);
    }

    static Source<ServerSentEvent, NotUsed> live(EventBus bus, int from, int buffer) {
        AtomicReference<EventBus.Catchup> catchup = new AtomicReference<>();
        AtomicInteger behindAt = new AtomicInteger(-1);
        Source<EventBus.Indexed, NotUsed> liveEvents = Source.<EventBus.Indexed>queue(buffer).mapMaterializedValue(queue -> {
            catchup.set(bus.subscribeFrom(from, new Feed(bus, queue, from, behindAt, catchup)));
            return NotUsed.getInstance();
        });
        // concat materializes both sides at once: the subscription is made before the past events go out, and the live
        // ones wait in the queue meanwhile
        Source<EventBus.Indexed, NotUsed> past = Source.lazySource(() -> {
                    EventBus.Catchup c = catchup.get();
                    List<FailoverEvent> events = c.past();
                    return Source.from(events).zipWithIndex().map(p -> new EventBus.Indexed(c.from() + p.second().intValue(), p.first()));
                }).mapMaterializedValue(m -> NotUsed.getInstance());
        return past.concat(liveEvents)
                .map(EventStream::message)
                .recover(FellBehind.class, () -> resync(behindAt.get(), buffer))
                .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat)
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, failure) -> {
                        EventBus.Catchup c = catchup.get();
                        if (c != null) bus.unsubscribe(c.subscription());
                    });
                    return NotUsed.getInstance();
                });
    }

    /** The bus's listener for one stream: offers each event to the stream's queue, never waits. */
    private record Feed(EventBus bus, BoundedSourceQueue<EventBus.Indexed> queue, int from, AtomicInteger behindAt,
                        AtomicReference<EventBus.Catchup> catchup) implements java.util.function.Consumer<EventBus.Indexed> {
        @Override
        public void accept(EventBus.Indexed e) {
            if (e.index() < from || queue.isCompleted()) return;
            QueueOfferResult r = queue.offer(e);
            if (r.isEnqueued()) return;
            if (r == QueueOfferResult.dropped()) {
                behindAt.compareAndSet(-1, e.index());
                queue.fail(new FellBehind());
            }
            EventBus.Catchup c = catchup.get();
            if (c != null) bus.unsubscribe(c.subscription());
        }
    }

    static ServerSentEvent message(EventBus.Indexed e) {
        FailoverEvent ev = e.event();
        return ServerSentEvent.create(EventJson.toLine(ev), ev.type(), Integer.toString(e.index()));
    }

    /** The message that ends a stream whose client fell behind: reload the state, then reconnect. */
    static ServerSentEvent resync(int index, int buffer) {
        ObjectNode o = StatusJson.JSON.createObjectNode();
        o.put("reason", "the client fell more than " + buffer + " events behind: reload the state (GET /api/run,"
                + " /api/status) and reconnect");
        o.put("at", index);
        return ServerSentEvent.create(o.toString(), "resync");
    }

    /**
     * The events of a finished run's {@code events.jsonl} from index {@code from} on (an index is a line number from 0; a
     * line that is not an event is skipped), then an {@code end} message with the number of lines.
     */
    static Source<ServerSentEvent, NotUsed> file(Path eventsFile, int from, int lines) {
        Source<ServerSentEvent, NotUsed> events = FileIO.fromPath(eventsFile)
                .via(Framing.delimiter(ByteString.fromString("\n"), MAX_LINE, FramingTruncation.ALLOW))
                .zipWithIndex()
                .filter(p -> p.second() >= from)
                .mapConcat(p -> lineMessage(p.first().utf8String(), p.second()))
                .mapMaterializedValue(m -> NotUsed.getInstance());
        ObjectNode end = StatusJson.JSON.createObjectNode();
        end.put("events", lines);
        return events.concat(Source.single(ServerSentEvent.create(end.toString(), "end")))
                .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat);
    }

    private static List<ServerSentEvent> lineMessage(String line, long index) {
        String text = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        if (text.isBlank()) return List.of();
        try {
            JsonNode n = EventJson.mapper().readTree(text);
            String type = n == null ? null : n.path("type").asText(null);
            if (type == null || type.isBlank() || type.contains("\n")) return List.of();
            return List.of(ServerSentEvent.create(text, type, Long.toString(index)));
        } catch (java.io.IOException e) {
            return List.of();
        }
    }
}
