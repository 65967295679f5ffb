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
        State before = state;
        if (canRun) {
            long cutoff = Math.min(nowMs, scheduledMs);
            while (!pending.isEmpty() && pending.peekFirst().emulatedMs() <= cutoff) {
                onShipped.accept(pending.removeFirst());
                shipped++;
            }
            lastCompletedSyncMs = cutoff;
            state = sourceReadOnly ? State.FINAL : State.STEADY;
        } else {
            state = State.BACKLOG;
        }
        return state != before ? state : null;
    }

    /**
     * Disaster: the source is gone. Every write not shipped is lost; returns them (oldest first) and empties
     * the queue.
     */
    public List<WriteRecord> cutOff() {
        List<WriteRecord> lost = new ArrayList<>(pending);
        pending.clear();
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
