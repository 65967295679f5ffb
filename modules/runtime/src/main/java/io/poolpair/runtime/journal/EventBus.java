package io.poolpair.runtime.journal;

import io.poolpair.model.event.FailoverEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where every event goes: the run folder's {@code events.jsonl}, a readable failover timeline through
 * SLF4J (logger {@code poolpair.timeline}), an in-memory history for awaits and summaries, and any
 * listeners (tests, the dashboard). Thread-safe; events keep the order in which they were published, the same
 * in the file, the history, the timeline and every listener.
 */
public final class EventBus implements AutoCloseable {

    private static final Logger TIMELINE = LoggerFactory.getLogger("poolpair.timeline");

    private final BufferedWriter out;
    private final List<FailoverEvent> history = new ArrayList<>();
    private final List<Consumer<FailoverEvent>> listeners = new CopyOnWriteArrayList<>();
    private final boolean keepHistory;
    private boolean closed;

    /** @param eventsFile where to write JSON lines, or null for none */
    public EventBus(Path eventsFile, boolean keepHistory) {
        this.keepHistory = keepHistory;
        try {
            this.out = eventsFile == null ? null : Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static EventBus inMemory() { return new EventBus(null, true); }

    private volatile HistoryLog historyLog = HistoryLog.NONE;

    /**
     * Attaches the run's {@code history.jsonl}: the pool-pair actors record users' operations there, the
     * deployment its faults and verbs, and the model's declarations are taken from these events.
     */
    public void attachHistoryLog(HistoryLog log) {
        this.historyLog = log;
        subscribe(log.factsFromEvents());
    }

    /** The run's history log ({@link HistoryLog#NONE} when none is attached). */
    public HistoryLog historyLog() { return historyLog; }

    public void publish(FailoverEvent e) {
        // One lock around the journal, the timeline and the listeners: all of them see the events of concurrent
        // publishers in the same order (a consequence never shows up before its cause on the console or in a
        // listener). Listeners therefore run under this lock and must not wait for another publisher.
        synchronized (this) {
            if (keepHistory) history.add(e);
            if (out != null && !closed) {
                try {
                    out.write(EventJson.toLine(e));
                    out.write('\n');
                    out.flush();
                } catch (IOException ex) {
                    TIMELINE.error("cannot write events.jsonl: {}", ex.getMessage());
                }
            }
            log(e);
            for (Consumer<FailoverEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    TIMELINE.warn("event listener failed: {}", ex.toString());
                }
            }
        }
    }

    public void publishAll(List<? extends FailoverEvent> events) {
        for (FailoverEvent e : events) publish(e);
    }

    public void subscribe(Consumer<FailoverEvent> listener) { listeners.add(listener); }

    public void unsubscribe(Consumer<FailoverEvent> listener) { listeners.remove(listener); }

    /** An event with its index in the run: 0 for the first event published, the line of {@code events.jsonl} it is on. */
    public record Indexed(int index, FailoverEvent event) {}

    /**
     * What {@link #subscribeFrom} returns: the events already published from {@code from} on, and the subscription to
     * pass to {@link #unsubscribe}.
     */
    public record Catchup(int from, List<FailoverEvent> past, Consumer<FailoverEvent> subscription) {}

    /**
     * Subscribes {@code listener} to every event published from now on, each with its index, and returns the events
     * already published from index {@code from} on: together they hold every event from {@code from} exactly once, in
     * order (the dashboard's event stream resumes this way). Indexes count the history, so the bus must keep it. The
     * listener runs under the bus's lock like any other: it must hand the event on without waiting.
     */
    public synchronized Catchup subscribeFrom(int from, Consumer<Indexed> listener) {
        if (!keepHistory) throw new IllegalStateException("subscribeFrom needs an event bus that keeps its history");
        int first = Math.max(0, Math.min(from, history.size()));
        List<FailoverEvent> past = List.copyOf(history.subList(first, history.size()));
        Consumer<FailoverEvent> counting = new Consumer<>() {
            private int next = history.size();

            @Override
            public void accept(FailoverEvent e) {
                listener.accept(new Indexed(next++, e));
            }
        };
        listeners.add(counting);
        return new Catchup(first, past, counting);
    }

    /** A copy of the events published so far (empty when history is off). */
    public synchronized List<FailoverEvent> history() { return List.copyOf(history); }

    public synchronized List<FailoverEvent> historyFrom(int index) {
        return List.copyOf(history.subList(Math.min(index, history.size()), history.size()));
    }

    public synchronized int size() { return history.size(); }


    /** The timeline line for an event: emulated time, where, what. */
    public static String timelineLine(FailoverEvent e) {
        return String.format(Locale.ROOT, "%9s  %-8s %-8s %s", emulated(e.time().emulatedMs()),
                e.where().site() == null ? "" : e.where().site(), e.where().pool() == null ? "" : e.where().pool(),
                e.describe());
    }

    /** Emulated milliseconds as {@code +1m02.5s}. */
    public static String emulated(long ms) {
        long s = ms / 1000;
        long tenths = (ms % 1000) / 100;
        return s >= 60 ? String.format(Locale.ROOT, "+%dm%02d.%ds", s / 60, s % 60, tenths)
                : String.format(Locale.ROOT, "+%d.%ds", s, tenths);
    }

    private static void log(FailoverEvent e) {
        if (e.type().equals("load-redistributed") && !TIMELINE.isDebugEnabled()) {
            TIMELINE.info(timelineLine(e));
            return;
        }
        switch (e.level()) {
            case ERROR -> TIMELINE.error(timelineLine(e));
            case WARN -> TIMELINE.warn(timelineLine(e));
            default -> TIMELINE.info(timelineLine(e));
        }
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
