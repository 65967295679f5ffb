package io.poolpair.runtime.deploy;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.journal.EventBus;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** When a deployment that is starting counts as healthy. */
public final class Startup {

    private Startup() {}

    /**
     * Completes, with the wall time (epoch ms) of the event that completed it, once every server of the
     * topology is up and every Front End pool is running. Subscribe before starting the deployment.
     */
    public static CompletableFuture<Long> whenHealthy(Topology t, EventBus bus) {
        Set<String> servers = new HashSet<>();
        Set<String> fePools = new HashSet<>();
        for (PoolSpec p : t.pools()) {
            servers.addAll(p.serverNames());
            if (p.role() == Role.FRONT_END) fePools.add(p.name());
        }
        CompletableFuture<Long> f = new CompletableFuture<>();
        Set<String> up = new HashSet<>();
        Set<String> running = new HashSet<>();
        bus.subscribe(new Consumer<>() {
            @Override
            public void accept(FailoverEvent e) {
                synchronized (this) {
                    if (f.isDone()) return;
                    if (e.type().equals("server-up")) up.add(e.where().server());
                    if (e.type().equals("pool-quorum-regained")) running.add(e.where().pool());
                    if (up.containsAll(servers) && running.containsAll(fePools)) {
                        f.complete(System.currentTimeMillis());
                        bus.unsubscribe(this);
                    }
                }
            }
        });
        return f;
    }
}
