package io.poolpair.model.scenario;

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
}
