package io.poolpair.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.poolpair.app.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code poolpair fault KIND TARGET}: injects a fault into a running emulation through its control plane. */
@Command(name = "fault", mixinStandardHelpOptions = true,
        description = {"Inject a fault into a running 'poolpair run --http-port N' through its control plane (the fault"
                + " steps of docs/scenarios.md), and print the answer.",
                "  kill|hang|restart SERVER, kill-pool|hang-pool|restart-pool POOL, kill-site SITE,",
                "  fail-backend POOL [--component C], fail-file-server POOL [--file-server N],",
                "  cut-link SITE SITE, slow-link SITE SITE --delay D",
                "Exit 0 done, 1 refused, 2 bad input or no control plane."})
public final class FaultCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "KIND", description = "the fault")
    String kind;

    @Parameters(index = "1..*", arity = "1..2", paramLabel = "TARGET", description = "a server, pool or site; two sites for a link")
    List<String> targets;

    @Option(names = "--component", paramLabel = "C", description = "fail-backend: primary (default), mirror or witness")
    String component;

    @Option(names = "--file-server", paramLabel = "N", description = "fail-file-server: 1 (default) or 2")
    Integer fileServer;

    @Option(names = "--delay", paramLabel = "D", description = "slow-link: the delay, emulated (e.g. 30s)")
    String delay;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (!Requests.FAULTS.contains(kind)) {
            err.println("poolpair: KIND: '" + kind + "' is not one of " + String.join(", ", Requests.FAULTS));
            return Main.EXIT_BAD_INPUT;
        }
        boolean link = kind.endsWith("-link");
        if (targets.size() != (link ? 2 : 1)) {
            err.println("poolpair: TARGET: " + kind + (link ? " takes two sites" : " takes one target") + ", got " + targets.size());
            return Main.EXIT_BAD_INPUT;
        }
        ObjectNode body = StatusJson.JSON.createObjectNode();
        body.put("fault", kind);
        String target = targets.get(0);
        switch (kind) {
            case "kill", "hang", "restart" -> body.put("server", target);
            case "kill-site" -> body.put("site", target);
            case "cut-link", "slow-link" -> body.putArray("sites").add(targets.get(0)).add(targets.get(1));
            default -> body.put("pool", target);
        }
        // options the fault does not take go to the control plane too, which names them in its answer
        if (component != null) body.put("component", component);
        if (fileServer != null) body.put("server", fileServer);
        if (delay != null) body.put("delay", delay);
        return client.client().change("/api/faults", body, spec.commandLine().getOut(), err);
    }
}
