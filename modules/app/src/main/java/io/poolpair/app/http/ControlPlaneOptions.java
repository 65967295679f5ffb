package io.poolpair.app.http;

import io.poolpair.runtime.deploy.EmbeddedDeployment;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.concurrent.CompletionStage;

/**
 * The control plane options of {@code poolpair run} (a picocli mixin): start the control plane on the running
 * deployment before the scenario, stop it after (or, with {@code --serve}, once the user stops the run).
 */
public final class ControlPlaneOptions {

    @Option(names = "--http-port", paramLabel = "N", description = "serve the HTTP control plane on port N while the run"
            + " goes on (0 picks a free port); see docs/http-api.md. Not with --virtual-clock")
    Integer httpPort;

    @Option(names = "--bind", paramLabel = "ADDR", description = "address the control plane listens on (default 127.0.0.1);"
            + " beyond loopback every change needs a token")
    String bind;

    @Option(names = "--token", paramLabel = "T", description = "bearer token every change (POST) to the control plane needs;"
            + " generated and printed when --bind is beyond loopback and none is given")
    String token;

    @Option(names = "--serve", description = "after the scenario, keep the emulation and the control plane running until"
            + " Ctrl-C or SIGTERM; then the users' final read and the verdict, which cover what was done meanwhile")
    boolean serve;

    /** Checks the combination before anything runs: a bad one is an input error (exit 2). */
    public void check(boolean virtualClock) {
        if (httpPort == null) {
            if (bind != null) throw new IllegalArgumentException("--bind needs --http-port");
            if (token != null) throw new IllegalArgumentException("--token needs --http-port");
            if (serve) throw new IllegalArgumentException("--serve needs --http-port");
            return;
        }
        if (virtualClock) {
            throw new IllegalArgumentException("--http-port cannot be used with --virtual-clock: on the virtual clock only its own"
                    + " thread may drive the actors, and HTTP requests would come from others");
        }
        settings().loopbackOnly(); // an address that does not resolve is reported now
    }

    public boolean enabled() { return httpPort != null; }

    private ControlPlane.Settings settings() {
        return new ControlPlane.Settings(bind == null ? "127.0.0.1" : bind, httpPort, token);
    }

    /**
     * Starts the control plane on {@code deployment} and prints where it listens (and the token when one was made
     * up); null when no {@code --http-port} was given.
     *
     * @param healthy completes when the deployment is healthy the first time ({@code /ready} says 503 until then)
     */
    public ControlPlane start(EmbeddedDeployment deployment, CompletionStage<?> healthy, PrintWriter out) {
        return start(deployment, healthy, out, RunInfo.live(null, null, deployment.settings()));
    }

    /** The same, with what the dashboard says about the run ({@code GET /api/run}). */
    public ControlPlane start(EmbeddedDeployment deployment, CompletionStage<?> healthy, PrintWriter out, RunInfo run) {
        if (httpPort == null) return null;
        ControlPlane.Settings s = settings().withTokenWhereNeeded();
        ControlPlane cp = ControlPlane.start(deployment, healthy, s, run);
        String auth = s.token() == null ? ""
                : token == null ? " (changes need 'Authorization: Bearer " + s.token() + "': a token made up for this run)"
                : " (changes need 'Authorization: Bearer' with the --token given)";
        out.println("control plane: " + cp.url() + auth);
        out.println("dashboard: " + cp.url() + "/");
        out.flush();
        return cp;
    }

    /**
     * After the scenario: with {@code --serve}, says how to stop and waits for Ctrl-C or SIGTERM; then stops the control
     * plane (the deployment goes on to its final read and the verdict).
     */
    public void afterScenario(ControlPlane cp, PrintWriter out) {
        if (cp == null) return;
        if (serve) {
            out.println("scenario finished; the emulation and the control plane at " + cp.url() + " keep running: press Ctrl-C"
                    + " (or send SIGTERM) to stop them and get the verdict");
            out.flush();
            ServeStop.awaitSignal();
            out.println("stop requested: control plane closed; the users' final read and the verdict follow");
            out.flush();
        }
        cp.close();
    }
}
