package io.poolpair.model.topology;

/** Enterprise Edition (a pool of servers with a separate back end) or Standard Edition (one server). */
public enum Edition {
    ENTERPRISE("enterprise"),
    STANDARD("standard");

    private final String label;

    Edition(String label) { this.label = label; }

    public String label() { return label; }

    public static Edition parse(String s) {
        for (Edition e : values()) if (e.label.equals(s)) return e;
        return null;
    }
}
