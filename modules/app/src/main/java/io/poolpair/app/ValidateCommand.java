package io.poolpair.app;

import io.poolpair.model.scenario.Scenario;
import io.poolpair.model.topology.Problem;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code poolpair validate FILE}: checks a topology (and optionally a scenario) against SfB's rules. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a topology file against SfB's rules; errors exit 2, warnings are printed.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "topology file (HOCON)")
    Path file;

    @Option(names = "--scenario", paramLabel = "FILE", description = "also check a scenario against the topology")
    Path scenario;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Topology t = Inputs.topology(file, err);
        List<Problem> warnings = TopologyValidator.validate(t);
        int servers = t.pools().stream().mapToInt(p -> p.servers().size()).sum();
        String extra = "";
        if (scenario != null) {
            Scenario s = Inputs.scenario(scenario, t);
            extra = "; scenario " + scenario + " valid (" + s.steps().size() + " steps)";
        }
        out.println(file + ": valid (" + t.pools().size() + " pools, " + servers + " servers, SfB " + t.version().label()
                + ", " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s") + ")" + extra);
        return Main.EXIT_OK;
    }
}
