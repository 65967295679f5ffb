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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where every event goes: the run folder's {@code events.jsonl}, a readable failover timeline through
 * SLF4J (logger {@code poolpair.timeline}), an in-memory history for awaits and summaries, and any
 * listeners (tests, the dashboard, the metrics). Thread-safe; events keep the order in which they were published,
 * the same in the file, the history, the timeline and every listener.
 *
 * <p>{@link #publish} runs the history and the listeners on the caller's thread, under the bus's lock, and hands
 * the event to one writer thread ({@code poolpair-journal}) through a queue in the same order: that thread writes
 * {@code events.jsonl} and the timeline, so a publishing actor never waits for a disk or a console. The file is
 * flushed whenever the writer has caught up, and at least every {@link #FLUSH_INTERVAL_MS} ms under a steady
 * stream; {@link #awaitWritten()} waits until what was published is on the console and in the file, and
 * {@link #close()} writes everything still queued before it returns. The queue holds at most
 * {@link #QUEUE_CAPACITY} events: past that a publisher waits for the writer (the file stays complete).
 */
public final class EventBus implements AutoCloseable {

    private static final Logger TIMELINE = LoggerFactory.getLogger("poolpair.timeline");

    /** The file is flushed at least this often while events keep coming (wall ms). */
    public static final long FLUSH_INTERVAL_MS = 100;
    /** Events waiting for the writer thread, at most. */
    public static final int QUEUE_CAPACITY = 65_536;
    /** How long {@link #close()} and {@link #awaitWritten()} wait for the writer at most. */
    private static final long WRITER_WAIT_MS = 30_000;

    private final BufferedWriter out;
    private final List<FailoverEvent> history = new ArrayList<>();
    private final List<Consumer<FailoverEvent>> listeners = new CopyOnWriteArrayList<>();
    private final boolean keepHistory;
    private boolean closed;

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    /** The writer's end-of-queue mark, put by {@link #close()}. */
    private static final Object END = new Object();
    private Thread writer;
    /** Events handed to the writer (under the bus's lock). */
    private long queued;
    /** Events the writer has logged and flushed to the file; guarded by {@link #writtenLock}. */
    private long written;
    private final Object writtenLock = new Object();

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
        // One lock around the history, the hand-over to the writer and the listeners: all of them see the events of
        // concurrent publishers in the same order (a consequence never shows up before its cause in the file, on the
        // console or in a listener). Listeners therefore run under this lock and must not wait for another publisher.
        synchronized (this) {
            if (keepHistory) history.add(e);
            if (closed) {
                log(e); // the writer is gone: the timeline still shows what comes after close, as it always did
            } else {
                enqueue(e);
            }
            for (Consumer<FailoverEvent> l : listeners) {
                try {
                    l.accept(e);
                } catch (RuntimeException ex) {
                    TIMELINE.warn("event listener failed: {}", ex.toString());
                }
            }
        }
    }

    /** Under the lock: hands {@code e} to the writer thread, started on the first event. */
    private void enqueue(Object e) {
        if (writer == null) {
            writer = new Thread(this::writeLoop, "poolpair-journal");
            writer.setDaemon(true);
            writer.start();
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(e);
                break;
            } catch (InterruptedException ex) {
                interrupted = true; // the event must not be lost: keep trying, and say so afterwards
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (e != END) queued++;
    }

    /**
     * Waits until every event published before this call is on the console and flushed to {@code events.jsonl}
     * (at most 30 s). {@code poolpair run} calls it before its own lines, so they follow the timeline lines of the
     * events that came before them.
     */
    public void awaitWritten() {
        long target;
        synchronized (this) {
            target = queued;
        }
        long deadline = System.currentTimeMillis() + WRITER_WAIT_MS;
        synchronized (writtenLock) {
            while (written < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    TIMELINE.warn("the event journal is {} events behind", target - written);
                    return;
                }
                try {
                    writtenLock.wait(left);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The writer thread: takes events in order, logs each, writes its line, flushes when caught up or every 100 ms. */
    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        long done = 0;
        long lastFlushMs = System.currentTimeMillis();
        boolean failed = false;
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException ex) {
                continue; // only close() ends this thread, through END
            }
            queue.drainTo(batch, 4096);
            boolean end = false;
            for (Object o : batch) {
                if (o == END) {
                    end = true;
                    break;
                }
                FailoverEvent e = (FailoverEvent) o;
                if (out != null) {
                    try {
                        out.write(EventJson.toLine(e));
                        out.write('\n');
                    } catch (IOException | RuntimeException ex) {
                        if (!failed) TIMELINE.error("cannot write events.jsonl: {}", ex.getMessage());
                        failed = true;
                    }
                }
                try {
                    log(e);
                } catch (RuntimeException ex) {
                    // a broken console must not stop the file
                }
                done++;
            }
            batch.clear();
            long now = System.currentTimeMillis();
            if (end || queue.isEmpty() || now - lastFlushMs >= FLUSH_INTERVAL_MS) {
                if (out != null) {
                    try {
                        out.flush();
                    } catch (IOException ex) {
                        if (!failed) TIMELINE.error("cannot write events.jsonl: {}", ex.getMessage());
                        failed = true;
                    }
                }
                lastFlushMs = now;
                synchronized (writtenLock) {
                    written = done;
                    writtenLock.notifyAll();
                }
            }
            if (end) return;
        }
    }

    public void publishAll(List<? extends FailoverEvent> events) {
        for (FailoverEvent e : events) publish(e);
    }

    public void subscribe(Consumer<FailoverEvent> listener) { listeners.add(listener); }

    /**
     * Subscribes {@code listener} and first gives it every event published so far (when this bus keeps its history),
     * so it sees every event of the run once, in order, however late it joins.
     */
    public synchronized void subscribeFromStart(Consumer<FailoverEvent> listener) {
        for (FailoverEvent e : history) {
            try {
                listener.accept(e);
            } catch (RuntimeException ex) {
                TIMELINE.warn("event listener failed: {}", ex.toString());
            }
        }
        listeners.add(listener);
    }

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

    /**
     * Writes every event still queued, flushes and closes {@code events.jsonl} (waiting at most 30 s for the writer).
     * Events published afterwards still reach the history, the listeners and the timeline, not the file.
     */
    @Override
    public synchronized void close() {
        // under the lock: a publisher after close logs its line itself, after the writer's last one
        if (closed) return;
        closed = true;
        Thread w = writer;
        if (w != null) {
            enqueue(END);
            try {
                w.join(WRITER_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (w.isAlive()) TIMELINE.error("the event journal did not finish writing events.jsonl within {} s", WRITER_WAIT_MS / 1000);
        }
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing more to write
            }
        }
    }
}
