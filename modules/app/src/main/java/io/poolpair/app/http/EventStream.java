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
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * Where a live stream's events come from: a deployment's event bus, or a cluster node's merged events. {@code T} is
     * an event with its index; the SSE message is made from it on the stream, not where it is published.
     */
    interface Log<T> {
        /** Subscribes {@code listener} (which must not wait) and returns the events already there from {@code from} on. */
        Catchup<T> subscribeFrom(long from, java.util.function.Consumer<T> listener);

        void unsubscribe(Object subscription);

        long index(T event);

        ServerSentEvent message(T event);
    }

    /** The events already there from the index asked for on, and the handle {@link Log#unsubscribe} takes. */
    record Catchup<T>(List<T> past, Object subscription) {}

    /** A deployment's event bus (it must keep its history) as a {@link Log}. */
    static Log<EventBus.Indexed> of(EventBus bus) {
        return new Log<>() {
            @Override
            public Catchup<EventBus.Indexed> subscribeFrom(long from, java.util.function.Consumer<EventBus.Indexed> listener) {
                EventBus.Catchup c = bus.subscribeFrom((int) Math.min(Integer.MAX_VALUE, from), listener);
                List<EventBus.Indexed> past = new java.util.ArrayList<>(c.past().size());
                for (int i = 0; i < c.past().size(); i++) past.add(new EventBus.Indexed(c.from() + i, c.past().get(i)));
                return new Catchup<>(past, c.subscription());
            }

            @Override
            @SuppressWarnings("unchecked")
            public void unsubscribe(Object subscription) {
                bus.unsubscribe((java.util.function.Consumer<FailoverEvent>) subscription);
            }

            @Override
            public long index(EventBus.Indexed e) { return e.index(); }

            @Override
            public ServerSentEvent message(EventBus.Indexed e) { return EventStream.message(e); }
        };
    }

    /** The events of a running deployment from index {@code from} on: past ones first, then live ones. */
    static Source<ServerSentEvent, NotUsed> live(EventBus bus, int from) {
        return live(of(bus), from, LIVE_BUFFER);
    }

    static Source<ServerSentEvent, NotUsed> live(EventBus bus, int from, int buffer) {
        return live(of(bus), from, buffer);
    }

    /** The events of {@code log} from index {@code from} on: past ones first, then live ones. */
    static <T> Source<ServerSentEvent, NotUsed> live(Log<T> log, long from, int buffer) {
        AtomicReference<Catchup<T>> catchup = new AtomicReference<>();
        AtomicLong behindAt = new AtomicLong(-1);
        Source<T, NotUsed> liveEvents = Source.<T>queue(buffer).mapMaterializedValue(queue -> {
            catchup.set(log.subscribeFrom(from, new Feed<>(log, queue, from, behindAt, catchup)));
            return NotUsed.getInstance();
        });
        // concat materializes both sides at once: the subscription is made before the past events go out, and the live
        // ones wait in the queue meanwhile
        Source<T, NotUsed> past = Source.lazySource(() -> Source.from(catchup.get().past()))
                .mapMaterializedValue(m -> NotUsed.getInstance());
        return past.concat(liveEvents)
                .map(log::message)
                .recover(FellBehind.class, () -> resync(behindAt.get(), buffer))
                .keepAlive(HEARTBEAT, ServerSentEvent::heartbeat)
                .watchTermination((mat, done) -> {
                    done.whenComplete((d, failure) -> {
                        Catchup<T> c = catchup.get();
                        if (c != null) log.unsubscribe(c.subscription());
                    });
                    return NotUsed.getInstance();
                });
    }

    /** The log's listener for one stream: offers each event to the stream's queue, never waits. */
    private record Feed<T>(Log<T> log, BoundedSourceQueue<T> queue, long from, AtomicLong behindAt,
                           AtomicReference<Catchup<T>> catchup) implements java.util.function.Consumer<T> {
        @Override
        public void accept(T e) {
            long index = log.index(e);
            if (index < from || queue.isCompleted()) return;
            QueueOfferResult r = queue.offer(e);
            if (r.isEnqueued()) return;
            if (r == QueueOfferResult.dropped()) {
                behindAt.compareAndSet(-1, index);
                queue.fail(new FellBehind());
            }
            Catchup<T> c = catchup.get();
            if (c != null) log.unsubscribe(c.subscription());
        }
    }

    static ServerSentEvent message(EventBus.Indexed e) {
        FailoverEvent ev = e.event();
        return ServerSentEvent.create(EventJson.toLine(ev), ev.type(), Integer.toString(e.index()));
    }

    /** The message that ends a stream whose client fell behind: reload the state, then reconnect. */
    static ServerSentEvent resync(long index, int buffer) {
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
