package io.poolpair.app;

import io.poolpair.model.topology.InvalidInputException;
import io.poolpair.model.topology.Problem;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code poolpair} command line. Exit codes: 0 ok, 1 a run failed an expectation, 2 bad input. */
@Command(name = "poolpair", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Live failover emulator of the Skype for Business Server HA/DR design.",
        subcommands = {RunCommand.class, ChaosCommand.class, ValidateCommand.class, AnalyzeCommand.class, CheckCommand.class,
                io.poolpair.app.http.AdminCommand.class, io.poolpair.app.http.FaultCommand.class,
                io.poolpair.app.http.HealCommand.class, io.poolpair.app.http.ReplayCommand.class, NodeCommand.class,
                MembersCommand.class, WatchCommand.class, HealthCommand.class})
public final class Main implements Runnable {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the CLI and returns the exit code (used by tests too). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("poolpair: " + ex.getMessage().replace('\n', ' ') + " (see poolpair "
                    + ex.getCommandLine().getCommandName().replace("poolpair", "").trim() + " --help)");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof InvalidInputException iie) {
                for (Problem p : iie.problems()) err.println(p.format());
                return EXIT_BAD_INPUT;
            }
            if (ex instanceof IllegalArgumentException) {
                err.println("poolpair: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("poolpair: internal error: " + ex);
            return EXIT_FAILED;
        });
        int code = EXIT_FAILED;
        try {
            code = cl.execute(args);
            return code;
        } finally {
            io.poolpair.app.http.ServeStop.exiting(code); // a run --serve stopped by a signal exits with this code
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"poolpair " + (v == null ? "dev" : v)};
        }
    }
}
