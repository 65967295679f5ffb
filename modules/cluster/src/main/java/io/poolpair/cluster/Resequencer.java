package io.poolpair.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts the events that arrive from other nodes back in each node's order, and finds the ones that did not arrive: the
 * cluster's pub-sub topic delivers at most once, so a burst can be lost (for example while the receptionist's view of
 * a node changes). Every node numbers the events it publishes ({@code seq}, from 0 for each incarnation of the node);
 * here, per origin, an event in order is handed on at once, one after a gap waits while the missing ones are asked of
 * their origin ({@link Gap}), and the wait ends either when they come or when the caller gives up (then the gap is
 * skipped and reported). The first event heard from an origin (other than its very first) is held too, while the
 * origin is asked for what it published since this node started ({@link Gap#backfill}): the topic reaches a node only
 * once the receptionist told the publisher about it, and what it published before that would otherwise be missing.
 * Not thread-safe: one actor owns it.
 *
 * @param <L> the event line type
 */
final class Resequencer<L> {

    /** An origin: a node, in one incarnation. */
    record Origin(String node, long incarnation) {}

    /**
     * Events {@code from}..{@code to} (inclusive) of {@code origin} are missing; {@code backfill}: the first ones heard
     * of it, ask only for those published since this node started.
     */
    record Gap(Origin origin, long from, long to, boolean backfill) {}

    /** What an arrival gives: lines to hand on, in order, and a gap to ask for (or null). */
    record Step<L>(List<L> ready, Gap gap) {}

    private static final class Stream<L> {
        /** Whether the first event to hand on is known (the origin's first, or what a backfill brought). */
        boolean started;
        long expected;
        final TreeMap<Long, L> waiting = new TreeMap<>();
        boolean asking;
    }

    private final Map<Origin, Stream<L>> streams = new HashMap<>();

    /** An event {@code seq} of {@code origin} arrived. */
    Step<L> arrived(Origin origin, long seq, L line) {
        Stream<L> s = streams.computeIfAbsent(origin, o -> new Stream<>());
        if (!s.started && seq == 0) s.started = true;   // the origin's first event: nothing before it
        if (!s.started) {
            s.waiting.putIfAbsent(seq, line);
            if (s.asking) return new Step<>(List.of(), null);
            s.asking = true;
            return new Step<>(List.of(), new Gap(origin, 0, seq - 1, true));
        }
        if (seq < s.expected || s.waiting.containsKey(seq)) return new Step<>(List.of(), null);
        s.waiting.put(seq, line);
        List<L> ready = drain(s);
        Gap gap = null;
        if (!s.waiting.isEmpty() && !s.asking) {
            s.asking = true;
            gap = new Gap(origin, s.expected, s.waiting.firstKey() - 1, false);
        }
        return new Step<>(ready, gap);
    }

    /** The origin sent missing events again (it may not have had them all). */
    List<L> resent(Origin origin, Map<Long, L> lines) {
        Stream<L> s = streams.get(origin);
        if (s == null) return List.of();
        if (!s.started) {
            // a backfill: the stream starts at the oldest event it brought, or at the first one heard
            s.started = true;
            s.expected = lines.keySet().stream().min(Long::compare).orElse(s.waiting.firstKey());
        }
        lines.forEach((seq, l) -> {
            if (seq >= s.expected) s.waiting.putIfAbsent(seq, l);
        });
        s.asking = false;
        return drain(s);
    }

    /**
     * The missing events of {@code origin} did not come: skip to the next one that did. Returns the lines now ready and
     * how many events were skipped.
     */
    Map.Entry<List<L>, Long> giveUp(Origin origin) {
        Stream<L> s = streams.get(origin);
        if (s == null || s.waiting.isEmpty()) return Map.entry(List.of(), 0L);
        long skipped = s.started ? s.waiting.firstKey() - s.expected : 0;   // a backfill that did not come loses nothing owed
        s.started = true;
        s.expected = s.waiting.firstKey();
        s.asking = false;
        return Map.entry(drain(s), skipped);
    }

    /** Whether events of {@code origin} wait for missing ones. */
    boolean waiting(Origin origin) {
        Stream<L> s = streams.get(origin);
        return s != null && !s.waiting.isEmpty();
    }

    private List<L> drain(Stream<L> s) {
        List<L> out = new ArrayList<>();
        while (!s.waiting.isEmpty() && s.waiting.firstKey() == s.expected) {
            out.add(s.waiting.pollFirstEntry().getValue());
            s.expected++;
        }
        return out;
    }
}
