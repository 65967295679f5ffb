package io.poolpair.model.pool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * In-pool failure detection (the part Windows Fabric's leases play; their timers are unconfirmed, so the
 * values are settings). A server is suspected after {@code suspectAfterMissed} missed heartbeats and
 * declared down after {@code downAfterMissed}. All times are emulated milliseconds.
 */
public final class HeartbeatMonitor {

    /** What a check decided about one server. */
    public record Verdict(String server, Kind kind, int missed) {
        public enum Kind { SUSPECT, DOWN }
    }

    private final long intervalMs;
    private final int suspectAfterMissed;
    private final int downAfterMissed;
    private final long minDownMs;
    private final Map<String, Long> lastBeat = new LinkedHashMap<>();
    private final Map<String, Integer> reported = new LinkedHashMap<>();

    public HeartbeatMonitor(long intervalMs, int suspectAfterMissed, int downAfterMissed) {
        this(intervalMs, suspectAfterMissed, downAfterMissed, 0);
    }

    /**
     * @param minDownMs a floor on the silence before a down verdict, whatever the heartbeat count: the
     *                  emulator uses it to keep a scaled-down detection above what a busy machine's
     *                  scheduling hiccups can fake
     */
    public HeartbeatMonitor(long intervalMs, int suspectAfterMissed, int downAfterMissed, long minDownMs) {
        if (intervalMs <= 0) throw new IllegalArgumentException("heartbeat interval must be > 0");
        if (suspectAfterMissed < 1 || downAfterMissed <= suspectAfterMissed) {
            throw new IllegalArgumentException("need 1 <= suspect-after-missed < down-after-missed");
        }
        this.intervalMs = intervalMs;
        this.suspectAfterMissed = suspectAfterMissed;
        this.downAfterMissed = downAfterMissed;
        this.minDownMs = minDownMs;
    }

    /** A heartbeat arrived. Returns true when the server was suspected or down before (it is back). */
    public boolean heartbeat(String server, long nowMs) {
        lastBeat.put(server, nowMs);
        Integer r = reported.remove(server);
        return r != null;
    }

    /** Forget a server (it was declared down by other means, or removed). */
    public void forget(String server) {
        lastBeat.remove(server);
        reported.remove(server);
    }

    /**
     * The watcher itself was paused (a stop-the-world pause, a starved scheduler) for {@code pausedMs}:
     * heartbeats could not have been received in that time, so every baseline moves forward by it and
     * nobody is declared down for the watcher's own pause.
     */
    public void compensatePause(long pausedMs) {
        if (pausedMs <= 0) return;
        lastBeat.replaceAll((k, v) -> v + pausedMs);
    }

    /** Whether the monitor tracks this server (it heartbeated since it was last forgotten). */
    public boolean tracks(String server) { return lastBeat.containsKey(server); }

    /** Servers newly suspected or down at {@code nowMs}; a server is reported once per level. */
    public List<Verdict> check(long nowMs) {
        List<Verdict> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastBeat.entrySet()) {
            long silent = nowMs - e.getValue();
            int missed = (int) (silent / intervalMs);
            // the wall floor applies to suspicion too, in proportion, so a busy machine's hiccups raise no alarms
            long minSuspectMs = minDownMs * suspectAfterMissed / downAfterMissed;
            int level = missed >= downAfterMissed && silent >= minDownMs ? 2
                    : missed >= suspectAfterMissed && silent >= minSuspectMs ? 1 : 0;
            int before = reported.getOrDefault(e.getKey(), 0);
            if (level > before) {
                reported.put(e.getKey(), level);
                out.add(new Verdict(e.getKey(), level == 2 ? Verdict.Kind.DOWN : Verdict.Kind.SUSPECT, missed));
            }
        }
        for (Verdict v : out) if (v.kind() == Verdict.Kind.DOWN) lastBeat.remove(v.server());
        return out;
    }

    public long intervalMs() { return intervalMs; }

    public int downAfterMissed() { return downAfterMissed; }

    /** Emulated time from the last heartbeat to a down verdict. */
    public long detectionMs() { return Math.max(intervalMs * downAfterMissed, minDownMs); }
}
