package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.NotReplicated;
import io.poolpair.model.event.FailoverEvent.OperationsRefused;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.time.Time;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two paired Front End pools in two sites (spec §3, §4): each is the other's backup Registrar, the Backup
 * Service ships data both ways, and an admin fails a pool's users over to the partner and back. Pools
 * are named by their users' home pool, as SfB's cmdlets do. Users of a home pool move together between
 * modes (normal, Resiliency, signed out) and serving pools.
 *
 * <p>Deployment-wide preconditions (the CMS, Edge next hops) are checked by {@link SiteServices} before a
 * verb reaches the pair.
 */
public final class PoolPair {

    /** SfB's PoolState of a Registrar pool [P2]. */
    public enum DrState {
        ACTIVE("Active"), FAILING_OVER("FailingOver"), FAILED_OVER("FailedOver"), FAILED_BACK("FailedBack");

        private final String label;

        DrState(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** One side of the pair: a home pool, its users and where they are served. */
    private static final class Side {
        final String pool;
        final String site;
        final int users;
        DrState state = DrState.ACTIVE;
        boolean up;
        long downSinceMs = -1;
        boolean everUp;
        /** a sign-in waiting for a reachable Director: {mode, servedBy, reason} */
        Object[] pendingSignIn;
        /** where the users are served: this pool, the partner, or nowhere (null) */
        String servedBy;
        UserMode mode = UserMode.SIGNED_OUT;
        long relogonDueMs = -1;
        long returnHomeDueMs = -1;
        long failoverDueMs = -1;
        boolean failoverDisaster;
        long failoverStartedMs = -1;
        long failbackDueMs = -1;
        long autoFailoverDueMs = -1;
        boolean backEndDown;
        long backEndDownSinceMs = -1;
        boolean lisRestored = true;
        boolean responseGroupsImported = true;
        /** refusals since the last report: mode -> operation -> count, and operation -> reason */
        final Map<UserMode, Map<String, Integer>> refused = new java.util.EnumMap<>(UserMode.class);
        final Map<String, String> reasons = new LinkedHashMap<>();

        Side(String pool, String site, int users) {
            this.pool = pool;
            this.site = site;
            this.users = users;
        }
    }

    private final Side a;
    private final Side b;
    private final BackupService backup;
    private final DrSettings settings;
    private long nextWriteId = 1;
    private final List<WriteRecord> lostWrites = new ArrayList<>();
    private final UserData data = new UserData();
    private final List<io.poolpair.model.history.LossWindow> lossWindows = new ArrayList<>();
    private boolean directorsReachable = true;

    public PoolPair(String poolA, String siteA, int usersA, String poolB, String siteB, int usersB, DrSettings settings,
                    long startMs) {
        this.a = new Side(poolA, siteA, usersA);
        this.b = new Side(poolB, siteB, usersB);
        this.settings = settings;
        this.backup = new BackupService(poolA, siteA, poolB, siteB, settings.backupSyncIntervalMs(), startMs);
        backup.from(poolA).onShipped(w -> data.add(w.homePool(), poolB, w.user(), w.id()));
        backup.from(poolB).onShipped(w -> data.add(w.homePool(), poolA, w.user(), w.id()));
    }

    // ------------------------------------------------------------------ pool health (from the Front End supervisors)

    /** A pool's Front Ends serve (pool running) or not (quorum lost, every server down). */
    public List<FailoverEvent> poolServing(String pool, boolean serving, Time now) {
        Side s = side(pool);
        Side p = partner(s);
        List<FailoverEvent> ev = new ArrayList<>();
        if (s.up == serving) return ev;
        s.up = serving;
        if (!serving) {
            s.downSinceMs = now.emulatedMs();
            for (Side x : List.of(s, p)) {
                if (x.pendingSignIn != null && s.pool.equals(x.pendingSignIn[1])) x.pendingSignIn = null;
            }
            // users served by this pool lose their Registrar: their own, and the partner's if failed over here
            for (Side x : List.of(s, p)) {
                if (s.pool.equals(x.servedBy) && x.mode != UserMode.SIGNED_OUT) {
                    move(x, UserMode.SIGNED_OUT, null, "pool " + s.pool + " is down", now, ev);
                    ev.add(new NotReplicated(now, Where.pool(x.site, x.pool), "call park",
                            "calls parked on " + s.pool + " when it failed are disconnected [L14]"));
                }
            }
            if (s.servedBy == null && s.state != DrState.FAILED_OVER && s.state != DrState.FAILING_OVER) {
                s.relogonDueMs = now.emulatedMs() + settings.registrarFailureDetectionMs();
                if (settings.autoFailover()) s.autoFailoverDueMs = now.emulatedMs() + settings.autoFailoverAfterMs();
            }
            s.returnHomeDueMs = -1;
        } else {
            s.downSinceMs = -1;
            s.relogonDueMs = -1;
            s.autoFailoverDueMs = -1;
            boolean first = !s.everUp;
            s.everUp = true;
            if (s.state == DrState.ACTIVE || s.state == DrState.FAILED_BACK) {
                if (s.servedBy == null) {
                    move(s, backEndMode(s, now), s.pool, first ? "signed in to home pool " + s.pool
                            : "home pool " + s.pool + " is back", now, ev);
                } else if (!s.servedBy.equals(s.pool)) {
                    s.returnHomeDueMs = now.emulatedMs() + settings.registrarFailbackDetectionMs();
                }
            }
            // partner's users failed over here were signed out while this pool was down: they come back,
            // in Resiliency mode until the failover completes [S4]
            if (s.pool.equals(failedOverTo(p)) && p.mode == UserMode.SIGNED_OUT) {
                if (p.state == DrState.FAILED_OVER) {
                    move(p, UserMode.NORMAL, s.pool, "backup pool " + s.pool + " is back", now, ev);
                } else if (settings.relogon() == DrSettings.Relogon.REDIRECT) {
                    move(p, UserMode.RESILIENCY, s.pool, "backup pool " + s.pool + " is back; failover still running", now, ev);
                }
            } else if (!p.up && p.downSinceMs >= 0 && p.mode == UserMode.SIGNED_OUT && p.relogonDueMs < 0
                    && (p.state == DrState.ACTIVE || p.state == DrState.FAILED_BACK)
                    && settings.relogon() == DrSettings.Relogon.REDIRECT) {
                // the partner's failure-detection timer expired while this pool was down too
                move(p, UserMode.RESILIENCY, s.pool, "backup Registrar " + s.pool + " is back", now, ev);
            }
        }
        return ev;
    }

    /**
     * Whether any Director pool can be reached (spec §6.3: SRV records point at every site's Directors).
     * Where the topology has Director pools, clients sign in through one: with none up, signed-out users
     * stay signed out until one returns. Users already signed in keep their sessions.
     */
    public List<FailoverEvent> setDirectorsReachable(boolean reachable, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        if (directorsReachable == reachable) return ev;
        directorsReachable = reachable;
        if (reachable) {
            for (Side s : List.of(a, b)) {
                Object[] p = s.pendingSignIn;
                s.pendingSignIn = null;
                if (p != null && s.mode == UserMode.SIGNED_OUT) {
                    move(s, (UserMode) p[0], (String) p[1], p[2] + ", signed in via a Director", now, ev);
                }
            }
        }
        return ev;
    }

    public boolean directorsReachable() { return directorsReachable; }

    /**
     * The active CMS master moved to {@code master} (null: outside this pair). In disaster mode the changes the
     * old master had not yet replicated are lost and reported; a planned failover replicated them first.
     */
    public List<FailoverEvent> cmsMaster(String master, boolean disaster, Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        ReplicationDirection old = backup.cms();
        if (old != null && disaster) {
            List<WriteRecord> lost = old.cutOff();
            if (!lost.isEmpty()) {
                Side s = side(old.source());
                ev.add(new DataLost(now, Where.pool(s.site, s.pool), lost.size(), lost.get(0).emulatedMs(),
                        lost.get(lost.size() - 1).emulatedMs(), "disaster-mode CMS failover: configuration changes on "
                        + old.source() + " not yet replicated to the standby CMS"));
            }
        }
        backup.cmsMaster(master != null && contains(master) ? master : null, now.emulatedMs());
        return ev;
    }

    /** A configuration change was published to the CMS (replicated one way, master to standby). */
    public void cmsChanged(Time now) {
        backup.cmsChanged(now.emulatedMs());
    }

    /** Ships whatever waits now (a planned CMS failover waits for replication to complete). */
    public List<FailoverEvent> syncNow(Time now, boolean linkUp) {
        return syncNow(now, SiteLink.of(linkUp));
    }

    /** {@link #syncNow(Time, boolean)} over the site link between the pair's sites in its condition {@code link}. */
    /** Replication that could not run resumes now that both pools run and the link carries ({@link BackupService#catchUp}). */
    public List<FailoverEvent> catchUp(Time now, SiteLink link) {
        return backup.catchUp(now, a.up, b.up, link);
    }

    public List<FailoverEvent> syncNow(Time now, SiteLink link) {
        return backup.syncNow(now, a.up, b.up, link);
    }

    /** The back end of a pool became unavailable or available again. */
    public List<FailoverEvent> backEndAvailable(String pool, boolean available, Time now) {
        Side s = side(pool);
        List<FailoverEvent> ev = new ArrayList<>();
        if (s.backEndDown == !available) return ev;
        s.backEndDown = !available;
        s.backEndDownSinceMs = available ? -1 : now.emulatedMs();
        if (available && s.mode == UserMode.RESILIENCY && s.pool.equals(s.servedBy)) {
            move(s, UserMode.NORMAL, s.pool, "back end of " + s.pool + " available again", now, ev);
        }
        return ev;
    }

    private UserMode backEndMode(Side s, Time now) {
        return s.backEndDown && now.emulatedMs() - s.backEndDownSinceMs >= settings.backEndUnavailableThresholdMs()
                ? UserMode.RESILIENCY : UserMode.NORMAL;
    }

    // ------------------------------------------------------------------ timers

    /** When the next timed transition is due, or -1. */
    public long nextDueMs() {
        long due = backup.nextDueMs();
        for (Side s : List.of(a, b)) {
            for (long t : new long[] {s.relogonDueMs, s.returnHomeDueMs, s.failoverDueMs, s.failbackDueMs, s.autoFailoverDueMs,
                    s.backEndDownSinceMs >= 0 && s.mode == UserMode.NORMAL && s.pool.equals(s.servedBy)
                            ? s.backEndDownSinceMs + settings.backEndUnavailableThresholdMs() : -1}) {
                if (t >= 0 && t < due) due = t;
            }
        }
        return due;
    }

    /** Pools whose automatic failover is due now (the caller runs it, with CMS and Edge steps first). */
    public List<String> autoFailoverDue(Time now) {
        List<String> due = new ArrayList<>();
        for (Side s : List.of(a, b)) {
            if (s.autoFailoverDueMs >= 0 && now.emulatedMs() >= s.autoFailoverDueMs) {
                s.autoFailoverDueMs = -1;
                if (!s.up && partner(s).up && (s.state == DrState.ACTIVE || s.state == DrState.FAILED_BACK)) due.add(s.pool);
            }
        }
        return due;
    }

    /** Runs every timed transition due at {@code now}: Backup Service syncs, Registrar timers, failover ends. */
    public List<FailoverEvent> tick(Time now, boolean linkUp) {
        return tick(now, SiteLink.of(linkUp));
    }

    /**
     * {@link #tick(Time, boolean)} with the site link between the pair's sites in its condition {@code link}
     * ({@link SiteLinks}): it only affects the Backup Service. A cut link is no pool failure: it starts no
     * Registrar timer and no automatic failover (those follow {@link #poolServing} only).
     */
    public List<FailoverEvent> tick(Time now, SiteLink link) {
        List<FailoverEvent> ev = new ArrayList<>(backup.tick(now, a.up, b.up, link));
        long t = now.emulatedMs();
        for (Side s : List.of(a, b)) {
            Side p = partner(s);
            if (s.relogonDueMs >= 0 && t >= s.relogonDueMs) {
                s.relogonDueMs = -1;
                if (s.mode == UserMode.SIGNED_OUT && p.up && settings.relogon() == DrSettings.Relogon.REDIRECT) {
                    move(s, UserMode.RESILIENCY, p.pool, "Registrar failure detection (" + settings.registrarFailureDetectionMs() / 1000
                            + " s) expired: backup Registrar " + p.pool, now, ev);
                }
            }
            if (s.returnHomeDueMs >= 0 && t >= s.returnHomeDueMs) {
                s.returnHomeDueMs = -1;
                if (s.up && (s.state == DrState.ACTIVE || s.state == DrState.FAILED_BACK) && !s.pool.equals(s.servedBy)) {
                    move(s, UserMode.NORMAL, s.pool, "Registrar failback detection (" + settings.registrarFailbackDetectionMs() / 1000
                            + " s): home pool " + s.pool + " is back", now, ev);
                }
            }
            if (s.failoverDueMs >= 0 && t >= s.failoverDueMs) {
                s.failoverDueMs = -1;
                completeFailover(s, now, ev);
            }
            if (s.failbackDueMs >= 0 && t >= s.failbackDueMs) {
                s.failbackDueMs = -1;
                completeFailback(s, now, ev);
            }
            if (s.backEndDownSinceMs >= 0 && s.mode == UserMode.NORMAL && s.pool.equals(s.servedBy)
                    && t - s.backEndDownSinceMs >= settings.backEndUnavailableThresholdMs()) {
                move(s, UserMode.RESILIENCY, s.pool, "back end unavailable for "
                        + settings.backEndUnavailableThresholdMs() / 60_000 + " min (BackupStoreUnavailableThreshold)", now, ev);
            }
        }
        return ev;
    }

    // ------------------------------------------------------------------ admin verbs

    /**
     * {@code Invoke-CsPoolFailover -PoolFQDN home [-DisasterMode]} [P2][S11]: fails the home pool's users over
     * to its partner. Normal mode makes the home pool read-only and ships a final sync, losing nothing;
     * disaster mode loses what the Backup Service had not shipped, and reports it.
     */
    public AdminResult failover(String home, boolean disaster, boolean linkUp, Time now) {
        return failover(home, disaster, SiteLink.of(linkUp), now);
    }

    /**
     * {@link #failover(String, boolean, boolean, Time)} over the site link in its condition {@code link}: a
     * planned failover needs its final sync to reach the partner, so it is refused while the link is cut, and
     * takes the link's delay longer while it is slow. Disaster mode does not use the link.
     */
    public AdminResult failover(String home, boolean disaster, SiteLink link, Time now) {
        String verb = "failover-pool";
        Side s = side(home);
        Side p = partner(s);
        Where w = Where.pool(s.site, s.pool);
        if (s.state == DrState.FAILING_OVER || s.state == DrState.FAILED_OVER) {
            return refused(now, w, verb, "pool " + home + " is already " + s.state.label());
        }
        if (p.state == DrState.FAILING_OVER || p.state == DrState.FAILED_OVER) {
            return refused(now, w, verb, p.pool + "'s users are failed over to " + s.pool + ": fail them back before failing over "
                    + s.pool + "'s users (order rule [S13])");
        }
        if (!p.up) return refused(now, w, verb, "backup pool " + p.pool + " is not running");
        if (!disaster && !s.up) {
            return refused(now, w, verb, "pool " + home + " is unreachable: a failover without disaster mode needs it up (use disaster)");
        }
        if (!disaster && !link.carries()) {
            return refused(now, w, verb, "the site link " + s.site + " <-> " + p.site + " is cut: the final sync of a planned failover"
                    + " cannot reach " + p.pool + " (heal the link, or use disaster mode and lose what was not shipped)");
        }
        List<FailoverEvent> ev = new ArrayList<>();
        setState(s, DrState.FAILING_OVER, disaster ? "disaster mode" : "planned: source read-only, final sync", now, ev);
        s.relogonDueMs = -1;
        s.autoFailoverDueMs = -1;
        s.failoverDisaster = disaster;
        s.failoverStartedMs = now.emulatedMs();
        ReplicationDirection out = backup.from(s.pool);
        if (disaster) {
            List<WriteRecord> lost = out.cutOff();
            lossWindows.add(new io.poolpair.model.history.LossWindow(io.poolpair.model.history.LossWindow.DISASTER_FAILOVER,
                    s.pool, null, -1, out.lastCompletedSyncMs(), now.emulatedMs(), lost));
            // the partner's copy is the one users read from now on; the home copy will be resynced from it, so
            // the unshipped writes do not come back when the pool does
            data.replace(s.pool, p.pool, s.pool);
            if (!lost.isEmpty()) {
                lostWrites.addAll(lost);
                ev.add(new DataLost(now, w, lost.size(), lost.get(0).emulatedMs(), lost.get(lost.size() - 1).emulatedMs(),
                        "disaster-mode failover: writes of " + s.pool + " after the last completed Backup Service sync ("
                                + out.lastCompletedSyncMs() / 1000 + " s emulated) never reached " + p.pool));
            }
        } else {
            out.setSourceReadOnly(true);
            ev.addAll(backup.syncNow(now, a.up, b.up, link));
        }
        if (s.mode == UserMode.SIGNED_OUT && settings.relogon() == DrSettings.Relogon.REDIRECT) {
            move(s, UserMode.RESILIENCY, p.pool, "admin started failover", now, ev);
        }
        // a planned failover waits for its final sync, which a slow link delays
        s.failoverDueMs = now.emulatedMs() + settings.poolFailoverMs() + (disaster ? 0 : link.delayMs());
        return AdminResult.done(ev, "failover of " + home + "'s users to " + p.pool + " started ("
                + (disaster ? "disaster mode" : "planned") + ")");
    }

    private void completeFailover(Side s, Time now, List<FailoverEvent> ev) {
        Side p = partner(s);
        if (s.failoverDisaster) {
            // a home pool still running kept acknowledging its users' writes while the failover ran: the Backup
            // Service no longer ships them, so they are lost too, in a window from the failover's start
            ReplicationDirection out = backup.from(s.pool);
            List<WriteRecord> late = out.cutOff();
            lossWindows.add(new io.poolpair.model.history.LossWindow(io.poolpair.model.history.LossWindow.DISASTER_FAILOVER,
                    s.pool, null, -1, s.failoverStartedMs, now.emulatedMs(), late));
            if (!late.isEmpty()) {
                lostWrites.addAll(late);
                ev.add(new DataLost(now, Where.pool(s.site, s.pool), late.size(), late.get(0).emulatedMs(),
                        late.get(late.size() - 1).emulatedMs(), "disaster-mode failover: writes " + s.pool
                                + " acknowledged while the failover ran never reached " + p.pool));
            }
            data.replace(s.pool, p.pool, s.pool);
        }
        if (!p.up) {
            setState(s, DrState.FAILED_OVER, "backup pool " + p.pool + " went down during failover: users stay signed out", now, ev);
            return;
        }
        setState(s, DrState.FAILED_OVER, "users served by " + p.pool, now, ev);
        move(s, UserMode.NORMAL, p.pool, "failover complete", now, ev);
        s.lisRestored = false;
        s.responseGroupsImported = false;
        ev.add(new NotReplicated(now, Where.pool(p.site, p.pool), "Location Information Server",
                "the LIS database on " + p.pool + " is empty until restored from backup (restore-lis) [S4]"));
        ev.add(new NotReplicated(now, Where.pool(p.site, p.pool), "Response Group",
                "Response Groups of " + s.pool + " do not work on " + p.pool + " until imported (import-response-groups) [L13]"));
    }

    /**
     * {@code Invoke-CsPoolFailback -PoolFQDN home} [P3][S11]: users go home through Resiliency mode, then get
     * full service there; conferences they organized end and must be rejoined.
     */
    public AdminResult failback(String home, boolean disaster, boolean linkUp, Time now) {
        return failback(home, disaster, SiteLink.of(linkUp), now);
    }

    /**
     * {@link #failback(String, boolean, boolean, Time)} over the site link in its condition {@code link}: a
     * failback ships a last sync both ways, so with the backup pool up it is refused while the link is cut,
     * and takes the link's delay longer while it is slow.
     */
    public AdminResult failback(String home, boolean disaster, SiteLink link, Time now) {
        String verb = "failback-pool";
        Side s = side(home);
        Side p = partner(s);
        Where w = Where.pool(s.site, s.pool);
        if (s.state != DrState.FAILED_OVER) {
            return refused(now, w, verb, "pool " + home + " is " + s.state.label() + ", not FailedOver");
        }
        if (s.failbackDueMs >= 0) return refused(now, w, verb, "a failback of " + home + " is already running");
        if (!s.up) return refused(now, w, verb, "home pool " + home + " is not running yet");
        if (!p.up && !disaster) {
            return refused(now, w, verb, "backup pool " + p.pool + " is down: use disaster mode (what its users made there is lost)");
        }
        if (p.up && !link.carries()) {
            return refused(now, w, verb, "the site link " + s.site + " <-> " + p.site + " is cut: the last sync of a failback cannot"
                    + " cross it (heal the link first)");
        }
        List<FailoverEvent> ev = new ArrayList<>();
        ReplicationDirection back = backup.from(p.pool);
        if (!p.up) {
            List<WriteRecord> lost = new ArrayList<>();
            for (WriteRecord r : back.cutOff()) {
                // only the failed-over users' writes are lost; the backup pool's own users' writes stay on it
                if (r.homePool().equals(s.pool)) lost.add(r);
                else back.record(r);
            }
            lossWindows.add(new io.poolpair.model.history.LossWindow(io.poolpair.model.history.LossWindow.DISASTER_FAILBACK,
                    p.pool, s.pool, -1, back.lastCompletedSyncMs(), now.emulatedMs(), lost));
            // the home copy is the one users read again; the partner's copy is resynced from it
            data.replace(s.pool, s.pool, p.pool);
            if (!lost.isEmpty()) {
                lostWrites.addAll(lost);
                ev.add(new DataLost(now, w, lost.size(), lost.get(0).emulatedMs(), lost.get(lost.size() - 1).emulatedMs(),
                        "disaster-mode failback: writes of " + s.pool + "'s users on " + p.pool + " not yet shipped home"));
            }
        } else {
            ev.addAll(backup.syncNow(now, a.up, b.up, link));
        }
        backup.from(s.pool).setSourceReadOnly(false);
        move(s, UserMode.RESILIENCY, s.pool, "failback: moved home in Resiliency mode", now, ev);
        ev.add(new NotReplicated(now, w, "conferences", "conferences organized by " + s.pool
                + "'s users end; participants must rejoin after failback [S4]"));
        long per = settings.failbackPer20000UsersMs();
        s.failbackDueMs = now.emulatedMs() + Math.max(per / 20, Math.round(per * (s.users / 20_000.0))) + (p.up ? link.delayMs() : 0);
        return AdminResult.done(ev, "failback of " + home + " started (about " + (s.failbackDueMs - now.emulatedMs()) / 1000
                + " s emulated for " + s.users + " users)");
    }

    private void completeFailback(Side s, Time now, List<FailoverEvent> ev) {
        setState(s, DrState.FAILED_BACK, "users home", now, ev);
        if (s.up) move(s, UserMode.NORMAL, s.pool, "failback complete", now, ev);
    }

    /** {@code Invoke-CsBackupServiceSync -BackupModule ConfServices.DataConf}: conference content copied home. */
    public AdminResult syncConferenceContent(String home, Time now) {
        Side s = side(home);
        Side p = partner(s);
        if (!s.up || !p.up) {
            return refused(now, Where.pool(s.site, s.pool), "sync-conference-content", "both " + s.pool + " and " + p.pool + " must be running");
        }
        long n = backup.copyContentHome(s.pool);
        return AdminResult.done(List.of(), n + " conference content items copied from " + p.pool + " to " + s.pool);
    }

    /** Restores the LIS database on the pool serving failed-over users. */
    public AdminResult restoreLis(String home, Time now) {
        Side s = side(home);
        s.lisRestored = true;
        return AdminResult.done(List.of(), "LIS data of " + s.pool + " restored on " + (s.servedBy == null ? s.pool : s.servedBy));
    }

    public AdminResult importResponseGroups(String home, Time now) {
        Side s = side(home);
        s.responseGroupsImported = true;
        return AdminResult.done(List.of(), "Response Groups of " + s.pool + " imported on " + (s.servedBy == null ? s.pool : s.servedBy));
    }

    // ------------------------------------------------------------------ users' operations

    /** What happened to one operation. */
    public record Outcome(boolean ok, String servedBy, String refusal, WriteRecord write) {}

    /**
     * A user of {@code home} tries an operation: refused by the user's mode (Resiliency matrix), by a pool
     * that is read-only during a planned failover, or accepted; persistent writes are recorded for the
     * Backup Service.
     */
    public Outcome attempt(String home, int user, Operation op, Time now) {
        Outcome admitted = admit(home, op);
        if (!admitted.ok() || !op.persistentWrite()) return admitted;
        return new Outcome(true, admitted.servedBy(), null, acknowledged(home, user, admitted.servedBy(), op, now));
    }

    /** What the Backup Service does not carry (spec §3.2, §8 item 18), as users of a failed-over pool meet it. */
    private ResiliencyMatrix.Decision notReplicated(Side s, Operation op, ResiliencyMatrix.Decision d) {
        if (!d.allowed() || s.servedBy == null || s.servedBy.equals(s.pool)) return d;
        if (op == Operation.RESPONSE_GROUP_CALL && !s.responseGroupsImported) {
            return new ResiliencyMatrix.Decision(false, "Response Groups not imported on " + s.servedBy + " [L13]");
        }
        if (op == Operation.EMERGENCY_CALL && !s.lisRestored) {
            return new ResiliencyMatrix.Decision(false, "no caller location: the LIS database on " + s.servedBy
                    + " is empty until restored [S4]");
        }
        return d;
    }

    private static void countRefusal(Side s, Operation op, String reason) {
        s.refused.computeIfAbsent(s.mode, m -> new LinkedHashMap<>()).merge(op.label(), 1, Integer::sum);
        s.reasons.put(op.label(), reason);
    }

    /**
     * The first half of an operation when its persistent write goes through the serving pool's Front Ends:
     * may the user try it now? Refusals by mode (or by a read-only pool) are counted; when allowed, the
     * caller sends the write to {@link #servedBy} and reports the answer with {@link #acknowledged} or
     * {@link #refusedByPool}.
     */
    public Outcome admit(String home, Operation op) {
        Side s = side(home);
        ResiliencyMatrix.Decision d = notReplicated(s, op, ResiliencyMatrix.decide(s.mode, op));
        if (!d.allowed()) {
            countRefusal(s, op, d.reason());
            return new Outcome(false, s.servedBy, d.reason(), null);
        }
        if (op.persistentWrite() && backup.from(s.servedBy).sourceReadOnly()) {
            String why = "pool " + s.servedBy + " is read-only during a planned failover";
            countRefusal(s, op, why);
            return new Outcome(false, s.servedBy, why, null);
        }
        return new Outcome(true, s.servedBy, null, null);
    }

    /**
     * A write the Front Ends of {@code servedBy} acknowledged (a majority of its routing group's replicas hold
     * it): it now waits for the Backup Service. Null if the user has meanwhile moved and the pool no longer
     * serves them, or the pool turned read-only.
     */
    public WriteRecord acknowledged(String home, int user, String servedBy, Operation op, Time now) {
        return acknowledged(home, user, servedBy, op, now, newWriteId());
    }

    /** A fresh write id (ids rise with time). */
    public long newWriteId() { return nextWriteId++; }

    /**
     * {@link #acknowledged(String, int, String, Operation, Time)} for a write whose id the caller chose with
     * {@link #newWriteId()}: the write joins the serving pool's copy of the user's data and waits for the
     * Backup Service.
     */
    public WriteRecord acknowledged(String home, int user, String servedBy, Operation op, Time now, long id) {
        Side s = side(home);
        if (!servedBy.equals(s.servedBy)) return null;
        WriteRecord w = new WriteRecord(id, user, s.pool, servedBy, now.emulatedMs());
        if (!backup.from(servedBy).record(w)) return null;
        data.add(s.pool, servedBy, user, id);
        if (op == Operation.SCHEDULE_MEETING) backup.contentWritten(servedBy, s.pool);
        return w;
    }

    /** A write the serving pool's Front Ends refused (e.g. its routing group is in quorum loss). */
    public void refusedByPool(String home, Operation op, String reason) {
        countRefusal(side(home), op, reason);
    }

    /** The refusals counted since the last call, as one event per pool and mode (counts and reasons by operation). */
    public List<FailoverEvent> drainRefusals(Time now) {
        List<FailoverEvent> ev = new ArrayList<>();
        for (Side s : List.of(a, b)) {
            for (Map.Entry<UserMode, Map<String, Integer>> e : s.refused.entrySet()) {
                Map<String, String> why = new LinkedHashMap<>();
                for (String op : e.getValue().keySet()) why.put(op, s.reasons.get(op));
                ev.add(new OperationsRefused(now, Where.pool(s.site, s.pool), e.getKey().label(), e.getValue(), why));
            }
            s.refused.clear();
            s.reasons.clear();
        }
        return ev;
    }

    // ------------------------------------------------------------------ queries

    public DrState state(String pool) { return side(pool).state; }

    public UserMode mode(String pool) { return side(pool).mode; }

    /** The pool serving {@code home}'s users now, or null. */
    public String servedBy(String home) { return side(home).servedBy; }

    public boolean isUp(String pool) { return side(pool).up; }

    public int users(String pool) { return side(pool).users; }

    public BackupService backup() { return backup; }

    public String poolA() { return a.pool; }

    public String poolB() { return b.pool; }

    public String partnerOf(String pool) { return partner(side(pool)).pool; }

    public boolean contains(String pool) { return a.pool.equals(pool) || b.pool.equals(pool); }

    public boolean lisRestored(String home) { return side(home).lisRestored; }

    /** Every write a failover, failback or QuorumLossRecovery lost, oldest first within each. */
    public List<WriteRecord> lostWrites() { return List.copyOf(lostWrites); }

    /**
     * QuorumLossRecovery in {@code window.pool()} reloaded routing groups from the back end: the writes it
     * dropped leave that pool's copy of their users' data and will not be shipped.
     */
    public void lostInPool(io.poolpair.model.history.LossWindow window) {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (WriteRecord r : window.lost()) {
            if (!contains(r.homePool())) continue;
            data.remove(r.homePool(), window.pool(), r.user(), r.id());
            ids.add(r.id());
            lostWrites.add(r);
        }
        backup.from(window.pool()).forget(ids);
    }

    /** The loss windows a disaster-mode failover or failback declared since the last call. */
    public List<io.poolpair.model.history.LossWindow> drainLossWindows() {
        List<io.poolpair.model.history.LossWindow> out = List.copyOf(lossWindows);
        lossWindows.clear();
        return out;
    }

    /** The pool whose copy of {@code home}'s users' data they read now (where they are, or would be, served). */
    public String readLocation(String home) {
        Side s = side(home);
        // the users' data lives in the home pool's copy until a failover moves it: users in Resiliency mode on the
        // partner only borrow its Registrar (what the home pool acknowledged still waits there for the Backup Service)
        boolean moved = s.state == DrState.FAILING_OVER || (s.state == DrState.FAILED_OVER && s.failbackDueMs < 0);
        return moved ? partner(s).pool : s.pool;
    }

    /** The final read: the ids of {@code user}'s writes in the copy they read, ascending. */
    public long[] read(String home, int user) {
        return data.read(home, readLocation(home), user);
    }

    /** The users of {@code home} with any write, ascending. */
    public java.util.SortedSet<Integer> usersWithData(String home) {
        return data.users(home);
    }

    public DrSettings settings() { return settings; }

    // ------------------------------------------------------------------ internals

    private String failedOverTo(Side s) {
        return s.state == DrState.FAILED_OVER || s.state == DrState.FAILING_OVER ? partner(s).pool : null;
    }

    private void move(Side s, UserMode to, String servedBy, String reason, Time now, List<FailoverEvent> ev) {
        if (to == UserMode.SIGNED_OUT) s.pendingSignIn = null;
        if (s.mode == UserMode.SIGNED_OUT && to != UserMode.SIGNED_OUT && !directorsReachable) {
            // clients sign in through a Director where the topology has them; with none reachable they wait
            s.pendingSignIn = new Object[] {to, servedBy, reason};
            return;
        }
        if (s.mode == to && java.util.Objects.equals(s.servedBy, servedBy)) return;
        UserMode from = s.mode;
        s.mode = to;
        s.servedBy = to == UserMode.SIGNED_OUT ? null : servedBy;
        ev.add(new UsersMoved(now, Where.pool(s.site, s.pool), s.users, from.label(), to.label(), s.servedBy, reason));
    }

    private void setState(Side s, DrState to, String detail, Time now, List<FailoverEvent> ev) {
        DrState from = s.state;
        s.state = to;
        ev.add(new PoolFailoverState(now, Where.pool(s.site, s.pool), from.label(), to.label(), detail));
    }

    private static AdminResult refused(Time now, Where w, String verb, String reason) {
        return AdminResult.refused(new AdminVerbRefused(now, w, verb, reason));
    }

    private Side side(String pool) {
        if (a.pool.equals(pool)) return a;
        if (b.pool.equals(pool)) return b;
        throw new IllegalArgumentException("pool " + pool + " is not in pair " + a.pool + "/" + b.pool);
    }

    private Side partner(Side s) { return s == a ? b : a; }
}
