package io.poolpair.cluster;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.runtime.CborSerializable;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The events of the whole deployment, as one node sees them (docs/dashboard.md#cluster-mode): every node publishes the
 * events of its own {@link EventBus} (those of the pools whose supervisors and users run on it, its servers, its
 * markers) to a Pekko pub-sub {@link Topic} named {@value #TOPIC}, which reaches the same topic's actor on every node
 * through the receptionist; each node keeps what arrives, its own events included, in arrival order.
 *
 * <p>Order: the events of one node are kept here in the order that node published them; events of different nodes are
 * interleaved in the order they arrived here, which two nodes may see differently (each event carries its
 * {@code wallMs}). The topic delivers at most once: each node numbers what it publishes, and a node that receives an
 * event after a gap asks the origin for the missing ones ({@link Resequencer}) before it keeps it; if they do not come
 * within {@link #REPAIR} (the origin died, or no longer has them) the gap is skipped and logged. An event published
 * before the receptionist told the publisher about a node's topic reaches that node late: the first event it hears from
 * a node makes it ask for everything that node published since this node's bridge started (every node's
 * {@code events.jsonl} stays complete). Indexes count from 0 on each node, in
 * its arrival order; only the last {@link #KEPT} are kept in memory.
 */
public final class DeploymentEvents {

    /** The topic's name, the same on every node. */
    public static final String TOPIC = "poolpair-events";
    /** Events kept in memory for clients that start from an earlier index (about 4 MB at 400 bytes an event). */
    public static final int KEPT = 10_000;

    /**
     * One event crossing JVMs: the node that published it, its type, and its {@code events.jsonl} line (the model's
     * events stay free of codecs: the line is the wire form).
     */
    public record Line(String node, long incarnation, long seq, long wallMs, String type, String json, ActorRef<Object> origin)
            implements CborSerializable {}

    /** Asks the origin's bridge for its events {@code from}..{@code to} again, those published at or after {@code sinceWallMs}. */
    record Resend(long from, long to, long sinceWallMs, ActorRef<Object> replyTo) implements CborSerializable {}

    /** The events asked for, those the origin still keeps. */
    record Resent(String node, long incarnation, List<Line> lines) implements CborSerializable {
        Resent {
            lines = List.copyOf(lines);
        }
    }

    private record GiveUp(Resequencer.Origin origin) {}

    /** How long a node waits for missing events before it skips them. */
    static final java.time.Duration REPAIR = java.time.Duration.ofSeconds(3);

    /** An event with its index in this node's arrival order. */
    public record Entry(long index, Line line) {}

    /** What {@link #subscribeFrom} returns: the kept events from the index asked for on, and the subscription. */
    public record Catchup(List<Entry> past, Consumer<Entry> subscription) {}

    private final ArrayDeque<Line> kept = new ArrayDeque<>();
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
    private long next;

    DeploymentEvents() {}

    /**
     * Starts the bridge on {@code system}: {@code bus}'s events go to the topic (turned into lines on the bridge's
     * actor, not on the publisher's thread), and whatever the topic delivers is appended here.
     */
    static DeploymentEvents start(ActorSystem<?> system, String node, EventBus bus) {
        DeploymentEvents d = new DeploymentEvents();
        ActorRef<Object> bridge = system.systemActorOf(bridge(node, d), "deployment-events", Props.empty());
        bus.subscribe(bridge::tell);
        return d;
    }

    private static Behavior<Object> bridge(String node, DeploymentEvents d) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            ActorRef<Topic.Command<Line>> topic = ctx.spawn(Topic.create(Line.class, TOPIC), "topic");
            topic.tell(Topic.subscribe(ctx.getSelf().narrow()));
            long incarnation = System.currentTimeMillis();
            ArrayDeque<Line> own = new ArrayDeque<>();
            long[] seq = {0};
            Resequencer<Line> order = new Resequencer<>();
            return Behaviors.receiveMessage(msg -> {
                if (msg instanceof FailoverEvent e) {
                    Line l = new Line(node, incarnation, seq[0]++, e.time().wallMs(), e.type(), EventJson.toLine(e), ctx.getSelf());
                    own.addLast(l);
                    if (own.size() > KEPT) own.removeFirst();
                    topic.tell(Topic.publish(l));
                } else if (msg instanceof Line l) {
                    Resequencer.Origin o = new Resequencer.Origin(l.node(), l.incarnation());
                    Resequencer.Step<Line> step = order.arrived(o, l.seq(), l);
                    step.ready().forEach(d::append);
                    if (step.gap() != null) {
                        // a backfill asks for what the origin published since this node's bridge started
                        l.origin().tell(new Resend(step.gap().from(), step.gap().to(), step.gap().backfill() ? incarnation : 0,
                                ctx.getSelf()));
                        timers.startSingleTimer(o, new GiveUp(o), REPAIR);
                    }
                } else if (msg instanceof Resend r) {
                    List<Line> lines = new ArrayList<>();
                    for (Line l : own) {
                        if (l.seq() >= r.from() && l.seq() <= r.to() && l.wallMs() >= r.sinceWallMs()) lines.add(l);
                    }
                    r.replyTo().tell(new Resent(node, incarnation, lines));
                } else if (msg instanceof Resent r) {
                    Resequencer.Origin o = new Resequencer.Origin(r.node(), r.incarnation());
                    java.util.Map<Long, Line> bySeq = new java.util.HashMap<>();
                    for (Line l : r.lines()) bySeq.put(l.seq(), l);
                    order.resent(o, bySeq).forEach(d::append);
                    timers.cancel(o);
                    if (order.waiting(o)) skip(ctx, order, o, d);
                } else if (msg instanceof GiveUp g) {
                    skip(ctx, order, g.origin(), d);
                }
                return Behaviors.same();
            });
        }));
    }

    private static void skip(org.apache.pekko.actor.typed.javadsl.ActorContext<Object> ctx, Resequencer<Line> order,
                             Resequencer.Origin o, DeploymentEvents d) {
        java.util.Map.Entry<List<Line>, Long> r = order.giveUp(o);
        if (r.getValue() > 0) {
            ctx.getLog().warn("{} events of node {} did not reach this node and could not be fetched again; its events.jsonl"
                    + " has them", r.getValue(), o.node());
        }
        r.getKey().forEach(d::append);
    }

    /** Appends an event as it arrives, and hands it to every subscriber (which must not wait). */
    public synchronized void append(Line line) {
        Entry e = new Entry(next++, line);
        kept.addLast(line);
        if (kept.size() > KEPT) kept.removeFirst();
        for (Consumer<Entry> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                // a broken subscriber must not stop the others
            }
        }
    }

    /** Events arrived so far (the index the next one gets). */
    public synchronized long size() { return next; }

    /**
     * Subscribes {@code listener} to every event arriving from now on and returns those kept from index {@code from}
     * on (from the oldest kept when {@code from} is older): together, every event from there exactly once, in order.
     */
    public synchronized Catchup subscribeFrom(long from, Consumer<Entry> listener) {
        long oldest = next - kept.size();
        long first = Math.max(oldest, Math.min(from, next));
        List<Entry> past = new ArrayList<>((int) (next - first));
        long i = oldest;
        for (Line l : kept) {
            if (i >= first) past.add(new Entry(i, l));
            i++;
        }
        listeners.add(listener);
        return new Catchup(past, listener);
    }

    public void unsubscribe(Consumer<Entry> subscription) { listeners.remove(subscription); }
}
