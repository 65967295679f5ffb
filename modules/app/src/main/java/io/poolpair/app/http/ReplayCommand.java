package io.poolpair.app.http;

import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code poolpair replay RUN_FOLDER}: serves the dashboard over a finished run, to play its events again. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Serve the dashboard over a finished run folder and play its events again (play, pause, step, speed);"
                + " see docs/dashboard.md.")
public final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_FOLDER", defaultValue = "runs/latest",
            description = "a run folder of poolpair run or chaos, with its events.jsonl and topology.json (default: runs/latest)")
    Path folder;

    @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080", description = "port to serve on (default 8080; 0 picks a free one)")
    int httpPort;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "address to listen on (default 127.0.0.1)")
    String bind;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // start logging before the actor system does, from this one thread (as poolpair run does)
        org.slf4j.LoggerFactory.getLogger("poolpair.http").debug("logging ready");
        // Ctrl-C must not stop the actor system under the server before it is closed here
        var config = ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off")
                .withFallback(ConfigFactory.load());
        try (ReplayServer server = ReplayServer.start(folder, bind, httpPort, config)) {
            out.println("replay of " + server.folder() + " (" + server.events() + " events): dashboard at " + server.url() + "/");
            out.println("press Ctrl-C (or send SIGTERM) to stop");
            out.flush();
            ServeStop.awaitSignal();
            out.println("stopped");
            out.flush();
        }
        return 0;
    }
}
