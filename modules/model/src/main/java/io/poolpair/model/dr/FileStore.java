package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.event.Where;
import io.poolpair.model.time.Time;

import java.util.ArrayList;
import java.util.List;

/**
 * A pool's file store (conference content: uploads, whiteboards) on a DFS pair of file servers in the
 * pool's own site (spec §1, §6.1). DFS replication is best effort: when the active file server fails, the
 * other takes over, and content written since the last DFS replication is lost (reported). With both file
 * servers down, conference content cannot be written.
 */
public final class FileStore {

    private final String name;
    private final String pool;
    private final String site;
    private final long replicationIntervalMs;
    private final boolean[] up = {true, true};
    private int active;
    private long written;
    private long replicated;
    private long firstUnreplicatedMs = -1;
    private long lastReplicationMs;

    /** @param replicationIntervalMs emulated: how often DFS copies the active server's changes to the other */
    public FileStore(String name, String pool, String site, long replicationIntervalMs, long startMs) {
        this.name = name;
        this.pool = pool;
        this.site = site;
        this.replicationIntervalMs = replicationIntervalMs;
        this.lastReplicationMs = startMs;
    }

    /** Conference content written; false when no file server is up. */
    public boolean write(Time now) {
        if (!up[active]) return false;
        if (written == replicated) firstUnreplicatedMs = now.emulatedMs();
        written++;
        return true;
    }

    /** DFS replication, when due: the standby catches up if it is up. */
    public void tick(Time now) {
        if (now.emulatedMs() - lastReplicationMs < replicationIntervalMs) return;
        lastReplicationMs = now.emulatedMs();
        if (up[0] && up[1]) {
            replicated = written;
            firstUnreplicatedMs = -1;
        }
    }

    /** File server 1 or 2 fails or returns. */
    public List<FailoverEvent> serverUp(int server, boolean isUp, Time now) {
        int i = server - 1;
        List<FailoverEvent> ev = new ArrayList<>();
        if (i < 0 || i > 1 || up[i] == isUp) return ev;
        up[i] = isUp;
        if (!isUp && i == active) {
            int other = 1 - i;
            long lost = written - replicated;
            if (lost > 0) {
                ev.add(new DataLost(now, Where.pool(site, pool), lost, firstUnreplicatedMs, now.emulatedMs(),
                        "DFS failover of file store " + name + ": conference content written since the last DFS replication"
                                + " is lost (best effort, no RPO [S6])"));
            }
            written = replicated;
            firstUnreplicatedMs = -1;
            if (up[other]) {
                active = other;
            } else {
                ev.add(new ServiceDropped(now, Where.pool(site, pool), "file-store", 1,
                        "both file servers of " + name + " are down: conference content cannot be uploaded"));
            }
        } else if (isUp && !up[active]) {
            active = i;
        }
        return ev;
    }

    public boolean available() { return up[active]; }

    public int activeServer() { return active + 1; }

    public long unreplicated() { return written - replicated; }

    public String name() { return name; }
}
