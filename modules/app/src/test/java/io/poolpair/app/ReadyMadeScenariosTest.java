package io.poolpair.app;

import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ready-made scenario of {@code scenarios/} runs end to end with its topology and passes: each of its
 * awaits and event expectations sees the event SfB's rules predict within its bound, each {@code expect-none}
 * sees no such event in its window, each verb it expects refused is refused, and its end-of-run figure
 * expectations hold against the checkers' verdict. A scenario whose behaviour regressed fails its run with exit
 * code 1. The runs are on the virtual clock, so the verdicts are the same every time and no machine's speed
 * decides them.
 */
@ExtendWith(LogCapturingExtension.class)
class ReadyMadeScenariosTest {

    private static final Path SCENARIOS = Path.of("../../scenarios");

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "single-fe-loss.conf,",
            "routing-group-quorum-loss.conf,",
            "server-drain.conf,",
            "edge-director-loss.conf,",
            "edge-federation-route.conf,",
            "site-failover-failback.conf,",
            "cms-failover-ordering.conf,",
            "back-end-principal-loss.conf,",
            "file-store-dfs-failover.conf,",
            "nine-fe-seeds.conf,nine-fe-2015.conf",
            "twelve-fe-start.conf,twelve-fe-2015.conf",
            "two-fe-restart-order.conf,two-fe-2015.conf",
            "back-end-no-witness.conf,mirroring-no-witness-2015.conf",
            "persistent-chat-site-failover.conf,pchat-stretched-2015.conf",
            "six-fe-quorum-loss.conf,",
            "site-link-cut.conf,",
            "mediation-server-loss.conf,mediation-pool-2015.conf",
    })
    void scenarioPasses(String scenario, String topology, @TempDir Path tmp) throws IOException {
        String[] args = topology == null
                ? new String[] {"run", "--virtual-clock", "--scenario", SCENARIOS.resolve(scenario).toString(), "--out",
                tmp.toString()}
                : new String[] {"run", "--virtual-clock", "--scenario", SCENARIOS.resolve(scenario).toString(), "--topology",
                Cli.EXAMPLES.resolve(topology).toString(), "--out", tmp.toString()};
        Cli.Outcome o = Cli.run(args);
        assertThat(o.exit()).as("%s", o).isZero();
        assertThat(o.out()).contains("0 failed").contains("(virtual clock)");
        try (Stream<Path> files = Files.walk(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("events.jsonl"))).hasSize(1);
        }
    }

    @org.junit.jupiter.api.Test
    void everyScenarioFileIsCovered() throws IOException {
        try (Stream<Path> files = Files.list(SCENARIOS)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")))
                    .containsExactlyInAnyOrder("single-fe-loss.conf", "routing-group-quorum-loss.conf", "server-drain.conf",
                            "edge-director-loss.conf", "edge-federation-route.conf", "site-failover-failback.conf",
                            "cms-failover-ordering.conf", "back-end-principal-loss.conf", "file-store-dfs-failover.conf",
                            "nine-fe-seeds.conf", "twelve-fe-start.conf", "two-fe-restart-order.conf",
                            "back-end-no-witness.conf", "persistent-chat-site-failover.conf", "six-fe-quorum-loss.conf",
                            "site-link-cut.conf", "mediation-server-loss.conf");
        }
    }
}
