package io.poolpair.model.topology;

/** The role of a pool, as written in topology files. */
public enum Role {
    FRONT_END("front-end"),
    EDGE("edge"),
    MEDIATION("mediation"),
    DIRECTOR("director"),
    PERSISTENT_CHAT("persistent-chat");

    private final String label;

    Role(String label) { this.label = label; }

    public String label() { return label; }

    public static Role parse(String s) {
        for (Role r : values()) if (r.label.equals(s)) return r;
        return null;
    }
}
