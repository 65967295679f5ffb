package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord.Type;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutageCheckerTest {

    @Test
    void outageRunsFromTheFaultToEachAffectedUsersFirstSuccess() {
        CheckResult r = new H()
                .op(Type.OK, "a/u1", "a", "fe1", 1, 1, false, 500)
                .fault("kill", "fe1", 1_000)
                .op(Type.FAIL, "a/u1", null, null, -1, -1, false, 1_200)
                .op(Type.FAIL, "a/u2", null, null, -1, -1, false, 1_300)
                .op(Type.OK, "a/u3", "a", "fe2", 2, 1, false, 1_400)        // never affected
                .op(Type.FAIL, "a/u1", null, null, -1, -1, false, 4_000)
                .op(Type.OK, "a/u2", "a", "fe2", 1, 2, false, 6_000)        // 5 s
                .op(Type.OK, "a/u1", "a", "fe2", 1, 2, false, 11_000)       // 10 s
                .check(new OutageChecker());
        assertThat(r.valid()).isTrue();
        assertThat(r.figures()).containsEntry("affected-users", 2.0).containsEntry("outage-p50", 5_000.0)
                .containsEntry("outage-max", 10_000.0).containsEntry("failed-operations", 3.0);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> faults = (List<Map<String, Object>>) ((Map<String, Object>) r.details()).get("faults");
        assertThat(faults).singleElement().satisfies(f -> {
            assertThat(f).containsEntry("target", "fe1").containsEntry("affectedUsers", 2L);
            assertThat((Map<String, Object>) f.get("byPool")).containsKey("a");
        });
    }

    @Test
    void refusalsByModeAreCountedApartAndDoNotMakeAUserAffected() {
        CheckResult r = new H()
                .fault("kill-site", "site-a", 1_000)
                .op(Type.FAIL, "a/u1", "b", "b-fe1", 2, 1, true, 2_000)
                .op(Type.OK, "a/u1", "b", "b-fe1", 2, 1, false, 3_000)
                .check(new OutageChecker());
        assertThat(r.figures()).containsEntry("refused-by-resiliency", 1.0).containsEntry("affected-users", 0.0)
                .containsEntry("failed-operations", 0.0);
    }

    @Test
    void usersStillOutAtTheEndAreReportedUnresolvedAndCountWithTheOutageTheyHadSoFar() {
        CheckResult r = new H().fault("kill-pool", "a", 1_000)
                .op(Type.FAIL, "a/u1", null, null, -1, -1, false, 2_000)
                .op(Type.FAIL, "a/u1", null, null, -1, -1, false, 61_000)
                .check(new OutageChecker());
        assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("unresolved-outage"));
        assertThat(r.figures()).containsEntry("affected-users", 1.0).containsEntry("affected-users@a", 1.0)
                .containsEntry("outage-max", 60_000.0).containsEntry("outage-max@a", 60_000.0);
    }

    @Test
    void aFailureAfterEveryFaultWasHealedIsNotBlamedOnAnOldFault() {
        CheckResult r = new H()
                .fault("kill", "b-edge1", 1_000)
                .heal("heal", "b-edge1", 2_000)
                .op(Type.FAIL, "a/u1", null, null, -1, -1, false, 600_000)
                .op(Type.OK, "a/u1", "a", "a-fe1", 1, 2, false, 615_000)
                .check(new OutageChecker());
        assertThat(r.figures()).containsEntry("outage-max", 15_000.0).containsEntry("affected-users", 1.0);
    }

    @Test
    void eachPoolsProcedureHasItsOwnStart() {
        CheckResult r = new H()
                .admin("failover-pool", "{disaster=true, pool=a}", 100_000)
                .fact("failover-completed", null, "a", 220_000)
                .admin("failover-pool", "{pool=b}", 300_000)            // refused or not, it is b's procedure
                .admin("failback-pool", "{pool=a}", 900_000)
                .fact("failback-completed", null, "a", 1_440_000)
                .check(new OutageChecker());
        assertThat(r.figures()).containsEntry("procedural-rto@a", 540_000.0).containsEntry("procedural-rto", 540_000.0);
    }

    @Test
    void proceduralRtoRunsFromTheFirstVerbOfTheProcedureToCompletion() {
        CheckResult r = new H()
                .fault("kill-site", "site-a", 1_000)
                .admin("failover-cms", "{pool=b}", 60_000)
                .admin("set-edge-next-hop", "{edge=edge-b, pool=b}", 90_000)
                .admin("failover-pool", "{disaster=true, pool=a}", 120_000)
                .fact("failover-completed", null, "a", 240_000)
                .check(new OutageChecker());
        assertThat(r.figures()).containsEntry("procedural-rto", 180_000.0);
    }
}
