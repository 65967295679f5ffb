package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;
import io.poolpair.model.event.FailoverEvent.BackupState;
import io.poolpair.model.event.FailoverEvent.NotReplicated;
import io.poolpair.model.event.FailoverEvent.OperationsRefused;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.model.event.Where;
import io.poolpair.model.frontend.AdminResult;
import io.poolpair.model.history.LossWindow;
import io.poolpair.model.time.Time;

import java.util.ArrayList;
import java.util.List;

/**
 * One Front End pool's half of a pool pair in a multi-node run, as its own site sees it: where its users are served,
 * whether it hosts its partner's users, and how far each direction of the Backup Service has got. The two halves run
 * in different sites (different data centers of the cluster) and know each other only by messages, so every rule
 * here is decided from what this half has heard: a partner that does not answer may be down, or cut off.
 *
 * <p>The rules (docs/cluster.md, "Pool pairs across sites"):
 * <ul>
 *   <li>The Backup Service ships the writes of this pool's users that the pool acknowledged to the partner, every
 *       sync interval; the partner acknowledges once its site's back end holds them. Unacknowledged writes are
 *       shipped again at the next sync (a cut link backs up, then catches up).</li>
 *   <li>{@code failover-pool P} runs at P's partner. When P answers, the failover is planned: P stops its users,
 *       hands over everything it holds, and nothing is lost. When P does not answer, only a disaster failover
 *       ({@code disaster=true}, SfB's {@code -DisasterMode}) goes ahead: what P acknowledged after the last snapshot
 *       its partner holds is lost, and a loss window says so.</li>
 *   <li>{@code failback-pool P} runs at the partner that hosts P's users, and needs P to answer: the users' writes
 *       made meanwhile go back to P first.</li>
 *   <li>No automatic failover unless the policy is on ({@code poolpair.dr.auto-failover}); with it, a partner silent
 *       for {@code auto-failover-after} is failed over in disaster mode.</li>
 * </ul>
 */
public final class PairHalf {

    private final String pool;
    private final String site;
    private final String partner;
    private final String partnerSite;
    private final int users;
    private final int partnerUsers;
    private final long flushIntervalMs;
    /** Whether this pool's users are served here (false while they are failed over to the partner). */
    private boolean usersHere = true;
    /** Whether this pool hosts its partner's users (the partner is failed over here). */
    private boolean hostingPartner;
    /** Emulated time of the newest snapshot of this pool's data the partner acknowledged, or -1. */
    private long shippedAsOfMs = -1;
    /** Emulated time of the newest snapshot of the partner's data this site's back end holds, or -1. */
    private long receivedAsOfMs = -1;
    private boolean backlog;
    private final List<LossWindow> windows = new ArrayList<>();
    /** While hosting the partner's users: whether its LIS data and its Response Groups are on this pool [S4][L13]. */
    private boolean lisRestored = true;
    private boolean responseGroupsImported = true;
    /** Conference content the partner's users made here while hosted: only sync-conference-content takes it home [S12]. */
    private long guestContent;
    /** The hosted users' operations refused since the last drain, by operation, and why. */
    private final java.util.Map<String, Integer> refused = new java.util.TreeMap<>();
    private final java.util.Map<String, String> reasons = new java.util.TreeMap<>();
    /** Emulated time this half last heard from its partner (a ship, an acknowledgement, a hand-over). */
    private long lastHeardMs;
    /** The {@link #lastHeardMs} the automatic policy last acted on, or -1. */
    private long autoFiredFor = -1;

    public PairHalf(String pool, String site, int users, String partner, String partnerSite, int partnerUsers, long flushIntervalMs) {
        this.pool = pool;
        this.site = site;
        this.users = users;
        this.partner = partner;
        this.partnerSite = partnerSite;
        this.partnerUsers = partnerUsers;
        this.flushIntervalMs = flushIntervalMs;
    }

    public String pool() { return pool; }

    public String partner() { return partner; }

    public boolean usersHere() { return usersHere; }

    public boolean hostingPartner() { return hostingPartner; }

    public long shippedAsOfMs() { return shippedAsOfMs; }

