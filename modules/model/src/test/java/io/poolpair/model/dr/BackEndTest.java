package io.poolpair.model.dr;

import io.poolpair.model.dr.BackEnd.Component;
import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackEndState;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.BackendMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Back End SQL HA (spec §5, §8 item 14). */
class BackEndTest {

    private static final long AUTO = 10_000;

    private static BackEnd backEnd(BackendMode mode) {
        return new BackEnd("pool-a", "site-a", mode, AUTO);
    }

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static BackEndState only(List<FailoverEvent> ev) {
        assertThat(ev).hasSize(1);
        return (BackEndState) ev.get(0);
    }

    @Test
    void mirroringWithWitnessIsUnavailableAtOnceWhenThePrincipalDies() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);

        BackEndState e = only(be.componentDown(Component.PRIMARY, at(1_000)));

        assertThat(e.state()).isEqualTo("unavailable");
        assertThat(e.mode()).isEqualTo("mirroring-witness");
        assertThat(e.where().pool()).isEqualTo("pool-a");
        assertThat(be.available()).isFalse();
        assertThat(be.unavailableSinceMs()).isEqualTo(1_000);
        assertThat(be.nextDueMs()).isEqualTo(1_000 + AUTO);
    }

    @Test
    void mirroringWithWitnessFailsOverToTheMirrorByItselfAfterTheTimeout() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        be.componentDown(Component.PRIMARY, at(1_000));

        assertThat(be.tick(at(1_000 + AUTO - 1))).isEmpty();
        assertThat(be.available()).isFalse();

        BackEndState e = only(be.tick(at(1_000 + AUTO)));
        assertThat(e.state()).isEqualTo("failed-over");
        assertThat(e.principal()).isEqualTo("mirror");
        assertThat(be.available()).isTrue();
        assertThat(be.principal()).isEqualTo(Component.MIRROR);
        assertThat(be.unavailableSinceMs()).isEqualTo(-1);
        assertThat(be.nextDueMs()).isEqualTo(-1);
    }

    @Test
    void afterFailingOverToTheMirrorThePrimaryNoLongerServesAsPoolWitness() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        assertThat(be.sqlWitnessAvailable()).isTrue();
        be.componentDown(Component.PRIMARY, at(0));
        be.tick(at(AUTO));

        be.componentUp(Component.PRIMARY, at(AUTO + 1));

        assertThat(be.available()).isTrue();
        assertThat(be.sqlWitnessAvailable()).isFalse();
    }

    @Test
    void mirroringWithoutWitnessStaysUnavailableUntilAManualFailover() {
        BackEnd be = backEnd(BackendMode.MIRRORING);
        BackEndState down = only(be.componentDown(Component.PRIMARY, at(0)));
        assertThat(down.state()).isEqualTo("unavailable");

        assertThat(be.tick(at(AUTO))).isEmpty();
        assertThat(be.tick(at(3_600_000))).isEmpty();
        assertThat(be.available()).isFalse();
        assertThat(be.nextDueMs()).isEqualTo(-1);

        List<FailoverEvent> ev = new ArrayList<>();
        assertThat(be.manualFailover(false, at(3_600_001), ev)).isNull();
        BackEndState e = only(ev);
        assertThat(e.state()).isEqualTo("failed-over");
        assertThat(e.principal()).isEqualTo("mirror");
        assertThat(be.available()).isTrue();
    }

    @Test
    void mirroringHasNoWitnessComponent() {
        BackEnd be = backEnd(BackendMode.MIRRORING);

        assertThat(be.exists(Component.WITNESS)).isFalse();
        assertThat(be.componentDown(Component.WITNESS, at(0))).isEmpty();
        assertThat(be.available()).isTrue();
    }

    @Test
    void principalAndWitnessDownLeavesTheBackEndUnavailableAlthoughTheMirrorIsAlive() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        be.componentDown(Component.WITNESS, at(0));
        assertThat(be.available()).isTrue();

        be.componentDown(Component.PRIMARY, at(1_000));
        List<FailoverEvent> later = be.tick(at(1_000 + 10 * AUTO));

        assertThat(later).isEmpty();
        assertThat(be.available()).isFalse();
        assertThat(be.isDown(Component.MIRROR)).isFalse();
        assertThat(be.principal()).isEqualTo(Component.PRIMARY);
    }

    @Test
    void blockedAutomaticFailoverIsNotDueUntilTheWitnessReturnsThenHappens() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        be.componentDown(Component.WITNESS, at(0));
        be.componentDown(Component.PRIMARY, at(1_000));

        // a scheduler asking when to tick again gets no time in the past while nothing can happen
        assertThat(be.nextDueMs()).isEqualTo(-1);

        be.componentUp(Component.WITNESS, at(60_000));
        assertThat(be.nextDueMs()).isEqualTo(1_000 + AUTO);
        BackEndState e = only(be.tick(at(60_000)));

        assertThat(e.state()).isEqualTo("failed-over");
        assertThat(be.available()).isTrue();
        assertThat(be.nextDueMs()).isEqualTo(-1);
    }

    @Test
    void mirrorAndWitnessDownMakeTheBackEndUnavailableEvenWithThePrincipalAlive() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        be.componentDown(Component.MIRROR, at(0));
        assertThat(be.available()).isTrue();

        BackEndState e = only(be.componentDown(Component.WITNESS, at(1_000)));

        assertThat(e.state()).isEqualTo("unavailable");
        assertThat(be.available()).isFalse();
        assertThat(be.isDown(Component.PRIMARY)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = BackendMode.class, names = {"MIRRORING_WITNESS", "MIRRORING"})
    void principalAndMirrorDownIsUnavailable(BackendMode mode) {
        BackEnd be = backEnd(mode);
        be.componentDown(Component.PRIMARY, at(0));
        be.componentDown(Component.MIRROR, at(0));

        be.tick(at(10 * AUTO));

        assertThat(be.available()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = BackendMode.class, names = {"ALWAYSON_AG", "ALWAYSON_FCI", "SQL_CLUSTER"})
    void availabilityGroupsAndClustersFailOverAutomatically(BackendMode mode) {
        BackEnd be = backEnd(mode);
        be.componentDown(Component.PRIMARY, at(0));
        assertThat(be.available()).isFalse();

        BackEndState e = only(be.tick(at(AUTO)));

        assertThat(e.state()).isEqualTo("failed-over");
        assertThat(e.mode()).isEqualTo(mode.label());
        assertThat(be.available()).isTrue();
        assertThat(be.principal()).isEqualTo(Component.MIRROR);
    }

    @Test
    void withoutBackEndHaTheSingleServerDownIsUnavailableForGood() {
        BackEnd be = backEnd(BackendMode.NONE);
        BackEndState e = only(be.componentDown(Component.PRIMARY, at(0)));
        assertThat(e.state()).isEqualTo("unavailable");

        assertThat(be.tick(at(10 * AUTO))).isEmpty();
        List<FailoverEvent> ev = new ArrayList<>();
        assertThat(be.manualFailover(true, at(10 * AUTO), ev)).contains("no back-end HA");
        assertThat(ev).isEmpty();
        assertThat(be.available()).isFalse();
        assertThat(be.exists(Component.MIRROR)).isFalse();
    }

    @Test
    void bringingThePrincipalBackMakesTheBackEndAvailableAgain() {
        BackEnd be = backEnd(BackendMode.NONE);
        be.componentDown(Component.PRIMARY, at(0));

        BackEndState e = only(be.componentUp(Component.PRIMARY, at(5_000)));

        assertThat(e.state()).isEqualTo("available");
        assertThat(be.available()).isTrue();
        assertThat(be.unavailableSinceMs()).isEqualTo(-1);
    }

    @Test
    void manualFailoverIsRefusedWhenTheOtherServerIsDown() {
        BackEnd be = backEnd(BackendMode.MIRRORING);
        be.componentDown(Component.MIRROR, at(0));
        List<FailoverEvent> ev = new ArrayList<>();

        String reason = be.manualFailover(true, at(1_000), ev);

        assertThat(reason).contains("mirror is down");
        assertThat(ev).isEmpty();
        assertThat(be.principal()).isEqualTo(Component.PRIMARY);
    }

    @Test
    void manualFailoverOfAHealthyPrincipalNeedsForce() {
        BackEnd be = backEnd(BackendMode.MIRRORING);
        List<FailoverEvent> ev = new ArrayList<>();

        assertThat(be.manualFailover(false, at(0), ev)).contains("force");
        assertThat(ev).isEmpty();
        assertThat(be.principal()).isEqualTo(Component.PRIMARY);

        assertThat(be.manualFailover(true, at(1_000), ev)).isNull();
        assertThat(be.principal()).isEqualTo(Component.MIRROR);
        assertThat(only(ev).state()).isEqualTo("failed-over");
        assertThat(be.available()).isTrue();
    }

    @Test
    void repeatedDownOrUpOfTheSameComponentReportsNothing() {
        BackEnd be = backEnd(BackendMode.MIRRORING_WITNESS);
        be.componentDown(Component.WITNESS, at(0));

        assertThat(be.componentDown(Component.WITNESS, at(1))).isEmpty();
        assertThat(be.componentUp(Component.MIRROR, at(2))).isEmpty();
    }

    @Test
    void componentLabelsParseBack() {
        for (Component c : Component.values()) assertThat(Component.parse(c.label())).isEqualTo(c);
        assertThat(Component.parse("arbiter")).isNull();
    }
}
