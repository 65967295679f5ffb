package io.poolpair.runtime.status;

/** How many of a home pool's users are normal, in Resiliency mode, or signed out right now. */
public final class UsersByMode {

    private UsersByMode() {}

    /**
     * @param pool the home pool's view (its users without service in routing groups that are not served)
     * @param side the pair's view of the pool's users (mode and serving pool), or null for an unpaired pool
     * @return {normal, resiliency, signedOut}
     */
    public static int[] of(PoolView pool, PairView.Side side) {
        int users = pool.offered();
        if (side == null) {
            return new int[] {users - pool.unserved(), 0, pool.unserved()};
        }
        return switch (side.mode()) {
            case "normal" -> side.servedBy() != null && side.servedBy().equals(pool.name())
                    ? new int[] {users - pool.unserved(), 0, pool.unserved()} : new int[] {users, 0, 0};
            case "resiliency" -> new int[] {0, users, 0};
            default -> new int[] {0, 0, users};
        };
    }
}
