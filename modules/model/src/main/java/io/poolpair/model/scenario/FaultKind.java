package io.poolpair.model.scenario;

/** Faults that can be injected into a server (or every server of a pool). */
public enum FaultKind {
    /** the server's process dies (its actor stops); Windows Fabric sees the crash at once */
    KILL("kill"),
    /** the server stays alive but stops heartbeating and serving (a freeze) */
    HANG("hang"),
    /** the server is stopped and started again */
    RESTART("restart");

    private final String label;

    FaultKind(String label) { this.label = label; }

    public String label() { return label; }

    public static FaultKind parse(String s) {
        for (FaultKind f : values()) if (f.label.equals(s)) return f;
        return null;
    }
}