    public long receivedAsOfMs() { return receivedAsOfMs; }

    public boolean backlog() { return backlog; }

    /** SfB's PoolState of this pool, as this half knows it. */
    public String poolState() { return usersHere ? "Active" : "FailedOver"; }

    // ------------------------------------------------------------------ Backup Service

    /** The partner acknowledged a snapshot taken at {@code asOfMs}: the direction is steady again if it was not. */
    public List<FailoverEvent> shipAcknowledged(long asOfMs, Time now) {
        shippedAsOfMs = Math.max(shippedAsOfMs, asOfMs);
        if (!backlog) return List.of();
        backlog = false;
        return List.of(new BackupState(now, Where.pool(site, pool), pool, partner, "user data", "steady",
                Math.max(0, now.emulatedMs() - shippedAsOfMs), 0));
    }

    /**
     * A sync is due and the previous one is still not acknowledged ({@code pending} writes wait): the direction is in
     * backlog (the partner is down or cut off). Reported once per backlog.
     */
    public List<FailoverEvent> shipOverdue(int pending, Time now) {
        if (backlog) return List.of();
        backlog = true;
        return List.of(new BackupState(now, Where.pool(site, pool), pool, partner, "user data", "backlog",
                shippedAsOfMs < 0 ? 0 : now.emulatedMs() - shippedAsOfMs, pending));
    }

    /** This site's back end now holds the partner's snapshot taken at {@code asOfMs}. */
    public void received(long asOfMs) {
        receivedAsOfMs = Math.max(receivedAsOfMs, asOfMs);
    }

    // ------------------------------------------------------------------ the automatic policy

    /** The partner was heard from at {@code nowMs} (emulated). */
    public void heard(long nowMs) { lastHeardMs = Math.max(lastHeardMs, nowMs); }

    /** Emulated ms since the partner was last heard from. */
    public long silentForMs(long nowMs) { return nowMs - lastHeardMs; }

    /**
     * The automatic failover policy (off by default; SfB has none): whether to fail the partner over now, in disaster
     * mode, because it has been silent for {@code afterMs}. Once per silence: the partner must be heard again before
     * it is due again (a refused step is not retried). Never while this pool's own users are away or it already hosts
     * the partner's.
     */
    public boolean autoFailoverDue(long nowMs, long afterMs) {
        if (hostingPartner || !usersHere || silentForMs(nowMs) < afterMs || autoFiredFor == lastHeardMs) return false;
        autoFiredFor = lastHeardMs;
        return true;
    }

    // ------------------------------------------------------------------ failover and failback

    /** May {@code failover-pool home} run here? A refusal, or null when it may (the partner is asked next). */
    public AdminResult checkFailover(String home, boolean localRunning, Time now) {
        if (!home.equals(partner)) return refuse("failover-pool", home + " is not the partner of " + pool + " (" + partner + " is)", now);
        if (hostingPartner) return refuse("failover-pool", home + " is already failed over to " + pool, now);
        if (!usersHere) return refuse("failover-pool", pool + "'s own users are failed over to " + home + ": fail them back first", now);
        if (!localRunning) return refuse("failover-pool", pool + " is not running: it cannot take " + home + "'s users", now);
        return null;
    }

    /** The partner did not answer: a disaster failover goes ahead only when asked for. */
    public AdminResult partnerSilent(String verb, boolean disaster, Time now) {
        if (disaster && verb.equals("failover-pool")) return null;
        return refuse(verb, partner + " does not answer (its site is down or cut off from " + site + ")"
                + (verb.equals("failover-pool") ? ": a failover without it is a disaster failover: add disaster=true"
                + " (Invoke-CsPoolFailover -DisasterMode)" : ": it must run and be reachable before its users go back"), now);
    }

