package io.poolpair.model.chaos;

import java.util.List;

/**
 * One fault a chaos plan drew, with its planned times (emulated, from the scenario's start).
 *
 * @param number      1, 2, ... in the order drawn
 * @param atMs        when it is injected
 * @param kind        which fault of the menu
 * @param action      the fault step in a line, e.g. {@code kill a-fe3}, {@code fail-backend pool-b primary}
 * @param durationMs  the duration drawn (0 for a restart, which heals itself)
 * @param healAtMs    when it is healed; -1 for a restart
 * @param healedAtEnd whether the heal is the plan's final heal (the drawn duration reached past it)
 * @param reactions   the admin's reaction to it (a site failover and failback), in order; empty for most faults
 */
public record DrawnFault(int number, long atMs, ChaosFault kind, String action, long durationMs, long healAtMs,
                         boolean healedAtEnd, List<Reaction> reactions) {

    /** One step of the admin's reaction, at its planned time. */
    public record Reaction(long atMs, String step) {}

    public DrawnFault {
        reactions = List.copyOf(reactions);
    }

    /** The fault as the run's header shows it, then one line per reaction step. */
    public List<String> lines() {
        String head = "fault " + number + ": " + ChaosPlan.at(atMs) + " " + action;
        String heal;
        if (healAtMs < 0) heal = " (no heal: it starts again at once)";
        else if (healedAtEnd) heal = ", heal " + ChaosPlan.at(healAtMs) + " at the final heal (drawn " + ChaosPlan.span(durationMs) + ")";
        else if (!reactions.isEmpty() && healAtMs > atMs + durationMs) {
            heal = ", heal " + ChaosPlan.at(healAtMs) + " once its pools are failed over (drawn " + ChaosPlan.span(durationMs) + ")";
        } else heal = ", heal " + ChaosPlan.at(healAtMs) + " (after " + ChaosPlan.span(healAtMs - atMs) + ")";
        List<String> out = new java.util.ArrayList<>();
        out.add(head + heal);
        for (Reaction r : reactions) out.add("fault " + number + " reaction: " + ChaosPlan.at(r.atMs()) + " " + r.step());
        return out;
    }
}
