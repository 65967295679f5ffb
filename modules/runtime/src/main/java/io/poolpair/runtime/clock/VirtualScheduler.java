package io.poolpair.runtime.clock;

import com.typesafe.config.Config;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.testkit.ExplicitlyTriggeredScheduler;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ActorSystem's scheduler on the virtual clock ({@code pekko.scheduler.implementation}): Pekko's own manual
 * scheduler, {@link ExplicitlyTriggeredScheduler} (what typed {@code ManualTime} wraps), whose time moves only
 * when {@link VirtualClock} fires the next due instant. Its milliseconds are the emulated milliseconds.
 *
 * <p>What this subclass adds, and why:
 * <ul>
 *   <li>It remembers the instants at which something is due, so the clock can jump from one to the next
 *       ({@link #nextDueAfter}). An instant whose timer was cancelled stays known and is fired with nothing to
 *       run: harmless.</li>
 *   <li>Timers due at the same instant run in the order they were scheduled. The manual scheduler itself runs
 *       them in the iteration order of a hash map keyed by identity, which differs from run to run; here each
 *       due timer is collected first, then run sorted by (due time, scheduling order), so a run is
 *       repeatable.</li>
 *   <li>Firing happens on the dispatcher's single thread ({@link #fire}), as one task: no actor runs while the
 *       due timers send their messages, so those messages reach the mailboxes in the same order every time.</li>
 *   <li>Delays are whole milliseconds, rounded up, so nothing is ever due before "now"; a task with no delay
 *       runs at once on its execution context, as with Pekko's default scheduler.</li>
 * </ul>
 */
public final class VirtualScheduler extends ExplicitlyTriggeredScheduler {

    private static final Runnable NOTHING = () -> { };
    /** The manual scheduler runs tasks on the thread that fires them and ignores the context it is given. */
    private static final ExecutionContext INLINE = ExecutionContexts.fromExecutor(Runnable::run);

    private final AtomicLong scheduled = new AtomicLong();
    private final ConcurrentSkipListSet<Long> dueInstants = new ConcurrentSkipListSet<>();
    /** The timers found due by the firing in progress; only the dispatcher thread touches it, during {@link #fire}. */
    private final List<DueTimer> due = new ArrayList<>();
    private final LoggingAdapter log;
    private SingleThreadExecutor executor; // guarded by this

    /** The constructor Pekko calls for {@code pekko.scheduler.implementation}. */
    public VirtualScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
        super(config, log, threadFactory);
        this.log = log;
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext context) {
        if (delay.toNanos() <= 0) return runNow(runnable, context);
        long ms = wholeMs(delay);
        dueInstants.add(currentTimeMs() + ms);
        return super.scheduleOnce(FiniteDuration.apply(ms, TimeUnit.MILLISECONDS), new Timer(runnable, 0,
                scheduled.incrementAndGet()), context);
    }

    @Override
    public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable,
                                ExecutionContext context) {
        long every = wholeMs(interval);
        if (initialDelay.toNanos() <= 0) {
            runNow(runnable, context);
            initialDelay = FiniteDuration.apply(every, TimeUnit.MILLISECONDS);
        }
        long first = wholeMs(initialDelay);
        dueInstants.add(currentTimeMs() + first);
        return super.schedule(FiniteDuration.apply(first, TimeUnit.MILLISECONDS),
                FiniteDuration.apply(every, TimeUnit.MILLISECONDS), new Timer(runnable, every, scheduled.incrementAndGet()),
                context);
    }

    /** The first instant after {@code afterMs} at which a timer is (or was, if since cancelled) due; -1 if none. */
    long nextDueAfter(long afterMs) {
        Long next = dueInstants.higher(afterMs);
        return next == null ? -1 : next;
    }

    /**
     * Moves time to {@code atMs} and runs every timer due then. Must run on the dispatcher's thread (the clock
     * submits it there), and only when nothing is due before {@code atMs}.
     */
    void fire(long atMs) {
        if (currentTimeMs() < atMs) {
            // a no-op due at atMs moves the manual scheduler's time there even if every timer of that instant
            // was cancelled (executeTasks sets the time to each task's due time as it runs it)
            super.scheduleOnce(FiniteDuration.apply(atMs - currentTimeMs(), TimeUnit.MILLISECONDS), NOTHING, INLINE);
        }
        // executeTasks is what timePasses calls after a fixed Thread.sleep(100) meant to let a test's dispatchers
        // drain; the virtual clock waits for the dispatcher to be idle instead, so it calls executeTasks directly
        // (Scala private[testkit], public to the JVM).
        executeTasks(atMs);
        due.sort(Comparator.comparingLong(DueTimer::atMs).thenComparingLong(DueTimer::order));
        List<DueTimer> now = new ArrayList<>(due);
        due.clear();
        dueInstants.headSet(atMs, true).clear();
        for (DueTimer t : now) {
            try {
                t.task().run();
            } catch (RuntimeException e) {
                log.error(e, "virtual clock: a timer task failed at {} ms", atMs);
            }
        }
    }

    /** The single-thread executor every dispatcher of this ActorSystem runs on (created on first use). */
    synchronized SingleThreadExecutor executor() {
        if (executor == null) executor = new SingleThreadExecutor();
        return executor;
    }

    /** The executor if one was created, else null. */
    synchronized SingleThreadExecutor executorIfStarted() {
        return executor;
    }

    private static Cancellable runNow(Runnable runnable, ExecutionContext context) {
        context.execute(runnable);
        return new Cancellable() {
            @Override
            public boolean cancel() { return false; }

            @Override
            public boolean isCancelled() { return false; }
        };
    }

    private static long wholeMs(FiniteDuration d) {
        long ms = d.toMillis();
        return d.toNanos() > TimeUnit.MILLISECONDS.toNanos(ms) ? ms + 1 : Math.max(1, ms);
    }

    private record DueTimer(long atMs, long order, Runnable task) {}

    /** What the manual scheduler holds for each timer: it collects the task instead of running it at once. */
    private final class Timer implements Runnable {
        private final Runnable task;
        private final long intervalMs;
        private final long order;

        Timer(Runnable task, long intervalMs, long order) {
            this.task = task;
            this.intervalMs = intervalMs;
            this.order = order;
        }

        @Override
        public void run() {
            long at = currentTimeMs(); // executeTasks has set the time to this timer's due time
            if (intervalMs > 0) dueInstants.add(at + intervalMs);
            due.add(new DueTimer(at, order, task));
        }
    }
}
