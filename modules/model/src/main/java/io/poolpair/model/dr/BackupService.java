package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;

import java.util.ArrayList;
import java.util.List;

/**
 * The Backup Service of one pool pair (spec §3.2): user data and conference content both ways every sync
 * interval, and the Central Management Store one way, active master to standby.
 */
public final class BackupService {

    /** Allowed sync intervals ([P6]): 5 s to 3 h. */
    public static final long MIN_INTERVAL_MS = 5_000;
    public static final long MAX_INTERVAL_MS = 3L * 3600_000;

    private final String poolA;
    private final String poolB;
    private final String siteA;
    private final String siteB;
    private final long intervalMs;
    private final ReplicationDirection aToB;
    private final ReplicationDirection bToA;
    /** Conference content (DataConf) versions written on each pool and shipped to the other. */
    private long contentA;
    private long contentB;
    private long contentShippedAtoB;
    private long contentShippedBtoA;
    /** Content made on each pool by the partner's failed-over users: only {@link #copyContentHome} ships it [S12]. */
    private long guestContentOnA;
    private long guestContentOnB;
    private long nextSyncMs;
    /** The CMS one way, active master to standby (CentralMgmt.CMSMaster), when the master is in this pair. */
    private ReplicationDirection cms;
    private long nextCmsChangeId = 1;

    public BackupService(String poolA, String siteA, String poolB, String siteB, long intervalMs, long startMs) {
        if (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
            throw new IllegalArgumentException("Backup Service sync interval must be 5 s to 3 h, got " + intervalMs + " ms");
        }
        this.poolA = poolA;
        this.poolB = poolB;
        this.siteA = siteA;
        this.siteB = siteB;
        this.intervalMs = intervalMs;
        this.aToB = new ReplicationDirection(poolA, poolB, startMs);
        this.bToA = new ReplicationDirection(poolB, poolA, startMs);
        this.nextSyncMs = startMs + intervalMs;
    }

    public ReplicationDirection from(String pool) {
        if (pool.equals(poolA)) return aToB;
        if (pool.equals(poolB)) return bToA;
        throw new IllegalArgumentException("pool " + pool + " is not in pair " + poolA + "/" + poolB);
    }

    /** Conference content was written on a pool by its own users (an upload, a whiteboard). */
    public void contentWritten(String pool) {
        contentWritten(pool, pool);
    }

    /**
     * Conference content was written on {@code pool} by users homed on {@code home}. What the partner's
     * failed-over users make is not shipped by the regular syncs: it waits on {@code pool} until it is copied
     * home after the failback ({@code Invoke-CsBackupServiceSync -BackupModule ConfServices.DataConf} [S12]).
     */
    public void contentWritten(String pool, String home) {
        boolean onA = from(pool) == aToB;
        if (!pool.equals(home)) {
            if (onA) guestContentOnA++;
            else guestContentOnB++;
        } else if (onA) {
            contentA++;
        } else {
            contentB++;
        }
    }

    public long nextSyncMs() { return nextSyncMs; }

    /** The active CMS master is {@code master} (a pool of this pair), or elsewhere (null). */
    public void cmsMaster(String master, long nowMs) {
        cms = master == null ? null : new ReplicationDirection(master, partnerOf(master), nowMs);
    }

    /** A configuration change published to the CMS (a next hop, a federation route, an import). */
    public void cmsChanged(long nowMs) {
        if (cms != null) cms.record(new WriteRecord(nextCmsChangeId++, -1, cms.source(), cms.source(), nowMs));
    }

    /** The CMS direction, or null when the master is not in this pair. */
    public ReplicationDirection cms() { return cms; }

    public long intervalMs() { return intervalMs; }

    /**
     * Runs the syncs due at {@code now}. {@code aUp}/{@code bUp}: whether each pool's Front Ends run;
     * {@code linkUp}: whether the sites can reach each other.
     */
    public List<FailoverEvent> tick(Time now, boolean aUp, boolean bUp, boolean linkUp) {
        return tick(now, aUp, bUp, SiteLink.of(linkUp));
    }

    /**
     * Runs what is due at {@code now} over the site link in its condition {@code link} ({@link SiteLinks}): syncs
     * in flight over a slow link that have arrived complete; then, when a sync is due, it runs if both pools
     * run and the link carries (else the direction is in backlog and anything in flight is lost on the way).
     * Over a slow link a sync's data reaches the partner {@link SiteLink#delayMs()} later.
     */
    public List<FailoverEvent> tick(Time now, boolean aUp, boolean bUp, SiteLink link) {
        List<FailoverEvent> ev = new ArrayList<>();
        // syncs on their way over a slow link arrive if the link still carries and the target still runs
        deliver(aToB, link.carries() && bUp, now, siteA, ev, USER_DATA);
        deliver(bToA, link.carries() && aUp, now, siteB, ev, USER_DATA);
        if (cms != null) {
            boolean towardB = cms.source().equals(poolA);
            deliver(cms, link.carries() && (towardB ? bUp : aUp), now, towardB ? siteA : siteB, ev, CMS);
        }
        if (now.emulatedMs() < nextSyncMs) return ev;
        // a fixed schedule: a sync that fires a little late does not push every later one back
        long scheduled = nextSyncMs;
        do {
            nextSyncMs += intervalMs;
        } while (nextSyncMs <= now.emulatedMs());
        boolean can = aUp && bUp && link.carries();
        long delay = link.delayMs();
        syncOne(aToB, can, delay, now, scheduled, siteA, ev, USER_DATA);
        syncOne(bToA, can, delay, now, scheduled, siteB, ev, USER_DATA);
        if (cms != null) syncOne(cms, can, delay, now, scheduled, cms.source().equals(poolA) ? siteA : siteB, ev, CMS);
        if (can) {
            contentShippedAtoB = contentA;
            contentShippedBtoA = contentB;
        }
        return ev;
    }

