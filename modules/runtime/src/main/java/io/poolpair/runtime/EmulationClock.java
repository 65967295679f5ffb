package io.poolpair.runtime;

import io.poolpair.model.time.Time;

/**
 * The emulator's notion of now: wall time plus emulated time, which runs {@code timeScale} times faster.
 * The model never reads a clock; actors ask this one and pass the {@link Time} in.
 */
public interface EmulationClock {

    Time now();

    double timeScale();

    /** Wall milliseconds that correspond to an emulated duration. */
    default long toWallMs(long emulatedMs) { return Math.max(1, Math.round(emulatedMs / timeScale())); }

    /** Blocks the calling (non-actor) thread until emulated time reaches {@code emulatedMs}. */
    void awaitEmulated(long emulatedMs) throws InterruptedException;

    /** Wall clock scaled from the first moment anyone asks for the time (emulated zero). */
    static EmulationClock scaledWall(double timeScale) {
        return new ScaledWallClock(timeScale);
    }

    final class ScaledWallClock implements EmulationClock {
        private final double timeScale;
        private final java.util.concurrent.atomic.AtomicLong startWallMs = new java.util.concurrent.atomic.AtomicLong(-1);

        public ScaledWallClock(double timeScale) {
            this.timeScale = timeScale;
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
