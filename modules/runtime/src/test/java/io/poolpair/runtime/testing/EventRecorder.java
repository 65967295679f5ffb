package io.poolpair.runtime.testing;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.runtime.journal.EventBus;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.fail;

/**
 * Test listener on an {@link EventBus}: records every event in publish order and lets a test wait, with a
 * generous bound, for the first event at or after a mark that matches. The bound is a safety net against a
 * hung test, never an assertion of speed. Subscribe before the action whose events you expect.
 */
public final class EventRecorder implements Consumer<FailoverEvent> {

    /** Safety bound on every wait (wall seconds). */
    public static final long BOUND_SECONDS = 20;

    private final List<FailoverEvent> events = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(int from, Predicate<FailoverEvent> match, CompletableFuture<Integer> found) {}

    private EventRecorder() {}

    public static EventRecorder on(EventBus bus) {
        EventRecorder r = new EventRecorder();
        bus.subscribe(r);
        return r;
    }

    @Override
    public void accept(FailoverEvent e) {
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            events.add(e);
            int index = events.size() - 1;
            for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (index >= p.from() && p.match().test(e)) {
                    it.remove();
                    completions.add(() -> p.found().complete(index));
                }
            }
        }
        completions.forEach(Runnable::run);
    }

    /** The position the next event will take: pass it to the waits to look only at what follows. */
    public synchronized int mark() { return events.size(); }

    public synchronized FailoverEvent get(int index) { return events.get(index); }

    /** Events from {@code from} (inclusive) to {@code to} (exclusive). */
    public synchronized List<FailoverEvent> between(int from, int to) {
        return List.copyOf(events.subList(Math.min(from, events.size()), Math.min(to, events.size())));
    }

    public synchronized List<FailoverEvent> since(int from) { return between(from, events.size()); }

    /** Index of the first event at or after {@code from} that matches; fails the test after the bound. */
    public int awaitIndex(int from, String what, Predicate<FailoverEvent> match) {
        CompletableFuture<Integer> found = new CompletableFuture<>();
        synchronized (this) {
            for (int i = Math.max(0, from); i < events.size(); i++) {
                if (match.test(events.get(i))) return i;
            }
            pending.add(new Pending(from, match, found));
        }
        try {
            return found.get(BOUND_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            synchronized (this) {
                pending.removeIf(p -> p.found() == found);
            }
            return fail("no " + what + " within " + BOUND_SECONDS + " s (wall); events since the mark:\n"
                    + describe(since(from)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            return fail("waiting for " + what + " failed: " + e.getCause());
        }
    }

    /** Returns once any event at or after {@code from} exists, or after {@code slice}, whichever comes first. */
    public void awaitAnySince(int from, java.time.Duration slice) {
        CompletableFuture<Integer> found = new CompletableFuture<>();
        synchronized (this) {
            if (events.size() > from) return;
            pending.add(new Pending(from, e -> true, found));
        }
        try {
            found.get(slice.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // nothing new: the caller looks again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // cannot happen: only completed normally
        } finally {
            synchronized (this) {
                pending.removeIf(p -> p.found() == found);
            }
        }
    }

    /** The first event at or after {@code from} that matches, cast to its type. */
    public <T extends FailoverEvent> T await(int from, Class<T> type, String what, Predicate<? super T> match) {
        int i = awaitIndex(from, what, e -> type.isInstance(e) && match.test(type.cast(e)));
        return type.cast(get(i));
    }

    /** Matches events of a type (kebab-case), optionally of one pool and one server (null: any). */
    public static Predicate<FailoverEvent> event(String type, String pool, String server) {
        return e -> e.type().equals(type)
                && (pool == null || pool.equals(e.where().pool()))
                && (server == null || server.equals(e.where().server()));
    }

    public static String describe(List<FailoverEvent> events) {
        return events.stream().map(EventBus::timelineLine).collect(Collectors.joining("\n"));
    }
}