    /**
     * Resumes replication that could not run: each direction in backlog (a pool or the link was down when its sync
     * was due) syncs at once when both pools run and the link carries again, instead of waiting for the next
     * scheduled sync; the schedule itself does not move. Without this, a pool back a moment after a failed sync
     * would leave up to two intervals of its writes unshipped.
     */
    public List<FailoverEvent> catchUp(Time now, boolean aUp, boolean bUp, SiteLink link) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (!(aUp && bUp && link.carries())) return ev;
        boolean any = false;
        for (ReplicationDirection d : cms == null ? List.of(aToB, bToA) : List.of(aToB, bToA, cms)) {
            if (d.state() != ReplicationDirection.State.BACKLOG) continue;
            String site = d.source().equals(poolA) ? siteA : siteB;
            syncOne(d, true, link.delayMs(), now, now.emulatedMs(), site, ev, d == cms ? CMS : USER_DATA);
            any = true;
        }
        if (any) {
            contentShippedAtoB = contentA;
            contentShippedBtoA = contentB;
        }
        return ev;
    }

    /** Syncs now, whatever the interval (Invoke-CsBackupServiceSync, or a final sync for a planned failover). */
    public List<FailoverEvent> syncNow(Time now, boolean aUp, boolean bUp, boolean linkUp) {
        return syncNow(now, aUp, bUp, SiteLink.of(linkUp));
    }

    /** {@link #syncNow(Time, boolean, boolean, boolean)} over a site link in its condition {@code link}. */
    public List<FailoverEvent> syncNow(Time now, boolean aUp, boolean bUp, SiteLink link) {
        nextSyncMs = now.emulatedMs();
        return tick(now, aUp, bUp, link);
    }

    /**
     * When something is next due: the next scheduled sync, or an earlier arrival of a sync in flight over a
     * slow link.
     */
    public long nextDueMs() {
        long due = nextSyncMs;
        for (ReplicationDirection d : cms == null ? List.of(aToB, bToA) : List.of(aToB, bToA, cms)) {
            long t = d.nextArrivalMs();
            if (t >= 0 && t < due) due = t;
        }
        return due;
    }

    private static final String USER_DATA = "UserServices.PresenceFocus";
    private static final String CMS = "CentralMgmt.CMSMaster";

    private static void syncOne(ReplicationDirection d, boolean can, long delayMs, Time now, long scheduled, String site,
                                List<FailoverEvent> ev, String module) {
        int pending = d.pendingCount();
        long lag = d.lagMs(now.emulatedMs());
        ReplicationDirection.State changed = d.sync(now.emulatedMs(), scheduled, can, delayMs);
        if (changed != null) {
            ev.add(new BackupState(now, Where.pool(site, d.source()), d.source(), d.target(), module,
                    changed.label(), can ? 0 : lag, can ? 0 : pending));
        }
    }

    private static void deliver(ReplicationDirection d, boolean can, Time now, String site, List<FailoverEvent> ev, String module) {
        if (!can) {
            d.dropInFlight();
            return;
        }
        ReplicationDirection.State changed = d.deliver(now.emulatedMs());
        if (changed != null) {
            ev.add(new BackupState(now, Where.pool(site, d.source()), d.source(), d.target(), module, changed.label(), 0, 0));
        }
    }

    /** Conference content on {@code pool} not yet shipped to its partner (including its failed-over users' content). */
    public long contentUnshipped(String pool) {
        return pool.equals(poolA) ? contentA - contentShippedAtoB + guestContentOnA : contentB - contentShippedBtoA + guestContentOnB;
    }

    /**
     * {@code Invoke-CsBackupServiceSync -BackupModule ConfServices.DataConf} after a failback: the content the
     * failed-over users made on the backup pool is copied home. Returns how many items were copied.
     */
    public long copyContentHome(String home) {
        String backup = home.equals(poolA) ? poolB : poolA;
        long n = contentUnshipped(backup);
        if (backup.equals(poolA)) {
            contentShippedAtoB = contentA;
            guestContentOnA = 0;
        } else {
            contentShippedBtoA = contentB;
            guestContentOnB = 0;
        }
        return n;
    }

    public String poolA() { return poolA; }

    public String poolB() { return poolB; }

    public String partnerOf(String pool) { return pool.equals(poolA) ? poolB : poolA; }
}
