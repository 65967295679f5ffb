package io.poolpair.model.dr;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One direction of the Backup Service (spec §3.2): writes acknowledged on the source pool wait here until
 * the next sync ships them to the target. States as Get-CsBackupServiceStatus reports them: steady (the
 * last interval's changes were shipped), final (nothing left and the source writes nothing new: it is
 * read-only), backlog (a sync could not complete: the source, the target or the link is down).
 */
public final class ReplicationDirection {

    public enum State {
        STEADY, FINAL, BACKLOG;

        public String label() { return name().toLowerCase(); }
    }

    private final String source;
    private final String target;
    private final Deque<WriteRecord> pending = new ArrayDeque<>();
    private long lastCompletedSyncMs;
    private State state = State.STEADY;
    private boolean sourceReadOnly;
    private long shipped;
    /** Syncs sent over a slow site link, not yet arrived: {arrival ms, cutoff ms}, oldest first. */
    private final Deque<long[]> inFlight = new ArrayDeque<>();

    private java.util.function.Consumer<WriteRecord> onShipped = w -> { };

    /** Called with every write a sync ships to the target. */
    public void onShipped(java.util.function.Consumer<WriteRecord> consumer) {
        this.onShipped = consumer;
    }

    /** Writes the source lost before they were shipped (QuorumLossRecovery): they will not be shipped. */
    public void forget(java.util.Set<Long> ids) {
        pending.removeIf(w -> ids.contains(w.id()));
    }

    public ReplicationDirection(String source, String target, long startMs) {
        this.source = source;
        this.target = target;
        this.lastCompletedSyncMs = startMs;
    }

    /** A write acknowledged on the source; refused (false) while the source is read-only. */
    public boolean record(WriteRecord w) {
        if (sourceReadOnly) return false;
        pending.addLast(w);
        return true;
    }

    /**
     * A sync attempt at {@code nowMs}. When it can run, every pending write is shipped. Returns the new
     * state if it changed, else null.
     */
    public State sync(long nowMs, boolean canRun) {
        return sync(nowMs, nowMs, canRun);
    }

    /**
     * A sync that was due at {@code scheduledMs} and runs at {@code nowMs} (a timer fires a little late): it
     * ships what was written up to its scheduled time; later writes wait for the next sync.
     */
    public State sync(long nowMs, long scheduledMs, boolean canRun) {
        return sync(nowMs, scheduledMs, canRun, 0);
    }

    /**
     * The same over a site link that delays every crossing by {@code delayMs} (0: at once). A delayed sync
     * takes what was written up to its scheduled time, but it reaches the target only {@code delayMs} later
     * ({@link #deliver}); until then those writes still wait here (they count in the lag and are lost if the
     * source is cut off) and the state does not change. A sync that cannot run drops whatever was in flight:
     * it never arrives, and the next sync that runs ships it again.
     */
    public State sync(long nowMs, long scheduledMs, boolean canRun, long delayMs) {
        State before = state;
        long cutoff = Math.min(nowMs, scheduledMs);
        if (!canRun) {
            inFlight.clear();
            state = State.BACKLOG;
        } else if (delayMs > 0) {
            inFlight.addLast(new long[] {nowMs + delayMs, cutoff});
        } else {
            arrive(cutoff);
        }
        return state != before ? state : null;
    }

    /** Syncs in flight that have arrived by {@code nowMs} complete. Returns the new state if it changed, else null. */
    public State deliver(long nowMs) {
        State before = state;
        while (!inFlight.isEmpty() && inFlight.peekFirst()[0] <= nowMs) arrive(inFlight.removeFirst()[1]);
        return state != before ? state : null;
    }

    /** When the oldest sync in flight arrives, or -1. */
    public long nextArrivalMs() {
        return inFlight.isEmpty() ? -1 : inFlight.peekFirst()[0];
    }

    /** Syncs in flight never arrive (the link was cut, or the target stopped): their writes wait for the next sync. */
    public void dropInFlight() {
        inFlight.clear();
    }

    /** Syncs sent over a slow link and not yet arrived. */
    public int inFlightCount() { return inFlight.size(); }

    private void arrive(long cutoff) {
        while (!pending.isEmpty() && pending.peekFirst().emulatedMs() <= cutoff) {
            onShipped.accept(pending.removeFirst());
            shipped++;
        }
        lastCompletedSyncMs = Math.max(lastCompletedSyncMs, cutoff);
        state = sourceReadOnly ? State.FINAL : State.STEADY;
    }

    /**
     * Disaster: the source is gone. Every write not shipped is lost; returns them (oldest first) and empties
     * the queue.
     */
    public List<WriteRecord> cutOff() {
        List<WriteRecord> lost = new ArrayList<>(pending);
        pending.clear();
        inFlight.clear();
        return lost;
    }

    public void setSourceReadOnly(boolean readOnly) {
        this.sourceReadOnly = readOnly;
    }

    public boolean sourceReadOnly() { return sourceReadOnly; }

    /** Replication lag: how old the oldest unshipped write is (0 when nothing waits). */
    public long lagMs(long nowMs) {
        WriteRecord oldest = pending.peekFirst();
        return oldest == null ? 0 : nowMs - oldest.emulatedMs();
    }

    public int pendingCount() { return pending.size(); }

    public long shippedCount() { return shipped; }

    public long lastCompletedSyncMs() { return lastCompletedSyncMs; }

    public State state() { return state; }

    public String source() { return source; }

    public String target() { return target; }
}
