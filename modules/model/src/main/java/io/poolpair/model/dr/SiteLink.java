package io.poolpair.model.dr;

import io.poolpair.model.time.Durations;

/**
 * The condition of the network link between two sites (data centers), as the emulation's cross-site traffic
 * meets it: {@link #UP}, {@link #CUT} (nothing crosses) or slow (everything that crosses arrives
 * {@link #delayMs()} of emulated time later). {@link SiteLinks} holds one per pair of sites and says what
 * crosses it; {@link BackupService} and {@link PoolPair} apply it to the replication between paired pools.
 */
public record SiteLink(State state, long delayMs) {

    public enum State {
        UP("up"), SLOW("slow"), CUT("cut");

        private final String label;

        State(String label) { this.label = label; }

        public String label() { return label; }
    }

    public static final SiteLink UP = new SiteLink(State.UP, 0);
    public static final SiteLink CUT = new SiteLink(State.CUT, 0);

    public SiteLink {
        if (state == State.SLOW && delayMs <= 0) throw new IllegalArgumentException("a slow link needs a delay > 0, got " + delayMs);
        if (state != State.SLOW && delayMs != 0) throw new IllegalArgumentException(state.label + " link has no delay");
    }

    /** A link that delays every crossing by {@code delayMs} (emulated). */
    public static SiteLink slow(long delayMs) {
        return new SiteLink(State.SLOW, delayMs);
    }

    /** {@link #UP} when {@code up}, else {@link #CUT} (the boolean {@code linkUp} of the older signatures). */
    public static SiteLink of(boolean up) {
        return up ? UP : CUT;
    }

    /** Whether anything crosses: up or slow. */
    public boolean carries() { return state != State.CUT; }

    /** {@code up}, {@code cut}, or {@code slow (30 s)}. */
    public String describe() {
        return state == State.SLOW ? "slow (" + Durations.format(delayMs) + ")" : state.label;
    }
}
