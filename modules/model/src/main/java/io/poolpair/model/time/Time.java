package io.poolpair.model.time;

/**
 * A moment as the emulator sees it: wall-clock epoch milliseconds and emulated milliseconds since
 * the run started. The model never reads a clock; callers pass this in.
 */
public record Time(long wallMs, long emulatedMs) implements Comparable<Time> {

    public static Time ofEmulated(long emulatedMs) { return new Time(emulatedMs, emulatedMs); }

    public Time plusEmulated(long ms) { return new Time(wallMs, emulatedMs + ms); }

    @Override
    public int compareTo(Time o) { return Long.compare(emulatedMs, o.emulatedMs); }
}
