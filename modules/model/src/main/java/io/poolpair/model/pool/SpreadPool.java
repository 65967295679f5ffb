package io.poolpair.model.pool;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.CapacityExceeded;
import io.poolpair.model.event.FailoverEvent.LoadRedistributed;
import io.poolpair.model.event.FailoverEvent.ServerDown;
import io.poolpair.model.event.FailoverEvent.ServerUp;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pool whose members share load without replicas (spec §1): Edge and Director (DNS load balancing:
 * a client whose server dies retries the others and fails only when all fail), Mediation (calls on a
 * dying server are dropped, new calls go to the survivors) and Persistent Chat (a failed active
 * server's users move to the remaining active servers; standby servers do not serve).
 */
public final class SpreadPool {

    /** What happens to a failed member's load. */
    public enum OnLoss {
        /** clients retry the other members (DNS load balancing, Persistent Chat) */
        RETRY_OTHERS,
        /** the load is dropped; new load arrives on the survivors (Mediation calls) */
        DROP
    }

    private final String name;
    private final String site;
    private final String kind;
    private final List<String> servers;
    private final List<String> serverSites;
    private final boolean[] eligible;
    private final boolean[] up;
    private final int[] load;
    private final String unit;
    private final int baseOffered;
    private int offered;
    private final Map<String, Integer> extra = new LinkedHashMap<>();
    private final int guidelinePerServer;
    private final OnLoss onLoss;
    private final Set<Integer> overCapacity = new HashSet<>();
    private int unserved;

    /**
     * @param kind      "edge", "director", "mediation", "persistent-chat" (used in messages)
     * @param eligible  which servers may serve (Persistent Chat: active, not standby)
     * @param unit      what is counted ("remote-users", "calls", "users")
     * @param offered   total load offered to the pool
     */
    public SpreadPool(String name, String site, String kind, List<String> servers, List<String> serverSites,
                      List<Boolean> eligible, String unit, int offered, int guidelinePerServer, OnLoss onLoss) {
        this.name = name;
        this.site = site;
        this.kind = kind;
        this.servers = List.copyOf(servers);
        this.serverSites = List.copyOf(serverSites);
        this.eligible = new boolean[servers.size()];
        for (int i = 0; i < servers.size(); i++) this.eligible[i] = eligible.get(i);
        this.up = new boolean[servers.size()];
        this.load = new int[servers.size()];
        this.unit = unit;
        this.baseOffered = offered;
        this.offered = offered;
        this.guidelinePerServer = guidelinePerServer;
        this.onLoss = onLoss;
        this.unserved = offered;
    }

    public List<FailoverEvent> serverUp(String server, Time now) {
        int i = indexOf(server);
        if (up[i]) return List.of();
        List<FailoverEvent> ev = new ArrayList<>();
        ev.add(new ServerUp(now, where(i)));
        ev.addAll(setUp(java.util.Map.of(server, true), now, server + " up"));
        return ev;
    }

    public List<FailoverEvent> serverDown(String server, String detectedBy, Time now) {
        int i = indexOf(server);
        if (!up[i]) return List.of();
        List<FailoverEvent> ev = new ArrayList<>();
        ev.add(new ServerDown(now, where(i), detectedBy));
        ev.addAll(setUp(java.util.Map.of(server, false), now, null));
        return ev;
    }

    /**
     * Applies several up/down changes at once (e.g. every collocated Mediation of a pool that lost quorum)
     * and spreads the load once. Returns load events only; callers report the servers' own up/down.
     */
    public List<FailoverEvent> setUp(Map<String, Boolean> changes, Time now, String reason) {
        List<FailoverEvent> ev = new ArrayList<>();
        int dropped = 0;
        List<String> wentDown = new ArrayList<>();
        boolean eligibleChanged = false;
        for (Map.Entry<String, Boolean> c : changes.entrySet()) {
            int i = indexOf(c.getKey());
            if (up[i] == c.getValue()) continue;
            up[i] = c.getValue();
            if (eligible[i]) eligibleChanged = true;
            if (!up[i]) {
                if (eligible[i]) wentDown.add(c.getKey());
                dropped += load[i];
                load[i] = 0;
            }
        }
        if (!eligibleChanged) return ev;
        int servingLeft = servingCount();
        String who = String.join(", ", wentDown);
        if (onLoss == OnLoss.DROP && dropped > 0 && servingLeft > 0) {
            ev.add(new ServiceDropped(now, Where.pool(site, name), unit, dropped, unit + " on the failed " + kind + " server "
                    + who + " are dropped; new " + unit + " go to the " + servingLeft + " surviving servers"));
        }
        if (servingLeft == 0) {
            if (unserved < offered) {
                ev.add(new ServiceDropped(now, Where.pool(site, name), unit, offered - unserved,
                        "no " + kind + " server of pool " + name + " is left" + (onLoss == OnLoss.RETRY_OTHERS
                                ? ": clients tried every pool member and failed" : "")));
            }
            java.util.Arrays.fill(load, 0);
            unserved = offered;
            overCapacity.clear();
            return ev;
        }
        String why = reason != null ? reason : wentDown.isEmpty() ? "servers returned"
                : onLoss == OnLoss.RETRY_OTHERS ? "clients of " + who + " retried the other pool members"
                : "new " + unit + " go to the surviving servers";
        spread(now, why, ev);
        return ev;
    }

    /**
     * Load of another pool that reached this one (remote users who re-queried DNS SRV records and fell to
     * this site's Edge or Director pool, spec §6.2, §6.3); 0 removes it.
     */
    public List<FailoverEvent> setExtraLoad(String fromPool, int amount, Time now) {
        if (amount <= 0) extra.remove(fromPool);
        else extra.put(fromPool, amount);
        int before = offered;
        offered = baseOffered + extra.values().stream().mapToInt(Integer::intValue).sum();
        List<FailoverEvent> ev = new ArrayList<>();
        if (offered == before) return ev;
        if (servingCount() == 0) {
            unserved = offered;
            return ev;
        }
        spread(now, amount > 0 ? amount + " " + unit + " of " + fromPool + " re-queried DNS SRV and reached " + name
                + " (SRV priority)" : unit + " of " + fromPool + " went back to their own pool", ev);
        return ev;
    }

    /** Makes standby servers eligible and active ones not (Persistent Chat site failover). */
    public List<FailoverEvent> setEligible(List<String> activeServers, Time now, String reason) {
        for (int i = 0; i < servers.size(); i++) {
            eligible[i] = activeServers.contains(servers.get(i));
            if (!eligible[i]) load[i] = 0;
        }
        List<FailoverEvent> ev = new ArrayList<>();
        spread(now, reason, ev);
        return ev;
    }

    private void spread(Time now, String reason, List<FailoverEvent> ev) {
        int n = servingCount();
        java.util.Arrays.fill(load, 0);
        if (n == 0) {
            unserved = offered;
            return;
        }
        int k = 0;
        for (int i = 0; i < servers.size(); i++) {
            if (up[i] && eligible[i]) {
                load[i] = offered / n + (k < offered % n ? 1 : 0);
                k++;
            }
        }
        unserved = 0;
        Map<String, Integer> m = loadPerServer();
        ev.add(new LoadRedistributed(now, Where.pool(site, name), unit, m, reason));
        Set<Integer> over = new HashSet<>();
        for (int i = 0; i < servers.size(); i++) {
            if (load[i] > guidelinePerServer) {
                over.add(i);
                if (!overCapacity.contains(i)) ev.add(new CapacityExceeded(now, where(i), unit, load[i], guidelinePerServer));
            }
        }
        overCapacity.clear();
        overCapacity.addAll(over);
    }

    private int servingCount() {
        int n = 0;
        for (int i = 0; i < servers.size(); i++) if (up[i] && eligible[i]) n++;
        return n;
    }

    /** Load on each serving server (servers that are down or standby are left out). */
    public Map<String, Integer> loadPerServer() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < servers.size(); i++) if (up[i] && eligible[i]) m.put(servers.get(i), load[i]);
        return m;
    }

    public int load(String server) { return load[indexOf(server)]; }

    public boolean isUp(String server) { return up[indexOf(server)]; }

    public boolean isEligible(String server) { return eligible[indexOf(server)]; }

    /** Load the pool cannot serve right now. */
    public int unserved() { return unserved; }

    public int offered() { return offered; }

    public String unit() { return unit; }

    public int guidelinePerServer() { return guidelinePerServer; }

    public String name() { return name; }

    public String kind() { return kind; }

    public List<String> servers() { return servers; }

    public boolean hasServer(String server) { return servers.contains(server); }

    private int indexOf(String server) {
        int i = servers.indexOf(server);
        if (i < 0) throw new IllegalArgumentException("no server " + server + " in pool " + name);
        return i;
    }

    private Where where(int i) { return new Where(serverSites.get(i), name, servers.get(i), null); }
}