    /**
     * The partner's users are served here now. {@code planned}: it handed everything over; otherwise (disaster) what
     * it acknowledged after the newest snapshot this site holds is lost: the loss window returned says from when.
     */
    public AdminResult failedOver(boolean planned, Time now) {
        hostingPartner = true;
        List<FailoverEvent> ev = new ArrayList<>();
        ev.add(new PoolFailoverState(now, Where.pool(partnerSite, partner), "Active", "FailedOver",
                planned ? "planned: " + partner + " handed its users' data to " + pool
                        : "disaster: " + partner + " did not answer; its writes after the last snapshot " + pool + " holds are lost"));
        ev.add(new UsersMoved(now, Where.pool(partnerSite, partner), partnerUsers, "normal", "normal", pool, "failover-pool"));
        lisRestored = false;
        responseGroupsImported = false;
        guestContent = 0;
        ev.add(new NotReplicated(now, Where.pool(site, pool), "Location Information Server",
                "the LIS database on " + pool + " is empty until restored from backup (restore-lis) [S4]"));
        ev.add(new NotReplicated(now, Where.pool(site, pool), "Response Group",
                "Response Groups of " + partner + " do not work on " + pool + " until imported (import-response-groups) [L13]"));
        if (!planned) {
            // a write is in a snapshot once flushed: those acknowledged up to a flush interval before it may be missing
            long from = receivedAsOfMs < 0 ? 0 : Math.max(0, receivedAsOfMs - 2 * flushIntervalMs);
            windows.add(new LossWindow(LossWindow.DISASTER_FAILOVER, partner, partner, -1, from, now.emulatedMs(), List.of()));
        }
        return AdminResult.done(ev, partner + "'s " + partnerUsers + " users are served by " + pool
                + (planned ? " (planned: nothing lost)" : " (disaster mode: writes not yet replicated to " + pool + " are lost)"));
    }

    /** The partner took its users back (it holds what they wrote here meanwhile). */
    public AdminResult failedBack(Time now) {
        hostingPartner = false;
        List<FailoverEvent> ev = new ArrayList<>();
        ev.add(new PoolFailoverState(now, Where.pool(partnerSite, partner), "FailedOver", "FailedBack",
                pool + " handed the users' data written meanwhile back to " + partner));
        ev.add(new UsersMoved(now, Where.pool(partnerSite, partner), partnerUsers, "normal", "normal", partner, "failback-pool"));
        return AdminResult.done(ev, partner + "'s " + partnerUsers + " users are served by " + partner + " again");
    }

    /** May {@code failback-pool home} run here? A refusal, or null when it may (the partner is asked next). */
    public AdminResult checkFailback(String home, Time now) {
        if (!home.equals(partner)) return refuse("failback-pool", home + " is not the partner of " + pool + " (" + partner + " is)", now);
        if (!hostingPartner) return refuse("failback-pool", home + " is not failed over to " + pool, now);
        return null;
    }

    /**
     * The roles a previous incarnation of this half had (its singleton moved to another node): where this pool's
     * users are served and whether it hosts its partner's.
     */
    public void restore(boolean usersHere, boolean hostingPartner) {
        this.usersHere = usersHere;
        this.hostingPartner = hostingPartner;
    }

    /**
     * The same from {@link #roles()}'s text, with what the partner's users lack here (LIS, Response Groups) and the
     * conference content they made here.
     */
    public void restore(String roles) {
        java.util.Map<String, String> kv = new java.util.HashMap<>();
        for (String part : roles.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) kv.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        usersHere = Boolean.parseBoolean(kv.getOrDefault("usersHere", "true"));
        hostingPartner = Boolean.parseBoolean(kv.getOrDefault("hostingPartner", "false"));
        lisRestored = Boolean.parseBoolean(kv.getOrDefault("lisRestored", "true"));
        responseGroupsImported = Boolean.parseBoolean(kv.getOrDefault("responseGroupsImported", "true"));
        try {
            guestContent = Long.parseLong(kv.getOrDefault("guestContent", "0"));
        } catch (NumberFormatException e) {
            guestContent = 0;
        }
    }

    /** The roles, as {@link #restore(String)} takes them back: {@code usersHere=..;hostingPartner=..;...}. */
    public String roles() {
        return "usersHere=" + usersHere + ";hostingPartner=" + hostingPartner + ";lisRestored=" + lisRestored
                + ";responseGroupsImported=" + responseGroupsImported + ";guestContent=" + guestContent;
    }

