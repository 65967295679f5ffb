package io.poolpair.cluster;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfRemoved;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Subscribes to the cluster's membership, reachability and data-center reachability events and turns each into a
 * {@link MembershipEvent} for the node's journal. Pekko publishes member reachability for the node's own data
 * center only; for another data center it publishes whether the data center as a whole is reachable.
 */
final class MembershipListener extends AbstractBehavior<MembershipListener.Command> {

    sealed interface Command {}

    private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {}

    private record DataCenterChanged(ClusterEvent.DataCenterReachabilityEvent event) implements Command {}

    private record Up(SelfUp event) implements Command {}

    private record Removed(SelfRemoved event) implements Command {}

    private final String self;
    private final String selfSite;
    private final Consumer<MembershipEvent> out;
    private final LongSupplier wallClock;

    static Behavior<Command> create(String self, String selfSite, Consumer<MembershipEvent> out, LongSupplier wallClock) {
        return Behaviors.setup(ctx -> new MembershipListener(ctx, self, selfSite, out, wallClock));
    }

    private MembershipListener(ActorContext<Command> ctx, String self, String selfSite, Consumer<MembershipEvent> out,
                               LongSupplier wallClock) {
        super(ctx);
        this.self = self;
        this.selfSite = selfSite;
        this.out = out;
        this.wallClock = wallClock;
        Cluster cluster = Cluster.get(ctx.getSystem());
        var subscriptions = cluster.subscriptions();
        subscriptions.tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                ClusterEvent.MemberEvent.class));
        subscriptions.tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                ClusterEvent.ReachabilityEvent.class));
        subscriptions.tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.DataCenterReachabilityEvent.class,
                DataCenterChanged::new), ClusterEvent.DataCenterReachabilityEvent.class));
        subscriptions.tell(Subscribe.create(ctx.messageAdapter(SelfUp.class, Up::new), SelfUp.class));
        subscriptions.tell(Subscribe.create(ctx.messageAdapter(SelfRemoved.class, Removed::new), SelfRemoved.class));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(MemberChanged.class, this::onMember)
                .onMessage(ReachabilityChanged.class, this::onReachability)
                .onMessage(DataCenterChanged.class, this::onDataCenter)
                .onMessage(Up.class, this::onUp)
                .onMessage(Removed.class, this::onRemoved)
                .build();
    }

    private Behavior<Command> onMember(MemberChanged m) {
        ClusterEvent.MemberEvent e = m.event();
        String type;
        String detail = null;
        if (e instanceof ClusterEvent.MemberJoined) type = "member-joined";
        else if (e instanceof ClusterEvent.MemberWeaklyUp) type = "member-weakly-up";
        else if (e instanceof ClusterEvent.MemberUp) type = "member-up";
        else if (e instanceof ClusterEvent.MemberLeft) type = "member-left";
        else if (e instanceof ClusterEvent.MemberExited) type = "member-exited";
        else if (e instanceof ClusterEvent.MemberDowned) type = "member-downed";
        else if (e instanceof ClusterEvent.MemberRemoved r) {
            type = "member-removed";
            detail = "was " + r.previousStatus();
        } else {
            type = "member-" + kebab(e.member().status().toString());
        }
        out.accept(event(type, e.member(), detail));
        return this;
    }

    private Behavior<Command> onReachability(ReachabilityChanged r) {
        ClusterEvent.ReachabilityEvent e = r.event();
        String type = e instanceof ClusterEvent.UnreachableMember ? "member-unreachable" : "member-reachable";
        out.accept(event(type, e.member(), null));
        return this;
    }

    private Behavior<Command> onDataCenter(DataCenterChanged d) {
        ClusterEvent.DataCenterReachabilityEvent e = d.event();
        String type;
        String dc;
        if (e instanceof ClusterEvent.UnreachableDataCenter u) {
            type = "dc-unreachable";
            dc = u.dataCenter();
        } else if (e instanceof ClusterEvent.ReachableDataCenter u) {
            type = "dc-reachable";
            dc = u.dataCenter();
        } else {
            return this;
        }
        out.accept(new MembershipEvent(type, wallClock.getAsLong(), self, selfSite, null, dc, null, null, null));
        return this;
    }

    private Behavior<Command> onUp(Up u) {
        out.accept(event("self-up", Cluster.get(getContext().getSystem()).selfMember(), null));
        return this;
    }

    private Behavior<Command> onRemoved(Removed r) {
        out.accept(new MembershipEvent("self-removed", wallClock.getAsLong(), self, selfSite, self, selfSite,
                Cluster.get(getContext().getSystem()).selfMember().address().toString(), "Removed",
                "was " + r.event().previousStatus()));
        return this;
    }

    private MembershipEvent event(String type, Member m, String detail) {
        return new MembershipEvent(type, wallClock.getAsLong(), self, selfSite, nodeName(m), m.dataCenter(),
                m.address().toString(), m.status().toString(), detail);
    }

    /** The member's node name (its {@code node-NAME} role), or host:port when it has none. */
    static String nodeName(Member m) {
        for (String role : m.getRoles()) {
            if (role.startsWith(ClusterNode.NODE_ROLE_PREFIX)) return role.substring(ClusterNode.NODE_ROLE_PREFIX.length());
        }
        return m.address().getHost().orElse("?") + ":" + m.address().getPort().map(String::valueOf).orElse("?");
    }

    private static String kebab(String s) {
        return s.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
