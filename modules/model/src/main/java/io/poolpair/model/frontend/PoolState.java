package io.poolpair.model.frontend;

/** Front End pool quorum state. */
public enum PoolState {
    /** waiting to (re)start: not enough servers for Table B, or a 2-FE restart out of order */
    STARTING,
    /** serving */
    RUNNING,
    /** pool-level quorum lost: the survivors stopped all services */
    QUORUM_LOST;

    public String label() { return name().toLowerCase().replace('_', '-'); }
}
