package io.poolpair.runtime.clock;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread every actor of a virtual-clock ActorSystem runs on, counting the tasks in flight (submitted and
 * not yet finished). Pekko hands an executor a mailbox to run whenever an idle actor gets a message, and the
 * mailbox hands itself back before its run ends if messages are left, so "nothing in flight" means every mailbox
 * is drained: the system is quiescent until someone from outside sends a message or fires a timer.
 *
 * <p>One thread makes a run repeatable: the tasks run one at a time in the order they were submitted, and all
 * of them are submitted by this thread itself, or by the clock's caller while nothing runs.
 */
final class SingleThreadExecutor extends AbstractExecutorService {

    private volatile Thread worker;
    private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0L, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "poolpair-virtual-clock");
                t.setDaemon(true); // a deployment nobody closed does not keep the JVM alive
                worker = t;
                return t;
            });
    private final AtomicLong inFlight = new AtomicLong();
    private final Object idle = new Object();

    @Override
    public void execute(Runnable task) {
        inFlight.incrementAndGet();
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } finally {
                    finished();
                }
            });
        } catch (RejectedExecutionException e) {
            finished();
            throw e;
        }
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** Whether the caller is this executor's thread (an actor). */
    boolean isOwnThread() {
        return Thread.currentThread() == worker;
    }

    /** Tasks submitted and not yet finished. */
    long inFlight() {
        return inFlight.get();
    }

    /**
     * Waits until nothing is in flight, at most {@code wallMs} of real time. Returns false if the bound passed
     * first. Call it from outside the executor's thread.
     */
    boolean awaitIdle(long wallMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wallMs);
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return false;
                idle.wait(left);
            }
        }
        return true;
    }

    /**
     * Ignored. Pekko shuts a dispatcher's executor down once the dispatcher has had no actor for its
     * {@code shutdown-timeout}; here every dispatcher shares this executor, so one of them going idle must not stop
     * the others. The clock stops it with {@link #stop} once the ActorSystem has terminated.
     */
    @Override
    public void shutdown() { }

    /** Ignored, as {@link #shutdown}. */
    @Override
    public List<Runnable> shutdownNow() { return List.of(); }

    /** Stops the thread once the tasks already submitted have run. */
    void stop() { thread.shutdown(); }

    @Override
    public boolean isShutdown() { return thread.isShutdown(); }

    @Override
    public boolean isTerminated() { return thread.isTerminated(); }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return thread.awaitTermination(timeout, unit);
    }
}
