package io.poolpair.app;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.poolpair.model.analysis.AnalysisReport;
import io.poolpair.model.analysis.WhatIfAnalysis;
import io.poolpair.model.settings.EmulatorSettings;
import io.poolpair.model.topology.Topology;
import io.poolpair.runtime.journal.EventJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code poolpair analyze FILE}: the static what-if analysis, without running anything. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "What-if analysis: quorum seeds, the smallest failure sets that lose quorum, load after failures.")
final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "topology file (default: the built-in topology)")
    Path file;

    @Option(names = "--json", description = "print JSON for scripts")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Topology t = Inputs.topology(file, spec.commandLine().getErr());
        EmulatorSettings settings = Inputs.settings(file, null, null);
        AnalysisReport r = WhatIfAnalysis.analyze(t, settings.frontEnd());
        if (json) {
            spec.commandLine().getOut().println(EventJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r));
        } else {
            spec.commandLine().getOut().print(WhatIfAnalysis.renderText(r));
        }
        spec.commandLine().getOut().flush();
        return Main.EXIT_OK;
    }
}
