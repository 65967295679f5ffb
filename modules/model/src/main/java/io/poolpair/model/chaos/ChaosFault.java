package io.poolpair.model.chaos;

import java.util.Arrays;

/**
 * The menu of faults a chaos run draws from (docs/chaos.md). Each has a weight in
 * {@code poolpair.chaos.weights}; a fault is drawn only where the topology has a target for it.
 */
public enum ChaosFault {
    KILL_FRONT_END("kill-front-end", "a Front End server dies (its collocated Mediation with it)"),
    HANG_FRONT_END("hang-front-end", "a Front End server freezes: no heartbeats, no service, until healed"),
    RESTART_FRONT_END("restart-front-end", "a Front End server is stopped and started again at once (no heal)"),
    KILL_EDGE("kill-edge", "an Edge server dies"),
    KILL_DIRECTOR("kill-director", "a Director server dies"),
    KILL_MEDIATION("kill-mediation", "a standalone Mediation server dies"),
    KILL_PERSISTENT_CHAT("kill-persistent-chat", "a Persistent Chat server dies"),
    KILL_POOL("kill-pool", "every server of one pool (any role) dies"),
    FAIL_BACKEND("fail-backend", "one back-end SQL component of a Front End pool fails: primary, mirror or witness, as its"
            + " backend-mode has them"),
    FAIL_FILE_SERVER("fail-file-server", "file server 1 or 2 of a Front End pool's file store fails"),
    KILL_SITE("kill-site", "a whole site is lost: its servers and its Front End pools' back ends");

    private final String label;
    private final String summary;

    ChaosFault(String label, String summary) {
        this.label = label;
        this.summary = summary;
    }

    /** The key in {@code poolpair.chaos.weights}, and the name in the run's header. */
    public String label() { return label; }

    public String summary() { return summary; }

    public static ChaosFault parse(String s) {
        for (ChaosFault f : values()) if (f.label.equals(s)) return f;
        return null;
    }

    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(ChaosFault::label).toList());
    }
}
