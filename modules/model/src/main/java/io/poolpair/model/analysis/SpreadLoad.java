package io.poolpair.model.analysis;

/**
 * Load per serving member of a spread pool after {@code failed} members are down (even spread, rounded up).
 *
 * @param unserved load left without a server (all members down)
 */
public record SpreadLoad(int failed, int running, int perServer, boolean overGuideline, int unserved) {}
