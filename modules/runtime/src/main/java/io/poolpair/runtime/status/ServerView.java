package io.poolpair.runtime.status;

/**
 * One server as the emulator shows it.
 *
 * @param observed  what its pool supervisor sees: up, suspect, down, starting, stopped (pool lost quorum),
 *                  drained
 * @param fault     the fault injected into it, apart from what is observed: killed, hung, or null
 * @param load      users (Front End), remote-users (Edge, Director), calls (Mediation), users (Persistent Chat)
 * @param guideline the per-server guideline for that load
 */
public record ServerView(String name, String site, String role, String observed, String fault, int load, int guideline,
                         String unit, boolean standby) {}
