package io.poolpair.model.analysis;

/**
 * Users per server of a Front End pool after {@code failed} Front Ends are down, spread evenly over the
 * {@code running} ones (rounded up).
 *
 * @param usersPerServer      0 when pool quorum is lost whichever servers fail (the pool stops)
 * @param overGuideline       whether {@code usersPerServer} exceeds the guideline
 * @param quorum              whether pool quorum holds with this many failures
 * @param usersWithoutService users left without service when quorum is lost, else 0
 */
public record LoadStep(int failed, int running, int usersPerServer, boolean overGuideline, Quorum quorum,
                       int usersWithoutService) {

    /** Pool quorum after a number of failures. */
    public enum Quorum {
        /** holds whichever servers fail */
        HOLDS,
        /** lost if the failures hit enough seeds, kept if enough of them hit non-seed servers */
        DEPENDS,
        /** lost whichever servers fail */
        LOST;

        public String label() { return name().toLowerCase(); }
    }
}
