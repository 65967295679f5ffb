package io.poolpair.model.scenario;

import io.poolpair.model.check.Comparison;
import io.poolpair.model.check.Figure;
import io.poolpair.model.dr.SiteLink;
import io.poolpair.model.topology.Origin;

import java.util.Map;

/** One step of a scenario timeline. */
public sealed interface Step {

    Origin origin();

    /** Prints a marker in the timeline. */
    record Note(String text, Origin origin) implements Step {}

    /** Waits this long (emulated). */
    record Wait(long emulatedMs, Origin origin) implements Step {}

    /** Injects a fault into a server, or into every server of a pool when {@code pool} is true. */
    record Fault(FaultKind kind, String target, boolean pool, Origin origin) implements Step {}

    /** Heals a server (or every server of a pool): a killed server starts again, a hung one resumes. */
    record Heal(String target, boolean pool, Origin origin) implements Step {}

    /** Heals every injected fault. */
    record HealAll(Origin origin) implements Step {}

    /**
     * Runs an admin verb. {@code args} holds its arguments ("pool", "server", "edge") and options ("force",
     * "disaster"). {@code expectRefused}: the step succeeds only if the verb is refused (to show a rule).
     */
    record Admin(AdminVerb verb, Map<String, String> args, boolean expectRefused, Origin origin) implements Step {
        public Admin {
            args = Map.copyOf(args);
        }
    }

    /**
     * Waits until an event of this type (optionally for this pool/server, and whose text contains
     * {@code text}) is seen, at most {@code withinMs} emulated.
     */
    record Await(String eventType, String pool, String server, String text, long withinMs, Origin origin) implements Step {}

    /** Kills (or heals) every server of every pool in a site, and the site's back ends. */
    record SiteFault(String site, boolean kill, Origin origin) implements Step {}

    /** Fails (or heals) one component of a pool's back end: primary, mirror or witness. */
    record BackEndFault(String pool, String component, boolean fail, Origin origin) implements Step {}

    /**
     * Prints an answer in the spirit of SfB's query cmdlets: backup-status (Get-CsBackupServiceStatus),
     * pool-fabric-state (Get-CsPoolFabricState, needs a pool), users (users by mode per pool), status.
     */
    record Query(String what, String pool, Origin origin) implements Step {}

    /** Fails (or heals) file server 1 or 2 of a Front End pool's file store (a DFS pair). */
    record FileServerFault(String pool, int server, boolean fail, Origin origin) implements Step {}

    /**
     * An event expectation, checked during the run. {@code expect} ({@code none} false): an event of this type
     * (optionally for this pool/server, whose text contains {@code text}) must be seen, matched as an
     * {@link Await} is; {@code expect-none} ({@code none} true): no such event from the start of the last group
     * of actions until {@code withinMs} (emulated) after the step began. Unmet, the step fails and the run goes on.
     */
    record ExpectEvent(boolean none, String eventType, String pool, String server, String text, long withinMs, Origin origin)
            implements Step {
        /** The same match and bound as an await. */
        public Await asAwait() {
            return new Await(eventType, pool, server, text, withinMs, origin);
        }
    }

    /**
     * An end-of-run figure expectation, e.g. {@code { expect = lost-writes, equals = 0 }}: evaluated after the run
     * against the figures its checkers measured ({@link io.poolpair.model.check.FigureExpectations}), not by the
     * runner. {@code pool}: the figure for that home pool's users, or null for the whole run. {@code value}: a
     * count, or emulated milliseconds for a duration figure.
     */
    record ExpectFigure(Figure figure, String pool, Comparison comparison, double value, Origin origin) implements Step {}

    /**
     * Sets the network link between two sites: {@code cut-link} ({@link SiteLink#CUT}), {@code slow-link}
     * ({@link SiteLink#slow}) or {@code heal-link} ({@link SiteLink#UP}).
     */
    record SiteLinkFault(String siteA, String siteB, SiteLink link, Origin origin) implements Step {}
}
