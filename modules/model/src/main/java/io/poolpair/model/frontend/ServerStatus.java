package io.poolpair.model.frontend;

/** A server's status as its pool supervisor sees it. */
public enum ServerStatus {
    UP, DOWN, DRAINED;

    public String label() { return name().toLowerCase(); }
}
