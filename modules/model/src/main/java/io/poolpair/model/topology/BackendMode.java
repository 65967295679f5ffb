package io.poolpair.model.topology;

/** Back-end SQL high-availability mode of a pool (spec §5). */
public enum BackendMode {
    MIRRORING_WITNESS("mirroring-witness"),
    MIRRORING("mirroring"),
    ALWAYSON_AG("alwayson-ag"),
    ALWAYSON_FCI("alwayson-fci"),
    SQL_CLUSTER("sql-cluster"),
    NONE("none");

    private final String label;

    BackendMode(String label) { this.label = label; }

    public String label() { return label; }

    public boolean isMirroring() { return this == MIRRORING || this == MIRRORING_WITNESS; }

    /** Whether the back end fails over by itself (witness, AG or cluster). */
    public boolean failsOverAutomatically() {
        return this == MIRRORING_WITNESS || this == ALWAYSON_AG || this == ALWAYSON_FCI || this == SQL_CLUSTER;
    }

    public static BackendMode parse(String s) {
        for (BackendMode m : values()) if (m.label.equals(s)) return m;
        return null;
    }
}
