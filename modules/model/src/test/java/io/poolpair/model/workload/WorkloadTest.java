package io.poolpair.model.workload;

import io.poolpair.model.dr.Operation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WorkloadTest {

    private static List<String> schedule(long seed) {
        Workload w = new Workload(18_000, WorkloadSettings.DEFAULT, new SplittableRandom(seed), 0);
        List<String> out = new ArrayList<>();
        for (long t = 0; t <= 120_000; t += 500) {
            for (Workload.Planned p : w.due(t)) {
                out.add(t + " " + p.user() + " " + p.op());
                w.completed(p.slot(), true, t);
            }
        }
        return out;
    }

    @Test
    void theSameSeedGivesTheSameOperationsAndTheRateIsTheSetting() {
        List<String> a = schedule(42);
        assertThat(a).isEqualTo(schedule(42)).isNotEqualTo(schedule(43));
        // 200 users x 3 per minute over 2 minutes: about 1,200 operations
        assertThat(a.size()).isBetween(1_000, 1_400);
    }

    @Test
    void theSampleIsSpreadOverThePoolsUsers() {
        Workload w = new Workload(18_000, WorkloadSettings.DEFAULT, new SplittableRandom(1), 0);
        assertThat(w.slots()).isEqualTo(200);
        assertThat(w.user(0)).isZero();
        assertThat(w.user(199)).isGreaterThan(17_800);
        HashSet<Integer> users = new HashSet<>();
        for (int s = 0; s < w.slots(); s++) users.add(w.user(s));
        assertThat(users).hasSize(200);
    }

    @Test
    void aFailedUserSignsInAgainEveryRetryIntervalUntilItWorks() {
        WorkloadSettings s = new WorkloadSettings(1, 1, 5_000, Map.of(Operation.IM, 1.0), 1);
        Workload w = new Workload(10, s, new SplittableRandom(1), 0);
        Workload.Planned first = null;
        long t = 0;
        while (first == null) {
            List<Workload.Planned> due = w.due(t);
            if (!due.isEmpty()) first = due.get(0);
            else t += 100;
        }
        assertThat(first.op()).isEqualTo(Operation.IM);
        w.completed(0, false, t);
        assertThat(w.due(t + 4_999)).isEmpty();
        assertThat(w.due(t + 5_000)).singleElement().satisfies(p -> assertThat(p.op()).isEqualTo(Operation.SIGN_IN));
        // nothing new while that one is in flight
        assertThat(w.due(t + 20_000)).isEmpty();
    }
}
