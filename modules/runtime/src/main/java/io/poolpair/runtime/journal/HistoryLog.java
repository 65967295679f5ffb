package io.poolpair.runtime.journal;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;
import io.poolpair.model.time.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Writes {@code history.jsonl}: the emulated users' operations (from the pool-pair actors), what was done to the
 * deployment (from {@link io.poolpair.runtime.deploy.EmbeddedDeployment}), and the model's declarations, which it
 * takes from the event bus (pool quorum lost and regained, users moved, pool failover states). Thread-safe; the
 * file is buffered and flushed on {@link #flush()} and {@link #close()}. {@link #tap} lets a reader (the live
 * checkers behind {@code GET /metrics}) follow every record in file order.
 */
public final class HistoryLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryLog.class);

    /** A log that records nothing (no run folder, or the workload is off). */
    public static final HistoryLog NONE = new HistoryLog(null, null);

    private final BufferedWriter out;
    private final Path file;
    private final List<Consumer<HistoryRecord>> taps = new CopyOnWriteArrayList<>();
    private long records;
    private boolean closed;

    private HistoryLog(BufferedWriter out, Path file) {
        this.out = out;
        this.file = file;
    }

    public static HistoryLog to(Path file) {
        try {
            return new HistoryLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean enabled() { return out != null; }

    public void record(HistoryRecord r) {
        if (out == null) return;
        synchronized (this) {
            if (closed) return;
            try {
                HistoryJson.write(out, r);
                records++;
            } catch (IOException e) {
                LOG.error("cannot write history.jsonl: {}", e.getMessage());
            }
            for (Consumer<HistoryRecord> t : taps) {
                try {
                    t.accept(r);
                } catch (RuntimeException e) {
                    LOG.warn("history tap failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Follows the history from its first record: {@code tap} is given every record written so far (read back from
     * the file), then every record as it is written, each once and in file order. It runs under this log's lock on
     * the writer's thread (an actor's): it must be quick and must not block. A log that records nothing
     * ({@link #NONE}) or is closed never calls it.
     */
    public void tap(Consumer<HistoryRecord> tap) {
        if (out == null) return;
        synchronized (this) {
            if (closed) return;
            try {
                out.flush();
                try (HistoryJson.Reader r = HistoryJson.open(file)) {
                    while (r.hasNext()) tap.accept(r.next());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            taps.add(tap);
        }
    }

    /** Stops calling {@code tap}. */
    public void untap(Consumer<HistoryRecord> tap) { taps.remove(tap); }

    /**
     * Records one step of an admin verb run by an actor that answers later: its invoke, then its ok or fail (with the
     * outcome or the reason), at {@code at}; on disk at once (a node may die a moment later).
     */
    public void admin(Type type, String verb, String target, String detail, Time at) {
        record(new Nemesis(type, Nemesis.Category.ADMIN, verb, target, detail, at.emulatedMs(), at.wallMs()));
        flush();
    }

    /** Records an action on the deployment: invoke, then ok or fail with the answer. */
    public <T> T nemesis(Nemesis.Category category, String f, String target, Supplier<Time> clock,
                         Supplier<T> action, java.util.function.Function<T, Boolean> ok,
                         java.util.function.Function<T, String> detail) {
        Time t0 = clock.get();
        record(new Nemesis(Type.INVOKE, category, f, target, null, t0.emulatedMs(), t0.wallMs()));
        T answer;
        try {
            answer = action.get();
        } catch (RuntimeException e) {
            Time t1 = clock.get();
            record(new Nemesis(Type.FAIL, category, f, target, e.getMessage(), t1.emulatedMs(), t1.wallMs()));
            throw e;
        }
        Time t1 = clock.get();
        record(new Nemesis(ok.apply(answer) ? Type.OK : Type.FAIL, category, f, target, detail.apply(answer),
                t1.emulatedMs(), t1.wallMs()));
        return answer;
    }

    /** The listener that turns the model's events into history facts (attach it to the event bus). */
    public Consumer<FailoverEvent> factsFromEvents() {
        return e -> {
            ModelFact fact = fact(e);
            if (fact != null) record(fact);
        };
    }

    static ModelFact fact(FailoverEvent e) {
        long em = e.time().emulatedMs();
        long wall = e.time().wallMs();
        String pool = e.where().pool();
        if (e instanceof FailoverEvent.PoolQuorumLost) {
            return new ModelFact("pool-quorum-lost", pool, null, -1, -1, null, em, wall);
        }
        if (e instanceof FailoverEvent.PoolQuorumRegained) {
            return new ModelFact("pool-quorum-regained", pool, null, -1, -1, null, em, wall);
        }
        if (e instanceof FailoverEvent.UsersMoved m) {
            return new ModelFact("users-moved", m.servedBy(), pool, -1, -1, m.toMode(), em, wall);
        }
        if (e instanceof FailoverEvent.PoolFailoverState s) {
            String f = switch (s.to()) {
                case "FailingOver" -> "failover-started";
                case "FailedOver" -> "failover-completed";
                case "FailedBack" -> "failback-completed";
                default -> null;
            };
            return f == null ? null : new ModelFact(f, null, pool, -1, -1, s.detail(), em, wall);
        }
        return null;
    }

    public synchronized long records() { return records; }

    public synchronized void flush() {
        if (out == null || closed) return;
        try {
            out.flush();
        } catch (IOException e) {
            LOG.error("cannot write history.jsonl: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        if (out == null || closed) return;
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            LOG.error("cannot close history.jsonl: {}", e.getMessage());
        }
    }
}
