package io.poolpair.runtime.clock;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.poolpair.model.time.Time;
import io.poolpair.runtime.EmulationClock;
import io.poolpair.runtime.journal.EventBus;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Emulated time that moves only when the caller waits ({@link #awaitEmulated}, {@link #await}): the clock jumps to
 * the next instant at which a timer is due, fires the timers due then, waits until every actor is idle, and
 * repeats. A run takes as long as its actors' work, not as long as its emulated time, and the same inputs give
 * the same run: every actor of the ActorSystem runs on one thread, timers of the same instant fire in the order
 * they were set, and the caller acts only while the actors are idle.
 *
 * <p>Inside, emulated milliseconds are the scheduler's milliseconds (time-scale 1), and {@link Time#wallMs()}
 * reports the virtual time too, so events of a virtual run carry {@code wallMs == emulatedMs}. The wall clock
 * bounds only how long the clock waits for the actors to settle after each step
 * ({@link #DEFAULT_SETTLE_TIMEOUT}): exceeding it is an error (an actor loops or blocks), never a verdict.
 *
 * <p>Why jump to the next due timer rather than move in fixed steps (say 50 ms): a timer then fires at exactly its
 * due time, as it would at time-scale 1, with no rounding to a step that could reorder two timers or shift an
 * event's emulated time; and stretches where nothing is due (a 30 min back-end threshold) cost one step. A step
 * is cheap (two thread hand-offs plus the actors' work), and the emulator's periodic timers (heartbeats every
 * 2 s, checks every 1 s, the workload every 1 s emulated) keep steps to a few per emulated second.
 *
 * <p>Use: {@link #actorSystemConfig} for the ActorSystem's settings, {@link #attach} once it is created,
 * {@link #detach} once it has terminated. One clock serves one ActorSystem. Drive it from one thread that is not
 * an actor (the scenario runner); the methods are synchronized so a second caller waits its turn.
 */
public final class VirtualClock implements EmulationClock {

    /**
     * Wall time the clock waits for the actors to go idle after a step or a message: far above what any step
     * takes (milliseconds), so that only a looping or blocked actor reaches it, even on a loaded machine.
     */
    public static final Duration DEFAULT_SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private static final Config ACTOR_SYSTEM = ConfigFactory.parseString("""
            # Pekko's manual scheduler (VirtualScheduler extends ExplicitlyTriggeredScheduler): timers fire only
            # when the virtual clock moves time.
            pekko.scheduler.implementation = "io.poolpair.runtime.clock.VirtualScheduler"
            # Every actor, Poolpair's and Pekko's own, on one thread whose tasks in flight are counted: the
            # configurator gives each of these dispatchers the scheduler's one SingleThreadExecutor. A mailbox
            # yields that thread after `throughput` messages, never after a wall-time deadline.
            pekko.actor.default-dispatcher {
              executor = "io.poolpair.runtime.clock.SingleThreadExecutorConfigurator"
              throughput-deadline-time = 0ms
            }
            pekko.actor.internal-dispatcher {
              executor = "io.poolpair.runtime.clock.SingleThreadExecutorConfigurator"
              throughput-deadline-time = 0ms
            }
            pekko.actor.default-blocking-io-dispatcher {
              executor = "io.poolpair.runtime.clock.SingleThreadExecutorConfigurator"
              throughput-deadline-time = 0ms
            }
            """);

    private final long settleTimeoutMs;
    private volatile VirtualScheduler scheduler;

    public VirtualClock() {
        this(DEFAULT_SETTLE_TIMEOUT);
    }

    public VirtualClock(Duration settleTimeout) {
        this.settleTimeoutMs = settleTimeout.toMillis();
    }

    @Override
    public Time now() {
        VirtualScheduler s = scheduler;
        // before attach the scheduler exists but the clock does not know it yet: its time is still 0
        long t = s == null ? 0 : s.currentTimeMs();
        return new Time(t, t);
    }

    /** 1: emulated milliseconds are the scheduler's milliseconds. */
    @Override
    public double timeScale() { return 1; }

    @Override
    public boolean isVirtual() { return true; }

    @Override
    public Config actorSystemConfig(Config config) {
        return ACTOR_SYSTEM.withFallback(config);
    }

    @Override
    public synchronized void attach(ActorSystem<?> system) {
        if (scheduler != null) throw new IllegalStateException("a virtual clock serves one ActorSystem");
        org.apache.pekko.actor.Scheduler s = Adapter.toClassic(system).scheduler();
        if (!(s instanceof VirtualScheduler v)) {
            throw new IllegalStateException("ActorSystem " + system.name() + " was not created with the virtual clock's"
                    + " settings (actorSystemConfig): its scheduler is " + s.getClass().getName());
        }
        scheduler = v;
        // the start-up runs to its end before anyone from outside sends a message: the same order every time
        settle();
    }

    @Override
    public void detach() {
        VirtualScheduler s = scheduler;
        SingleThreadExecutor executor = s == null ? null : s.executorIfStarted();
        if (executor != null) executor.stop();
    }

    /** Moves time to {@code emulatedMs}, firing every timer due until then, instant by instant. */
    @Override
    public synchronized void awaitEmulated(long emulatedMs) throws InterruptedException {
        VirtualScheduler s = attached();
        settle(s);
        while (s.currentTimeMs() < emulatedMs) step(s, emulatedMs);
    }

    /**
     * Moves time, instant by instant, until {@code f} completes or {@code withinEmulatedMs} has passed. The future
     * is looked at after each instant, once the actors are idle: the run stops at the instant that completed it.
     */
    @Override
    public synchronized <T> T await(CompletableFuture<T> f, long withinEmulatedMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        VirtualScheduler s = attached();
        settle(s);
        long deadline = s.currentTimeMs() + withinEmulatedMs;
        while (!f.isDone() && s.currentTimeMs() < deadline) step(s, deadline);
        if (!f.isDone()) {
            throw new TimeoutException("not done within " + withinEmulatedMs + " ms of emulated (virtual) time");
        }
        return f.get();
    }

    /** Waits (bounded in wall time) until every actor is idle, without moving time. */
    @Override
    public synchronized void settle() {
        VirtualScheduler s = scheduler;
        if (s == null) return;
        try {
            settle(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the actors to settle", e);
        }
    }

    /** Fires the next instant at which a timer is due, or moves to {@code limitMs} if none is due before it. */
    private void step(VirtualScheduler s, long limitMs) throws InterruptedException {
        long next = s.nextDueAfter(s.currentTimeMs());
        long at = next < 0 || next > limitMs ? limitMs : next;
        RuntimeException[] failed = new RuntimeException[1];
        s.executor().execute(() -> {
            try {
                s.fire(at);
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        });
        settle(s);
        if (failed[0] != null) throw new IllegalStateException("virtual clock: firing the timers due at "
                + EventBus.emulated(at) + " failed: " + failed[0], failed[0]);
    }

    private void settle(VirtualScheduler s) throws InterruptedException {
        SingleThreadExecutor executor = s.executorIfStarted();
        if (executor == null) return;
        if (executor.isOwnThread()) {
            throw new IllegalStateException("the virtual clock is driven from outside the actors, not from an actor");
        }
        if (!executor.awaitIdle(settleTimeoutMs)) {
            throw new IllegalStateException("virtual clock: the actors were still busy after " + settleTimeoutMs
                    + " ms of wall time at " + EventBus.emulated(s.currentTimeMs()) + " emulated (" + executor.inFlight()
                    + " tasks in flight): an actor is looping or blocked");
        }
    }

    private VirtualScheduler attached() {
        VirtualScheduler s = scheduler;
        if (s == null) throw new IllegalStateException("the virtual clock is not attached to an ActorSystem");
        return s;
    }
}
