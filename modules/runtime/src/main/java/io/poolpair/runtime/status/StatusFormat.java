package io.poolpair.runtime.status;

import io.poolpair.model.frontend.RoutingGroupView;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Answers in the spirit of SfB's query cmdlets, as text lines for the console: Get-CsBackupServiceStatus,
 * Get-CsPoolFabricState, and users by mode per pool.
 */
public final class StatusFormat {

    private StatusFormat() {}

    /** Get-CsBackupServiceStatus: each direction's sync state, lag and backlog. */
    public static List<String> backupStatus(List<PairView> pairs) {
        List<String> out = new ArrayList<>();
        for (PairView p : pairs) {
            for (PairView.Direction d : p.backup()) {
                String module = d.from().endsWith("(CMS)") ? "CentralMgmt.CMSMaster" : "UserServices.PresenceFocus";
                out.add(String.format(Locale.ROOT, "Backup Service %s -> %s  module %s  state %s  lag %d s"
                                + "  pending %d  shipped %d  last sync +%d s  (interval %d s)", d.from(), d.to(), module, d.state(),
                        d.lagMs() / 1000, d.pending(), d.shipped(), d.lastSyncEmulatedMs() / 1000, p.syncIntervalMs() / 1000));
            }
        }
        return out;
    }

    /** Get-CsPoolFabricState: routing groups with their primary, secondaries and missing replicas. */
    public static List<String> poolFabricState(PoolView pool, int maxGroups) {
        List<String> out = new ArrayList<>();
        out.add("Pool " + pool.name() + ": " + pool.state() + ", quorum rule " + pool.quorumRule() + ", routing groups "
                + pool.groupsByState());
        int shown = 0;
        for (RoutingGroupView g : pool.routingGroups()) {
            if (shown++ >= maxGroups) {
                out.add("  ... " + (pool.routingGroups().size() - maxGroups) + " more routing groups");
                break;
            }
            List<String> secondaries = new ArrayList<>(g.live());
            secondaries.remove(g.primary());
            List<String> missing = new ArrayList<>(g.replicas());
            missing.removeAll(g.live());
            out.add(String.format(Locale.ROOT, "  group %3d  %-14s primary %-8s epoch %-3d secondaries %s%s  %d users", g.id(),
                    g.state().label(), g.primary() == null ? "-" : g.primary(), g.epoch(), secondaries,
                    missing.isEmpty() ? "" : "  missing " + missing, g.users()));
        }
        return out;
    }

    /** Users by mode (normal, Resiliency, signed out) per home pool. */
    public static List<String> usersByMode(List<PoolView> pools, List<PairView> pairs) {
        List<String> out = new ArrayList<>();
        for (PoolView p : pools) {
            if (!p.role().equals("front-end")) continue;
            PairView.Side side = null;
            for (PairView pair : pairs) for (PairView.Side s : pair.sides()) if (s.pool().equals(p.name())) side = s;
            int[] m = UsersByMode.of(p, side);
            out.add(String.format(Locale.ROOT, "%-8s users %6d: normal %6d  resiliency %6d  signed-out %6d%s", p.name(), p.offered(),
                    m[0], m[1], m[2], side == null || side.servedBy() == null ? "" : "  (served by " + side.servedBy() + ")"));
        }
        return out;
    }
}
