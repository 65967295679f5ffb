package io.poolpair.model.history;

import io.poolpair.model.dr.WriteRecord;

import java.util.List;

/**
 * A window in which the model lets acknowledged writes be lost: writes made at {@code pool} (by users of
 * {@code home} when not null, in routing group {@code group} when not -1) after {@code fromMs}, up to
 * {@code toMs}. Declared by a disaster-mode pool failover or failback (from the last completed Backup Service
 * sync) and by QuorumLossRecovery (from the group's last flush to the back end).
 *
 * @param lost the writes the model dropped in it (what the emulator did; the checker does not trust it, it
 *             compares acknowledgements with the final read)
 */
public record LossWindow(String kind, String pool, String home, int group, long fromMs, long toMs, List<WriteRecord> lost) {

    public static final String DISASTER_FAILOVER = "disaster-failover";
    public static final String DISASTER_FAILBACK = "disaster-failback";
    public static final String QUORUM_LOSS_RECOVERY = "quorum-loss-recovery";

    public LossWindow {
        lost = List.copyOf(lost);
    }

    /** Whether a write acknowledged at {@code ackPool} by a user of {@code ackHome} in {@code ackGroup} at {@code ackMs} falls in it. */
    public boolean covers(String ackPool, String ackHome, int ackGroup, long ackMs) {
        return pool.equals(ackPool) && (home == null || home.equals(ackHome)) && (group < 0 || group == ackGroup)
                && ackMs >= fromMs && ackMs <= toMs;
    }
}
