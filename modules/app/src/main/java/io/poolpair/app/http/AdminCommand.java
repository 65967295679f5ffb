package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code poolpair admin VERB}: runs an admin verb on a running emulation through its control plane. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = {"Run an admin verb (docs/admin-verbs.md) on a running 'poolpair run --http-port N', or a cluster node (--url of any node),"
                + " through its control plane, and print the answer.",
                "Exit 0 done, 1 refused (the reason is printed), 2 bad input or no control plane."})
public final class AdminCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "VERB", description = "the verb, e.g. failover-pool, quorum-loss-recovery, failover-cms")
    String verb;

    @Option(names = "--pool", paramLabel = "P", description = "the pool the verb acts on")
    String pool;

    @Option(names = "--server", paramLabel = "S", description = "the Front End server (drain-server, return-server)")
    String server;

    @Option(names = "--edge", paramLabel = "E", description = "the Edge pool (set-edge-next-hop, move-federation-route)")
    String edge;

    @Option(names = "--disaster", description = "disaster mode (failover-pool, failback-pool)")
    boolean disaster;

    @Option(names = "--force", description = "force (drain-server, database-failover, failover-cms)")
    boolean force;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ObjectNode body = StatusJson.JSON.createObjectNode();
        if (pool != null) body.put("pool", pool);
        if (server != null) body.put("server", server);
        if (edge != null) body.put("edge", edge);
        if (disaster) body.put("disaster", true);
        if (force) body.put("force", true);
        String path = "/api/admin/" + java.net.URLEncoder.encode(verb, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return client.client().change(path, body, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
