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
        assertThat(r.arrived(A1, 5, "e5").ready()).containsExactly("e5");   // the first heard starts the stream
        assertThat(r.arrived(A1, 6, "e6").ready()).containsExactly("e6");
        Resequencer.Step<String> after = r.arrived(A1, 9, "e9");
        assertThat(after.ready()).isEmpty();
        assertThat(after.gap()).isEqualTo(new Resequencer.Gap(A1, 7, 8));
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
        r.arrived(A1, 40, "old");
        Resequencer.Origin again = new Resequencer.Origin("a1", 200);
        Resequencer.Step<String> s = r.arrived(again, 0, "new");
        assertThat(s.ready()).containsExactly("new");
        assertThat(s.gap()).isNull();
    }
}
