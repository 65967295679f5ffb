package io.poolpair.model.frontend;

/** State of one routing group. */
public enum GroupState {
    /** every replica up */
    HEALTHY,
    /** primary plus at least one secondary: still healthy per [L2], a replica waits to be rebuilt */
    DEGRADED,
    /** routing-group quorum loss: one replica left */
    QUORUM_LOSS,
    /** no replica left: waits for QuorumLossRecovery from the back end */
    LOST,
    /** the pool is not running (quorum lost or starting) */
    OFFLINE;

    public String label() { return name().toLowerCase().replace('_', '-'); }
}
