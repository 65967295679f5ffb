package io.poolpair.app;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbStarted;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.PoolFailoverState;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.event.FailoverEvent.RunMarker;
import io.poolpair.model.event.FailoverEvent.UsersMoved;
import io.poolpair.runtime.journal.EventBus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run summary per act (a scenario note starting with "Act"): the users' outage (fault to full
 * service, or to re-primaried for an in-pool failover), the procedural RTO of admin failovers (first
 * verb to FailedOver, what SfB's 15-20 min target measures) and the writes lost beside the 5 min RPO.
 */
final class ActSummary {

    static final long POOL_RTO_TARGET_MS = 20 * 60_000L;
    static final long RPO_TARGET_MS = 5 * 60_000L;

    private ActSummary() {}

    static List<String> lines(List<FailoverEvent> events) {
        List<List<FailoverEvent>> acts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<FailoverEvent> current = null;
        for (FailoverEvent e : events) {
            if (e instanceof RunMarker m && m.marker().equals("note") && m.detail() != null && m.detail().startsWith("Act")) {
                current = new ArrayList<>();
                acts.add(current);
                int colon = m.detail().indexOf(':');
                names.add(colon > 0 ? m.detail().substring(0, colon) : m.detail());
            }
            if (current != null) current.add(e);
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < acts.size(); i++) out.add(names.get(i) + ": " + describe(acts.get(i)));
        return out;
    }

    private static String describe(List<FailoverEvent> act) {
        List<String> parts = new ArrayList<>();
        FailoverEvent fault = act.stream().filter(e -> e.type().equals("fault-injected")).findFirst().orElse(null);
        FailoverEvent signedOut = act.stream().filter(e -> e instanceof UsersMoved u && u.toMode().equals("signed-out"))
                .findFirst().orElse(null);
        if (fault != null && signedOut != null) {
            FailoverEvent normal = null;
            for (FailoverEvent e : act) {
                if (e instanceof UsersMoved u && u.toMode().equals("normal") && e.time().emulatedMs() >= signedOut.time().emulatedMs()) {
                    normal = e;
                    break;
                }
            }
            parts.add("users' outage (fault -> full service) " + (normal == null ? "not restored in this act" : span(fault, normal)));
        } else if (fault != null) {
            FailoverEvent last = null;
            for (FailoverEvent e : act) {
                if (e instanceof PrimaryMoved p && p.reason().equals("failover") && e.time().emulatedMs() >= fault.time().emulatedMs()) {
                    if (last != null && e.time().emulatedMs() - last.time().emulatedMs() > 1_000) break;
                    last = e;
                }
            }
            if (last != null) parts.add("fault -> routing groups re-primaried " + span(fault, last));
        }
        FailoverEvent firstVerb = act.stream().filter(e -> e instanceof AdminVerbStarted a
                && (a.verb().equals("failover-cms") || a.verb().equals("failover-pool"))).findFirst().orElse(null);
        if (firstVerb != null) {
            act.stream().filter(e -> e instanceof PoolFailoverState p && p.to().equals("FailedOver")
                            && e.time().emulatedMs() >= firstVerb.time().emulatedMs()).findFirst()
                    .ifPresent(done -> parts.add("procedural RTO (first admin verb -> FailedOver) " + span(firstVerb, done)
                            + " vs SfB's 15-20 min target"));
        }
        FailoverEvent failback = act.stream().filter(e -> e instanceof AdminVerbStarted a && a.verb().equals("failback-pool"))
                .findFirst().orElse(null);
        if (failback != null) {
            act.stream().filter(e -> e instanceof PoolFailoverState p && p.to().equals("FailedBack")
                            && e.time().emulatedMs() >= failback.time().emulatedMs()).findFirst()
                    .ifPresent(done -> parts.add("failback " + span(failback, done)));
        }
        long lost = 0;
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (FailoverEvent e : act) {
            if (e instanceof DataLost d) {
                lost += d.writes();
                from = Math.min(from, d.windowFromEmulatedMs());
                to = Math.max(to, d.windowToEmulatedMs());
            }
        }
        if (lost > 0) {
            long window = to - from;
            parts.add(String.format(Locale.ROOT, "writes lost %d over a %s window (RPO target 5 min: %s)", lost,
                    EventBus.emulated(window).substring(1), window <= RPO_TARGET_MS ? "within" : "EXCEEDED"));
        } else if (firstVerb != null || signedOut != null) {
            parts.add("writes lost 0");
        }
        return parts.isEmpty() ? "no fault" : String.join("; ", parts);
    }

    private static String span(FailoverEvent a, FailoverEvent b) {
        long emu = b.time().emulatedMs() - a.time().emulatedMs();
        // events of a virtual-clock run carry the virtual time as their wall time: no wall span to report
        if (a.time().wallMs() == a.time().emulatedMs() && b.time().wallMs() == b.time().emulatedMs()) {
            return EventBus.emulated(emu).substring(1) + " emulated";
        }
        long wall = b.time().wallMs() - a.time().wallMs();
        return String.format(Locale.ROOT, "%s emulated / %.3f s wall", EventBus.emulated(emu).substring(1), wall / 1000.0);
    }
}
