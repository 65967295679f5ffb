package io.poolpair.model.workload;

import io.poolpair.model.dr.Operation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The emulated users of one home pool: a sample of {@link WorkloadSettings#usersPerPool()} users spread over
 * the pool, each starting operations at random (a Poisson process) drawn from the mix. A user waits for an
 * operation's answer before starting the next; after a failure it signs in again every retry interval until it
 * works (an SfB client retrying registration), so the time to its first success measures its outage.
 * Randomness comes from the caller's seeded generator; time is a parameter.
 */
public final class Workload {

    /** An operation due now: the sample slot, the user's index among its home pool's users, what it does. */
    public record Planned(int slot, int user, Operation op) {}

    private final int poolUsers;
    private final int slots;
    private final double meanThinkMs;
    private final long retryMs;
    private final RandomGenerator random;
    private final Operation[] ops;
    private final double[] cumulative;
    private final long[] nextDueMs;
    private final boolean[] inFlight;
    private final boolean[] failing;

    public Workload(int poolUsers, WorkloadSettings settings, RandomGenerator random, long startMs) {
        this.poolUsers = poolUsers;
        this.slots = settings.enabled() ? Math.min(poolUsers, settings.usersPerPool()) : 0;
        this.meanThinkMs = settings.enabled() ? 60_000.0 / settings.operationsPerUserPerMinute() : Double.MAX_VALUE;
        this.retryMs = settings.retryIntervalMs();
        this.random = random;
        this.ops = settings.mix().keySet().toArray(new Operation[0]);
        this.cumulative = new double[ops.length];
        double sum = 0;
        int i = 0;
        for (Map.Entry<Operation, Double> e : settings.mix().entrySet()) {
            sum += e.getValue();
            cumulative[i++] = sum;
        }
        this.nextDueMs = new long[slots];
        this.inFlight = new boolean[slots];
        this.failing = new boolean[slots];
        for (int s = 0; s < slots; s++) nextDueMs[s] = startMs + Math.round(random.nextDouble() * meanThinkMs);
    }

    /** Users whose next operation is due at {@code nowMs} (each is then in flight until {@link #completed}). */
    public List<Planned> due(long nowMs) {
        List<Planned> out = new ArrayList<>();
        for (int s = 0; s < slots; s++) {
            if (inFlight[s] || nextDueMs[s] > nowMs) continue;
            inFlight[s] = true;
            out.add(new Planned(s, user(s), failing[s] ? Operation.SIGN_IN : draw()));
        }
        return out;
    }

    /**
     * The answer to slot {@code slot}'s operation. {@code served}: the user reached a server that answered
     * (an operation refused by the user's mode still counts); otherwise the user retries signing in.
     */
    public void completed(int slot, boolean served, long nowMs) {
        inFlight[slot] = false;
        failing[slot] = !served;
        nextDueMs[slot] = nowMs + (served ? think() : retryMs);
    }

    /** The user's index among the home pool's users: the sample is spread evenly, so every routing group has some. */
    public int user(int slot) {
        return (int) ((long) slot * poolUsers / Math.max(1, slots));
    }

    public int slots() { return slots; }

    /** Whether slot {@code slot}'s last operation failed (it is retrying). */
    public boolean failing(int slot) { return failing[slot]; }

    private long think() {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanThinkMs));
    }

    private Operation draw() {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < ops.length; i++) if (x < cumulative[i]) return ops[i];
        return ops[ops.length - 1];
    }
}