    // ------------------------------------------------------------------ what the Backup Service does not carry

    /**
     * Why an operation of the partner's users, hosted here, is refused now (spec §3.2, §8 item 18): Response Group calls
     * until {@code import-response-groups}, emergency calls until {@code restore-lis}. Null when it may go ahead.
     */
    public String notReplicated(Operation op) {
        if (!hostingPartner) return null;
        if (op == Operation.RESPONSE_GROUP_CALL && !responseGroupsImported) return "Response Groups not imported on " + pool + " [L13]";
        if (op == Operation.EMERGENCY_CALL && !lisRestored) {
            return "no caller location: the LIS database on " + pool + " is empty until restored [S4]";
        }
        return null;
    }

    /** A hosted user's operation was refused by {@link #notReplicated}: counted for the next {@link #drainRefusals}. */
    public void refusedHosted(Operation op, String reason) {
        refused.merge(op.label(), 1, Integer::sum);
        reasons.put(op.label(), reason);
    }

    /** A hosted user's operation was acknowledged here: a meeting scheduled here is conference content made here [S12]. */
    public void hostedAcknowledged(Operation op) {
        if (hostingPartner && op == Operation.SCHEDULE_MEETING) guestContent++;
    }

    /** The hosted users' refusals since the last call, as one event (their pool, mode normal), or none. */
    public List<FailoverEvent> drainRefusals(Time now) {
        if (refused.isEmpty()) return List.of();
        List<FailoverEvent> ev = List.of(new OperationsRefused(now, Where.pool(partnerSite, partner), "normal", refused, reasons));
        refused.clear();
        reasons.clear();
        return ev;
    }

    /** {@code restore-lis home}, run at the home pool's partner: its users' emergency calls work where they are served. */
    public AdminResult restoreLis(String home, Time now) {
        if (!home.equals(partner)) return refuse("restore-lis", home + " is not the partner of " + pool + " (" + partner + " is)", now);
        lisRestored = true;
        return AdminResult.done(List.of(), "LIS data of " + home + " restored on " + (hostingPartner ? pool : home));
    }

    /** {@code import-response-groups home}, run at the home pool's partner. */
    public AdminResult importResponseGroups(String home, Time now) {
        if (!home.equals(partner)) {
            return refuse("import-response-groups", home + " is not the partner of " + pool + " (" + partner + " is)", now);
        }
        responseGroupsImported = true;
        return AdminResult.done(List.of(), "Response Groups of " + home + " imported on " + (hostingPartner ? pool : home));
    }

    /**
     * {@code sync-conference-content home}, run at the home pool's partner ({@code Invoke-CsBackupServiceSync -BackupModule
     * ConfServices.DataConf} [S12]): the content the home pool's users made here while failed over goes home. Both pools
     * must run: {@code bothRunning} says whether this pool runs and the home pool answered that it does.
     */
    public AdminResult syncConferenceContent(String home, boolean bothRunning, Time now) {
        if (!home.equals(partner)) {
            return refuse("sync-conference-content", home + " is not the partner of " + pool + " (" + partner + " is)", now);
        }
        if (!bothRunning) return refuse("sync-conference-content", "both " + home + " and " + pool + " must be running", now);
        long n = guestContent;
        guestContent = 0;
        return AdminResult.done(List.of(), n + " conference content items copied from " + pool + " to " + home);
    }

    /** A deployment precondition ({@link SiteServices#failoverPrecondition}) refuses {@code failover-pool}. */
    public AdminResult refuseFailover(String reason, Time now) {
        return refuse("failover-pool", reason, now);
    }

    /** This pool's users left for the partner (a planned failover asked for by the partner). */
    public void handedOver() { usersHere = false; }

    /** This pool's users are back (failback). */
    public void tookBack() { usersHere = true; }

    /** Loss windows declared since the last call. */
    public List<LossWindow> drainLossWindows() {
        List<LossWindow> out = List.copyOf(windows);
        windows.clear();
        return out;
    }

    private AdminResult refuse(String verb, String reason, Time now) {
        return AdminResult.refused(new AdminVerbRefused(now, Where.pool(site, pool), verb, reason));
    }
}
