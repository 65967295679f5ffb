package io.poolpair.runtime.status;

import java.util.List;

/**
 * A pool pair as the emulator shows it: each home pool's SfB PoolState, where its users are served and in
 * which mode, and the Backup Service in each direction (Get-CsBackupServiceStatus in spirit).
 */
public record PairView(List<Side> sides, List<Direction> backup, long lostWrites, long syncIntervalMs) {
    public PairView {
        sides = List.copyOf(sides);
        backup = List.copyOf(backup);
    }

    /** One home pool: its PoolState, its users' mode and serving pool, whether its Front Ends run. */
    public record Side(String pool, String poolState, boolean running, int users, String mode, String servedBy,
                       boolean lisRestored) {}

    /** One Backup Service direction. */
    public record Direction(String from, String to, String state, long lagMs, int pending, long shipped,
                            long lastSyncEmulatedMs) {}
}
