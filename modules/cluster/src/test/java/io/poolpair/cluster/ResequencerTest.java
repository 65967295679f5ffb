package io.poolpair.cluster;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merged event stream keeps each node's order and asks for what the topic lost. */
class ResequencerTest {

    private static final Resequencer.Origin A1 = new Resequencer.Origin("a1", 100);

    @Test
    void eventsInOrderGoOnAtOnceAndAGapIsAskedForOnceThenFilled() {
        Resequencer<String> r = new Resequencer<>();
        r.arrived(A1, 0, "e0");   // the origin's very first event: nothing to ask for before it
        r.arrived(A1, 1, "e1");
        r.arrived(A1, 2, "e2");
        r.arrived(A1, 3, "e3");
        r.arrived(A1, 4, "e4");
        assertThat(r.arrived(A1, 5, "e5").ready()).containsExactly("e5");
        assertThat(r.arrived(A1, 6, "e6").ready()).containsExactly("e6");
        Resequencer.Step<String> after = r.arrived(A1, 9, "e9");
        assertThat(after.ready()).isEmpty();
        assertThat(after.gap()).isEqualTo(new Resequencer.Gap(A1, 7, 8, false));
        Resequencer.Step<String> more = r.arrived(A1, 10, "e10");
        assertThat(more.ready()).isEmpty();
        assertThat(more.gap()).as("already asked").isNull();
        assertThat(r.resent(A1, Map.of(7L, "e7", 8L, "e8"))).containsExactly("e7", "e8", "e9", "e10");
        assertThat(r.waiting(A1)).isFalse();
        assertThat(r.arrived(A1, 8, "e8 again").ready()).as("a duplicate").isEmpty();
    }

    @Test
    void whatTheOriginNoLongerHasIsSkippedAndCounted() {
        Resequencer<String> r = new Resequencer<>();
        r.arrived(A1, 0, "e0");
        r.arrived(A1, 3, "e3");
        assertThat(r.resent(A1, Map.of(1L, "e1"))).containsExactly("e1");
        assertThat(r.waiting(A1)).isTrue();
        Map.Entry<List<String>, Long> skipped = r.giveUp(A1);
        assertThat(skipped.getKey()).containsExactly("e3");
        assertThat(skipped.getValue()).isEqualTo(1);
    }

    @Test
    void aNodeStartedAgainIsANewStream() {
        Resequencer<String> r = new Resequencer<>();
        r.arrived(A1, 0, "old0");
        r.arrived(A1, 1, "old1");
        Resequencer.Origin again = new Resequencer.Origin("a1", 200);
        Resequencer.Step<String> s = r.arrived(again, 0, "new");
        assertThat(s.ready()).containsExactly("new");
        assertThat(s.gap()).isNull();
    }

    @Test
    void theFirstEventHeardFromANodeWaitsForWhatItPublishedBeforeThisNodeHeardIt() {
        Resequencer<String> r = new Resequencer<>();
        Resequencer.Step<String> first = r.arrived(A1, 40, "e40");
        assertThat(first.ready()).as("held").isEmpty();
        assertThat(first.gap()).isEqualTo(new Resequencer.Gap(A1, 0, 39, true));
        assertThat(r.arrived(A1, 41, "e41").gap()).as("already asked").isNull();
        // the origin sends what it published since this node started: 37..39
        assertThat(r.resent(A1, Map.of(37L, "e37", 38L, "e38", 39L, "e39"))).containsExactly("e37", "e38", "e39", "e40", "e41");
        assertThat(r.arrived(A1, 42, "e42").ready()).containsExactly("e42");
    }

    @Test
    void aBackfillThatDoesNotComeStartsTheStreamAtTheFirstEventHeardWithoutCountingALoss() {
        Resequencer<String> r = new Resequencer<>();
        r.arrived(A1, 40, "e40");
        r.arrived(A1, 41, "e41");
        Map.Entry<List<String>, Long> given = r.giveUp(A1);
        assertThat(given.getKey()).containsExactly("e40", "e41");
        assertThat(given.getValue()).isZero();
        assertThat(r.resent(A1, Map.of())).isEmpty();
        assertThat(r.resent(A1, Map.of(39L, "late"))).as("older than the stream: dropped").isEmpty();
    }
}
