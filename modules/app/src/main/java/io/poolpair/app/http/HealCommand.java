package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
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

/** {@code poolpair heal [TARGET]}: heals a fault of a running emulation through its control plane. */
@Command(name = "heal", mixinStandardHelpOptions = true,
        description = {"Heal faults of a running 'poolpair run --http-port N' through its control plane, and print the answer.",
                "  heal                       every server and site link (POST /reset)",
                "  heal SERVER|POOL|SITE      a server, every server of a pool, or a site (servers and back ends)",
                "  heal POOL --component C    a back-end component;  heal POOL --file-server N  a file server",
                "  heal SITE SITE             the link between two sites",
                "Exit 0 done, 1 refused, 2 bad input or no control plane."})
public final class HealCommand implements Callable<Integer> {

    @Parameters(arity = "0..2", paramLabel = "TARGET", description = "what to heal (nothing: everything)")
    List<String> targets = List.of();

    @Option(names = "--component", paramLabel = "C", description = "heal this back-end component of POOL: primary, mirror or witness")
    String component;

    @Option(names = "--file-server", paramLabel = "N", description = "heal file server N (1 or 2) of POOL")
    Integer fileServer;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ControlPlaneClient cp = client.client();
        ObjectNode body = StatusJson.JSON.createObjectNode();
        if (targets.isEmpty()) {
            if (component != null || fileServer != null) {
                err.println("poolpair: TARGET: --component and --file-server need the pool");
                return Main.EXIT_BAD_INPUT;
            }
            return cp.change("/reset", body, out, err);
        }
        if (targets.size() == 2) {
            body.putArray("sites").add(targets.get(0)).add(targets.get(1));
        } else if (component != null || fileServer != null) {
            body.put("pool", targets.get(0));
            if (component != null) body.put("component", component);
            if (fileServer != null) body.put("server", fileServer);
        } else {
            String field;
            try {
                field = kindOf(cp, targets.get(0));
            } catch (ControlPlaneClient.Unreachable e) {
                err.println("poolpair: " + e.getMessage());
                return Main.EXIT_BAD_INPUT;
            }
            if (field == null) {
                err.println("poolpair: TARGET: no server, pool or site named '" + targets.get(0) + "' in the running emulation");
                return Main.EXIT_BAD_INPUT;
            }
            body.put(field, targets.get(0));
        }
        return cp.change("/api/heal", body, out, err);
    }

    /** Whether a name is a server, a pool or a site of the running emulation: "server", "pool", "site" or null. */
    private static String kindOf(ControlPlaneClient cp, String name) {
        ControlPlaneClient.Answer a = cp.get("/api/status");
        if (a.status() != 200 || a.body() == null) {
            throw new ControlPlaneClient.Unreachable("the control plane answered " + a.status() + " to GET /api/status");
        }
        String kind = null;
        for (JsonNode p : a.body().path("pools")) {
            for (JsonNode s : p.path("servers")) if (name.equals(s.path("name").asText())) return "server";
            if (name.equals(p.path("name").asText())) kind = "pool";
            else if (kind == null && name.equals(p.path("site").asText())) kind = "site";
        }
        if (kind == null) {
            for (JsonNode l : a.body().path("site").path("siteLinks")) {
                for (JsonNode s : l.path("sites")) if (name.equals(s.asText())) kind = "site";
            }
        }
        return kind;
    }
}
