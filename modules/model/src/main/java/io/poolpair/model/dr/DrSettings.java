package io.poolpair.model.dr;

/**
 * Disaster-recovery settings; every duration is emulated time.
 *
 * @param registrarFailureDetectionMs users of a dead pool may reach the backup Registrar after this (120 s [S24])
 * @param registrarFailbackDetectionMs users return to a home pool that came back after this (240 s [S24])
 * @param backupSyncIntervalMs        Backup Service SyncInterval (2 min, 5 s – 3 h [P6])
 * @param poolFailoverMs              how long Invoke-CsPoolFailover runs once started (our choice)
 * @param failbackPer20000UsersMs     Invoke-CsPoolFailback time per 20,000 users ("up to 60 min" [S4]; our default is lower)
 * @param cmsFailoverMs               how long Invoke-CsManagementServerFailover runs (our choice, within the 5 min RTO)
 * @param relogon                     whether a re-logon before failover is redirected to the backup pool [P2][S4] or rejected [P2b]
 * @param backEndUnavailableThresholdMs BackupStoreUnavailableThreshold: back end down this long puts users in Resiliency mode (30 min [P19])
 * @param backEndAutoFailoverMs       automatic back-end failover delay (witness, AG, cluster)
 * @param twoFrontEndBackEndLossMs    a 2-FE pool whose back end fails goes down this long after (our choice for "soon")
 * @param autoFailover                automatic pool failover policy (off by default: SfB has none)
 * @param autoFailoverAfterMs         with the policy on: fail over after the pool has been down this long
 */
public record DrSettings(
        long registrarFailureDetectionMs,
        long registrarFailbackDetectionMs,
        long backupSyncIntervalMs,
        long poolFailoverMs,
        long failbackPer20000UsersMs,
        long cmsFailoverMs,
        Relogon relogon,
        long backEndUnavailableThresholdMs,
        long backEndAutoFailoverMs,
        long twoFrontEndBackEndLossMs,
        boolean autoFailover,
        long autoFailoverAfterMs) {

    /** What a user of a dead pool meets when signing in again before the failover. */
    public enum Relogon {
        REDIRECT("redirect"), REJECT("reject");

        private final String label;

        Relogon(String label) { this.label = label; }

        public String label() { return label; }

        public static Relogon parse(String s) {
            for (Relogon r : values()) if (r.label.equals(s)) return r;
            return null;
        }
    }

    public static final DrSettings DEFAULT = new DrSettings(120_000, 240_000, 120_000, 120_000, 600_000, 60_000,
            Relogon.REDIRECT, 1_800_000, 10_000, 60_000, false, 300_000);

    public DrSettings withAutoFailover(boolean on, long afterMs) {
        return new DrSettings(registrarFailureDetectionMs, registrarFailbackDetectionMs, backupSyncIntervalMs, poolFailoverMs,
                failbackPer20000UsersMs, cmsFailoverMs, relogon, backEndUnavailableThresholdMs, backEndAutoFailoverMs,
                twoFrontEndBackEndLossMs, on, afterMs);
    }

    public DrSettings withRelogon(Relogon r) {
        return new DrSettings(registrarFailureDetectionMs, registrarFailbackDetectionMs, backupSyncIntervalMs, poolFailoverMs,
                failbackPer20000UsersMs, cmsFailoverMs, r, backEndUnavailableThresholdMs, backEndAutoFailoverMs,
                twoFrontEndBackEndLossMs, autoFailover, autoFailoverAfterMs);
    }

    public DrSettings withSyncIntervalMs(long ms) {
        return new DrSettings(registrarFailureDetectionMs, registrarFailbackDetectionMs, ms, poolFailoverMs,
                failbackPer20000UsersMs, cmsFailoverMs, relogon, backEndUnavailableThresholdMs, backEndAutoFailoverMs,
                twoFrontEndBackEndLossMs, autoFailover, autoFailoverAfterMs);
    }
}
