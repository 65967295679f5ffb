package io.poolpair.model.scenario;

import java.util.List;

/**
 * Every admin verb, listed once (docs/admin-verbs.md mirrors this list). Scenarios, the CLI, HTTP and the
 * dashboard use these names.
 *
 * @param target  what the verb names: "pool" or "server"
 * @param options optional boolean flags it takes
 * @param cmdlet  the SfB cmdlet it mirrors
 */
public enum AdminVerb {
    SERVICE_RESET("service-reset", "pool", List.of(), "Reset-CsPoolRegistrarState -ResetType ServiceReset",
            "restarts the Front End services of the pool's running servers; the pool starts again by Table B"),
    QUORUM_LOSS_RECOVERY("quorum-loss-recovery", "pool", List.of(),
            "Reset-CsPoolRegistrarState -ResetType QuorumLossRecovery",
            "reloads routing groups in quorum loss from the back end (unflushed writes are lost) and lets a pool"
                    + " stuck starting at the Table A level proceed"),
    DRAIN_SERVER("drain-server", "server", List.of("force"), "Invoke-CsComputerFailOver",
            "moves a Front End's users and replicas to the rest of the pool, then stops it"),
    RETURN_SERVER("return-server", "server", List.of(), "Invoke-CsComputerFailBack",
            "returns a drained Front End to service");

    private final String label;
    private final String target;
    private final List<String> options;
    private final String cmdlet;
    private final String summary;

    AdminVerb(String label, String target, List<String> options, String cmdlet, String summary) {
        this.label = label;
        this.target = target;
        this.options = options;
        this.cmdlet = cmdlet;
        this.summary = summary;
    }

    public String label() { return label; }

    public String target() { return target; }

    public List<String> options() { return options; }

    public String cmdlet() { return cmdlet; }

    public String summary() { return summary; }

    public static AdminVerb parse(String s) {
        for (AdminVerb v : values()) if (v.label.equals(s)) return v;
        return null;
    }

    public static String allowed() {
        return String.join(", ", java.util.Arrays.stream(values()).map(AdminVerb::label).toList());
    }
}
