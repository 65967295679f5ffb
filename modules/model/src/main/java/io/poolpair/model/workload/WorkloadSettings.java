package io.poolpair.model.workload;

import io.poolpair.model.dr.Operation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The emulated users' workload ({@code poolpair.workload} in reference.conf).
 *
 * @param usersPerPool               users per Front End pool whose every operation is recorded in the history: a
 *                                   sample of the pool's users, spread over its routing groups (0: no workload)
 * @param operationsPerUserPerMinute emulated: operations each of them starts per minute while served (Poisson)
 * @param retryIntervalMs            emulated: a user whose operation failed signs in again after this long, until
 *                                   it works (how SfB clients keep retrying registration)
 * @param mix                        relative weights of the operations (only those with a weight above 0 run)
 * @param seed                       seeds the users' random choices (the same seed, the same workload)
 */
public record WorkloadSettings(int usersPerPool, double operationsPerUserPerMinute, long retryIntervalMs,
                               Map<Operation, Double> mix, long seed) {

    public WorkloadSettings {
        mix = Collections.unmodifiableMap(new LinkedHashMap<>(mix));
    }

    /** The default mix: what a working day looks like (sign-in, presence, IM, calls, contacts, meetings, park). */
    public static Map<Operation, Double> defaultMix() {
        Map<Operation, Double> m = new LinkedHashMap<>();
        m.put(Operation.SIGN_IN, 5.0);
        m.put(Operation.PRESENCE, 25.0);
        m.put(Operation.IM, 25.0);
        m.put(Operation.P2P_CALL, 10.0);
        m.put(Operation.ADD_CONTACT, 10.0);
        m.put(Operation.SCHEDULE_MEETING, 5.0);
        m.put(Operation.JOIN_CONFERENCE, 15.0);
        m.put(Operation.PARK_CALL, 5.0);
        return m;
    }

    public static final WorkloadSettings DEFAULT = new WorkloadSettings(200, 3.0, 5_000, defaultMix(), 1);

    public WorkloadSettings withSeed(long s) {
        return new WorkloadSettings(usersPerPool, operationsPerUserPerMinute, retryIntervalMs, mix, s);
    }

    public WorkloadSettings withUsersPerPool(int n) {
        return new WorkloadSettings(n, operationsPerUserPerMinute, retryIntervalMs, mix, seed);
    }

    public boolean enabled() { return usersPerPool > 0 && operationsPerUserPerMinute > 0 && !mix.isEmpty(); }

    /** Emulated operations per second started by one pool's users when all are served (not counting retries). */
    public double operationsPerSecondPerPool() { return usersPerPool * operationsPerUserPerMinute / 60.0; }

    /** The share of persistent writes in the mix. */
    public double writeShare() {
        double all = 0, writes = 0;
        for (Map.Entry<Operation, Double> e : mix.entrySet()) {
            all += e.getValue();
            if (e.getKey().persistentWrite()) writes += e.getValue();
        }
        return all == 0 ? 0 : writes / all;
    }
}
