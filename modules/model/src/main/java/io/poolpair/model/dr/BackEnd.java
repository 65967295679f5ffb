package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackEndState;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.BackendMode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A pool's back-end SQL store with its HA mode (spec §5): SQL mirroring with or without a witness,
 * AlwaysOn Availability Groups, AlwaysOn Failover Cluster Instances or SQL failover clustering, or none.
 *
 * <p>Components: {@code primary} and {@code mirror} (the two SQL servers, AG replicas or cluster nodes) and
 * {@code witness} (mirroring witness, or the cluster's file-share witness). The back end is unavailable when
 * both data servers are down, or one of them plus the witness, even if the principal is alive [S5][L4].
 * With a witness, an AG or a cluster, a lost principal fails over to the other server by itself after the
 * failover timeout; with mirroring and no witness it waits for {@code Invoke-CsDatabaseFailover}.
 */
public final class BackEnd {

    public enum Component {
        PRIMARY, MIRROR, WITNESS;

        public String label() { return name().toLowerCase(); }

        public static Component parse(String s) {
            for (Component c : values()) if (c.label().equals(s)) return c;
            return null;
        }
    }

    private final String pool;
    private final String site;
    private final BackendMode mode;
    private final long autoFailoverMs;
    private final Set<Component> down = EnumSet.noneOf(Component.class);
    private Component principal = Component.PRIMARY;
    private long principalLostAtMs = -1;
    private long unavailableSinceMs = -1;

    /** @param autoFailoverMs emulated delay before an automatic failover (witness, AG, cluster) */
    public BackEnd(String pool, String site, BackendMode mode, long autoFailoverMs) {
        this.pool = pool;
        this.site = site;
        this.mode = mode;
        this.autoFailoverMs = autoFailoverMs;
    }

    public List<FailoverEvent> componentDown(Component c, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (!exists(c) || !down.add(c)) return ev;
        if (c == principal) principalLostAtMs = now.emulatedMs();
        report(now, ev, c.label() + " down");
        return ev;
    }

    public List<FailoverEvent> componentUp(Component c, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (!down.remove(c)) return ev;
        if (c == principal) principalLostAtMs = -1;
        report(now, ev, c.label() + " up");
        return ev;
    }

    /** Automatic failover when due (witness, AG, FCI, cluster). */
    public List<FailoverEvent> tick(Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (principalLostAtMs >= 0 && automatic() && now.emulatedMs() - principalLostAtMs >= autoFailoverMs) {
            Component other = other(principal);
            if (canFailOver()) {
                principal = other;
                principalLostAtMs = -1;
                report(now, ev, "automatic failover to the " + other.label());
            }
        }
        return ev;
    }

    /**
     * When an automatic failover is next due, or -1 (also while it cannot happen: the other server or the
     * witness is down; it becomes due again when that component returns).
     */
    public long nextDueMs() {
        return principalLostAtMs >= 0 && automatic() && canFailOver() ? principalLostAtMs + autoFailoverMs : -1;
    }

    /** Whether the other server could take over now: it is up, and so is the witness where there is one. */
    private boolean canFailOver() {
        return !down.contains(other(principal)) && (!hasWitness() || !down.contains(Component.WITNESS));
    }

    /**
     * {@code Invoke-CsDatabaseFailover -NewPrincipal} [P15]: makes the other server principal. Refused
     * when the other server is down, or when the current principal is up and {@code force} is not given.
     * Returns the refusal reason, or null when done (events in {@code ev}).
     */
    public String manualFailover(boolean force, Time now, List<FailoverEvent> ev) {
        if (mode == BackendMode.NONE) return "pool " + pool + " has no back-end HA (mode none)";
        Component other = other(principal);
        if (down.contains(other)) return "the " + other.label() + " is down: nothing to fail over to";
        if (!down.contains(principal) && !force) {
            return "the principal (" + principal.label() + ") is up; use force for a planned database failover";
        }
        principal = other;
        principalLostAtMs = down.contains(principal) ? now.emulatedMs() : -1;
        report(now, ev, "manual failover to the " + other.label());
        return null;
    }

    /** Whether Front Ends can read and write the back end. */
    public boolean available() {
        if (down.contains(principal)) return false;
        if (mode == BackendMode.NONE) return true;
        Component other = other(principal);
        if (hasWitness()) {
            // the principal needs a partner or the witness to keep serving
            return !(down.contains(other) && down.contains(Component.WITNESS));
        }
        return true;
    }

    /**
     * For even-sized Front End pools the primary SQL database is the tie-breaking witness [S2]: it counts only
     * while the back end is available and has not failed over to the mirror.
     */
    public boolean sqlWitnessAvailable() {
        return available() && principal == Component.PRIMARY;
    }

    public long unavailableSinceMs() { return unavailableSinceMs; }

    public BackendMode mode() { return mode; }

    public Component principal() { return principal; }

    public boolean isDown(Component c) { return down.contains(c); }

    public boolean exists(Component c) {
        return exists(mode, c);
    }

    /** Whether a back end in this HA mode has the component: no mirror without HA, no witness with plain mirroring. */
    public static boolean exists(BackendMode mode, Component c) {
        return switch (mode) {
            case NONE -> c == Component.PRIMARY;
            case MIRRORING -> c != Component.WITNESS;
            default -> true;
        };
    }

    private boolean automatic() { return mode.failsOverAutomatically(); }

    private boolean hasWitness() { return mode != BackendMode.MIRRORING && mode != BackendMode.NONE; }

    private static Component other(Component c) { return c == Component.PRIMARY ? Component.MIRROR : Component.PRIMARY; }

    private void report(Time now, List<FailoverEvent> ev, String detail) {
        boolean avail = available();
        if (!avail && unavailableSinceMs < 0) unavailableSinceMs = now.emulatedMs();
        if (avail) unavailableSinceMs = -1;
        String state = avail ? (principal == Component.PRIMARY ? "available" : "failed-over") : "unavailable";
        ev.add(new BackEndState(now, Where.pool(site, pool), mode.label(), state, principal.label(), detail));
    }
}
