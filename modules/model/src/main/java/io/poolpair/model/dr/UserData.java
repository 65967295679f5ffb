package io.poolpair.model.dr;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The emulated users' persistent data, write by write: for each home pool, one copy in the home pool and one
 * in its partner (the Backup Service's copy). A write goes into the copy of the pool that acknowledged it; the
 * Backup Service ships it to the other copy; QuorumLossRecovery removes the writes its routing groups had not
 * flushed; a failover makes the new serving pool's copy the one users read. The final read at the end of a run
 * comes from here, and the lost-write checker compares it with what users were told was acknowledged.
 */
public final class UserData {

    /** home -> location -> user -> write ids */
    private final Map<String, Map<String, Map<Integer, Ids>>> copies = new HashMap<>();

    public void add(String home, String location, int user, long id) {
        copy(home, location).computeIfAbsent(user, u -> new Ids()).add(id);
    }

    public boolean remove(String home, String location, int user, long id) {
        Ids ids = copy(home, location).get(user);
        return ids != null && ids.remove(id);
    }

    /** The copy of {@code home}'s data at {@code to} becomes the one at {@code from} (a resync). */
    public void replace(String home, String from, String to) {
        Map<Integer, Ids> src = copy(home, from);
        Map<Integer, Ids> dst = copy(home, to);
        dst.clear();
        for (Map.Entry<Integer, Ids> e : src.entrySet()) dst.put(e.getKey(), e.getValue().copy());
    }

    /** The ids of {@code user}'s writes in the copy at {@code location}, ascending. */
    public long[] read(String home, String location, int user) {
        Ids ids = copy(home, location).get(user);
        return ids == null ? new long[0] : Arrays.copyOf(ids.ids, ids.n);
    }

    /** Every user of {@code home} with a write in either copy, ascending. */
    public TreeSet<Integer> users(String home) {
        TreeSet<Integer> out = new TreeSet<>();
        for (Map<Integer, Ids> c : copies.getOrDefault(home, Map.of()).values()) out.addAll(c.keySet());
        return out;
    }

    private Map<Integer, Ids> copy(String home, String location) {
        return copies.computeIfAbsent(home, h -> new HashMap<>()).computeIfAbsent(location, l -> new HashMap<>());
    }

    /** A sorted set of write ids as a growable array (ids mostly arrive in ascending order). */
    private static final class Ids {
        long[] ids = new long[4];
        int n;

        void add(long id) {
            int at = n == 0 || ids[n - 1] < id ? n : Arrays.binarySearch(ids, 0, n, id);
            if (at < 0) at = -at - 1;
            else if (at < n && ids[at] == id) return;
            if (n == ids.length) ids = Arrays.copyOf(ids, n * 2);
            System.arraycopy(ids, at, ids, at + 1, n - at);
            ids[at] = id;
            n++;
        }

        boolean remove(long id) {
            int at = Arrays.binarySearch(ids, 0, n, id);
            if (at < 0) return false;
            System.arraycopy(ids, at + 1, ids, at, n - at - 1);
            n--;
            return true;
        }

        Ids copy() {
            Ids c = new Ids();
            c.ids = Arrays.copyOf(ids, Math.max(4, n));
            c.n = n;
            return c;
        }
    }
}
