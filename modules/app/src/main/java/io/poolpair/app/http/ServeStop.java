package io.poolpair.app.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How {@code run --serve} stops: Ctrl-C or SIGTERM starts the JVM's shutdown, and a shutdown hook lets the run go on
 * to its final read and verdict, waits for the command's exit code ({@link #exiting}), and ends the JVM with it. So
 * the exit code is the verdict's (0 or 1) even after a signal, as without {@code --serve}.
 */
public final class ServeStop {

    /** How long the hook waits for the verdict before the JVM ends with the signal's own status. */
    private static final long VERDICT_WAIT_MINUTES = 10;

    private static final AtomicReference<CompletableFuture<Integer>> EXIT = new AtomicReference<>();

    private ServeStop() {}

    /** Blocks until Ctrl-C or SIGTERM. */
    static void awaitSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        EXIT.set(exit);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                int code = exit.get(VERDICT_WAIT_MINUTES, TimeUnit.MINUTES);
                Runtime.getRuntime().halt(code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the JVM ends with the signal's status
            }
        }, "poolpair-serve-stop"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while serving");
        }
    }

    /**
     * The command line is about to exit with {@code code}: a run stopped by a signal ends the JVM with it. Does nothing
     * when no run is serving.
     */
    public static void exiting(int code) {
        CompletableFuture<Integer> f = EXIT.getAndSet(null);
        if (f != null) f.complete(code);
    }
}
