package io.poolpair.runtime;

import com.typesafe.config.Config;
import io.poolpair.model.time.Time;
import io.poolpair.runtime.clock.VirtualClock;
import org.apache.pekko.actor.typed.ActorSystem;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The emulator's notion of now: wall time plus emulated time, which runs {@code timeScale} times faster.
 * The model never reads a clock; actors ask this one and pass the {@link Time} in.
 *
 * <p>Two kinds: {@link #scaledWall} (the default: emulated time is wall time × time-scale, so a person can watch a
 * run live) and {@link #virtual} (time moves only when the caller waits, jumping from one timer to the next; runs
 * are as fast as the CPU allows and repeatable).
 */
public interface EmulationClock {

    Time now();

    double timeScale();

    /** Wall milliseconds (the ActorSystem scheduler's milliseconds) that correspond to an emulated duration. */
    default long toWallMs(long emulatedMs) { return Math.max(1, Math.round(emulatedMs / timeScale())); }

    /** Blocks the calling (non-actor) thread until emulated time reaches {@code emulatedMs}. */
    void awaitEmulated(long emulatedMs) throws InterruptedException;

    /**
     * Blocks the calling (non-actor) thread until {@code f} completes, at most {@code withinEmulatedMs} of emulated
     * time from now, and returns its value.
     *
     * @throws TimeoutException when that much emulated time passed first
     */
    default <T> T await(CompletableFuture<T> f, long withinEmulatedMs)
            throws InterruptedException, ExecutionException, TimeoutException {
        return f.get(toWallMs(withinEmulatedMs), TimeUnit.MILLISECONDS);
    }

    /** True for the virtual clock. */
    default boolean isVirtual() { return false; }

    /** The ActorSystem settings this clock needs, over {@code config}. */
    default Config actorSystemConfig(Config config) { return config; }

    /** Binds the clock to the ActorSystem just created with {@link #actorSystemConfig}. */
    default void attach(ActorSystem<?> system) { }

    /**
     * Blocks the calling (non-actor) thread until the actors have handled what was sent to them, without moving
     * time: on the virtual clock, until every mailbox is drained; on the wall clock, a no-op (time runs anyway).
     */
    default void settle() { }

    /** Releases what {@link #attach} took, once the ActorSystem has terminated. */
    default void detach() { }

    /** Wall clock scaled from the first moment anyone asks for the time (emulated zero). */
    static EmulationClock scaledWall(double timeScale) {
        return new ScaledWallClock(timeScale);
    }

    /** A virtual clock: see {@link VirtualClock}. Use it for one ActorSystem. */
    static VirtualClock virtual() {
        return new VirtualClock();
    }

    final class ScaledWallClock implements EmulationClock {
        private final double timeScale;
        private final java.util.concurrent.atomic.AtomicLong startWallMs = new java.util.concurrent.atomic.AtomicLong(-1);

        public ScaledWallClock(double timeScale) {
            this.timeScale = timeScale;
        }

        /**
         * A clock whose emulated zero is {@code startWallMs}: the nodes of a multi-node run share one, so that their
         * events and histories keep one emulated time line.
         */
        public ScaledWallClock(double timeScale, long startWallMs) {
            this.timeScale = timeScale;
            this.startWallMs.set(startWallMs);
        }

        @Override
        public double timeScale() { return timeScale; }

        private long start(long wall) {
            startWallMs.compareAndSet(-1, wall);
            return startWallMs.get();
        }

        @Override
        public Time now() {
            long wall = System.currentTimeMillis();
            return new Time(wall, Math.round((wall - start(wall)) * timeScale));
        }

        @Override
        public void awaitEmulated(long emulatedMs) throws InterruptedException {
            long targetWall = start(System.currentTimeMillis()) + (long) Math.ceil(emulatedMs / timeScale);
            Object lock = new Object();
            synchronized (lock) {
                long left;
                while ((left = targetWall - System.currentTimeMillis()) > 0) lock.wait(left);
            }
        }
    }
}
