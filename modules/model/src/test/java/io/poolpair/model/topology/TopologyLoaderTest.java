package io.poolpair.model.topology;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyLoaderTest {

    static final String HEADER = """
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" }, { name = "site-b" } ]
            """;

    /** A minimal valid topology with the given pool objects inside {@code pools = [ ... ]}. */
    static String withPools(String pools) {
        return HEADER + "pools = [\n" + pools + "\n]\n";
    }

    static final String ONE_POOL = """
            { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1", "a-fe2", "a-fe3" ] }""";

    /** The 1-based line of the only line containing {@code marker}. */
    static int lineOf(String text, String marker) {
        List<String> lines = text.lines().toList();
        List<Integer> hits = IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains(marker)).boxed().toList();
        assertThat(hits).as("lines containing %s", marker).hasSize(1);
        return hits.get(0) + 1;
    }

    static List<Problem> loadProblems(String text) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> TopologyLoader.parse(text, "t.conf"));
        assertThat(e).as("expected the loader to refuse the text").isNotNull();
        return e.problems();
    }

    static List<String> formatted(List<Problem> problems) {
        return problems.stream().map(Problem::format).toList();
    }

    // --- the default topology ------------------------------------------------------------------------------

    @Test
    void defaultTopologyLoadsAndValidatesWithoutProblems() {
        Topology t = TopologyLoader.loadDefault();
        assertThat(TopologyValidator.validate(t)).isEmpty();
        assertThat(t.file()).isEqualTo("default-topology.conf");
        assertThat(t.formatVersion()).isEqualTo(1);
        assertThat(t.version()).isEqualTo(ProductVersion.SFB_2015);
        assertThat(t.cmsPool()).isEqualTo("pool-a");
        assertThat(t.sites()).extracting(Site::name).containsExactly("site-a", "site-b");
        assertThat(t.pools()).extracting(PoolSpec::name)
                .containsExactly("pool-a", "pool-b", "edge-a", "edge-b", "dir-a", "dir-b");

        PoolSpec a = t.pool("pool-a").orElseThrow();
        assertThat(a.role()).isEqualTo(Role.FRONT_END);
        assertThat(a.edition()).isEqualTo(Edition.ENTERPRISE);
        assertThat(a.serverNames()).containsExactly("a-fe1", "a-fe2", "a-fe3", "a-fe4", "a-fe5", "a-fe6");
        assertThat(a.users()).isEqualTo(18_000);
        assertThat(a.routingGroups()).isEqualTo(120);
        assertThat(a.collocatedMediation()).isTrue();
        assertThat(a.calls()).isEqualTo(300);
        assertThat(a.fileStore()).isEqualTo("fs-a");
        assertThat(a.backupPool()).isEqualTo("pool-b");
        assertThat(a.backendMode()).isEqualTo(BackendMode.MIRRORING_WITNESS);
        assertThat(t.pool("pool-b").orElseThrow().backupPool()).isEqualTo("pool-a");

        PoolSpec edgeA = t.pool("edge-a").orElseThrow();
        assertThat(edgeA.nextHop()).isEqualTo("pool-a");
        assertThat(edgeA.remoteUsers()).isEqualTo(6000);
        assertThat(edgeA.serverNames()).containsExactly("a-edge1", "a-edge2");
        assertThat(t.pool("edge-b").orElseThrow().nextHop()).isEqualTo("pool-b");
        assertThat(t.pool("dir-b").orElseThrow().serverNames()).containsExactly("b-dir1", "b-dir2");
        assertThat(t.pool("dir-a").orElseThrow().remoteUsers()).isEqualTo(6000);
    }

    @Test
    void defaultTopologyRecordsFieldLines() throws IOException {
        String text;
        try (var in = TopologyLoader.class.getClassLoader().getResourceAsStream(TopologyLoader.DEFAULT_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Topology t = TopologyLoader.loadDefault();
        PoolSpec b = t.pool("pool-b").orElseThrow();
        int nameLine = lineOf(text, "name = \"pool-b\"");
        assertThat(b.originOf("name")).isEqualTo(new Origin("default-topology.conf", nameLine));
        assertThat(b.originOf("role").line()).isEqualTo(nameLine + 1);
        assertThat(b.originOf("backup-pool").line()).isEqualTo(lineOf(text, "backup-pool = \"pool-a\""));
        assertThat(b.fieldOrigins().keySet()).containsExactlyInAnyOrder("name", "role", "edition", "site", "servers",
                "users", "routing-groups", "collocated-mediation", "calls", "file-store", "backup-pool", "backend-mode");
        assertThat(b.servers().get(0).origin().line()).isEqualTo(lineOf(text, "\"b-fe1\""));
        assertThat(TopologyLoader.fieldOrigin(t, "cms-pool").line()).isEqualTo(lineOf(text, "cms-pool ="));
    }

    @Test
    void examplesDefaultIsTheBuiltInDefault() throws IOException {
        Path example = Path.of("../../examples/default.conf");
        if (!Files.exists(example)) return; // only when run from the source tree
        try (var in = TopologyLoader.class.getClassLoader().getResourceAsStream(TopologyLoader.DEFAULT_RESOURCE)) {
            assertThat(Files.readString(example)).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    // --- files -------------------------------------------------------------------------------------------------

    @Test
    void loadReadsAFileAndUsesItsPathAsFileName(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("topo.conf");
        Files.writeString(file, withPools(ONE_POOL));
        Topology t = TopologyLoader.load(file);
        assertThat(t.file()).isEqualTo(file.toString());
        assertThat(t.pools().get(0).origin().file()).isEqualTo(file.toString());
        assertThat(t.origin()).isEqualTo(new Origin(file.toString(), 1));
    }

    @Test
    void missingFileIsAProblemNotAStackTrace(@TempDir Path dir) {
        Path file = dir.resolve("nope.conf");
        assertThatThrownBy(() -> TopologyLoader.load(file))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(file + ":0: file: file not found");
    }

    @Test
    void syntaxErrorInAFileReportsItsLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "format-version = 1\npools = [\n  { name = \"x\"\n");
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> TopologyLoader.load(file));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).format()).startsWith(file + ":4: syntax: ").doesNotContain("\n");
    }

    @Test
    void missingResourceIsAProblem() {
        assertThatThrownBy(() -> TopologyLoader.loadResource("poolpair/none.conf", "none.conf"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("none.conf:0: file: resource not found");
    }

    // --- syntax ------------------------------------------------------------------------------------------------

    @Test
    void syntaxErrorReportsTheLineAsOneProblem() {
        String text = HEADER + "pools = [\n  { name = \"pool-a\", role = = front-end }\n]\n";
        List<Problem> problems = loadProblems(text);
        assertThat(problems).hasSize(1);
        Problem p = problems.get(0);
        assertThat(p.isError()).isTrue();
        assertThat(p.field()).isEqualTo("syntax");
        assertThat(p.origin()).isEqualTo(new Origin("t.conf", 6));
        assertThat(p.format()).startsWith("t.conf:6: syntax: ").doesNotContain("\n").doesNotContain("t.conf: 6");
    }

    @Test
    void unterminatedObjectReportsEndOfFileLine() {
        List<Problem> problems = loadProblems("format-version = 1\nsites = [\n { name = a\n");
        assertThat(formatted(problems)).singleElement().asString().startsWith("t.conf:4: syntax: ");
    }

    @Test
    void substitutionsResolveAgainstTheFileOnly() {
        String text = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1" ], users = ${settings.users} }""")
                + "settings { users = 1234 }\n";
        assertThat(TopologyLoader.parse(text, "t.conf").pools().get(0).users()).isEqualTo(1234);

        String env = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1" ], file-store = ${HOME} }""");
        List<Problem> problems = loadProblems(env);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("syntax");
            assertThat(p.origin().line()).isEqualTo(lineOf(env, "${HOME}"));
            assertThat(p.message()).contains("${HOME}");
        });
    }

    // --- structure ---------------------------------------------------------------------------------------------

    @Test
    void unknownEnumValueListsTheAllowedValues() {
        String text = withPools("""
                {
                  name = "pool-a"
                  role = frontend
                  site = "site-a"
                  servers = [ "a-fe1" ]
                }""");
        assertThat(formatted(loadProblems(text))).containsExactly("t.conf:" + lineOf(text, "role = frontend")
                + ": pools[0].role: unknown role 'frontend'; allowed: front-end, edge, mediation, director, persistent-chat");
    }

    @Test
    void unknownEditionAndBackendModeListAllowedValues() {
        String text = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1" ],
                  edition = premium,
                  backend-mode = log-shipping }""");
        assertThat(formatted(loadProblems(text))).containsExactly(
                "t.conf:" + lineOf(text, "premium") + ": pools[0].edition: unknown edition 'premium'; allowed: enterprise, standard",
                "t.conf:" + lineOf(text, "log-shipping") + ": pools[0].backend-mode: unknown backend-mode 'log-shipping'; "
                        + "allowed: mirroring-witness, mirroring, alwayson-ag, alwayson-fci, sql-cluster, none");
    }

    @Test
    void unknownKeyInAPoolIsATypoWithASuggestion() {
        String text = withPools("""
                {
                  name = "pool-a"
                  role = front-end
                  site = "site-a"
                  servers = [ "a-fe1" ]
                  usres = 100
                }""");
        List<Problem> problems = loadProblems(text);
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("pools[0].usres");
            assertThat(p.origin().line()).isEqualTo(lineOf(text, "usres"));
            assertThat(p.message()).startsWith("unknown field 'usres' (did you mean 'users'?)");
        });
    }

    @Test
    void unknownKeysInServerSiteAndTopLevelObjects() {
        String text = HEADER.replace("{ name = \"site-b\" }", "{ name = \"site-b\", region = eu }") + """
                pools = [
                  { name = "pool-a", role = persistent-chat, site = "site-a",
                    servers = [ { name = "pc1", stanby = true } ] }
                ]
                cms-poool = "x"
                """;
        List<Problem> problems = loadProblems(text);
        assertThat(problems).extracting(Problem::field)
                .containsExactly("sites[1].region", "pools[0].servers[0].stanby", "cms-poool");
        assertThat(problems.get(1).message()).startsWith("unknown field 'stanby' (did you mean 'standby'?)");
        assertThat(problems.get(2).message()).startsWith("unknown field 'cms-poool' (did you mean 'cms-pool'?)");
        assertThat(problems.get(2).origin().line()).isEqualTo(lineOf(text, "cms-poool"));
    }

    @Test
    void settingsAreIgnoredByTheLoader() {
        String text = withPools(ONE_POOL) + """
                settings.failover-minutes = 5
                """;
        assertThat(TopologyLoader.parse(text, "t.conf").pools()).hasSize(1);
        assertThat(TopologyLoader.parse(text, "t.conf").placement()).isNull();
    }

    @Test
    void dottedKeysAreTheSameKeys() {
        String text = """
                format-version = 1
                product-version = 2015
                cms-pool = pool-a
                sites = [ { name = site-a } ]
                pools = [ { name = pool-a, role = front-end, site = site-a, servers = [ x1 ], "backend-mode" = none } ]
                pools = ${pools} [ { name = e, role = edge, site = site-a, servers = [ e1, e2 ], next-hop = pool-a } ]
                """;
        Topology t = TopologyLoader.parse(text, "t.conf");
        assertThat(t.pools()).extracting(PoolSpec::name).containsExactly("pool-a", "e");
        assertThat(t.pool("pool-a").orElseThrow().backendMode()).isEqualTo(BackendMode.NONE);

        String dotted = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1" ], backend.mode = none }""");
        assertThat(loadProblems(dotted)).singleElement()
                .satisfies(p -> assertThat(p.message()).startsWith("unknown field 'backend'"));
    }

    @Test
    void serverObjectsWithSiteAndStandbyParse() {
        String text = withPools("""
                { name = "pchat", role = persistent-chat, site = "site-a",
                  servers = [ "pc-a1", { name = "pc-b1", site = "site-b", standby = true }, { name = "pc-a2" } ] }""");
        PoolSpec p = TopologyLoader.parse(text, "t.conf").pools().get(0);
        assertThat(p.servers()).extracting(ServerSpec::name, ServerSpec::site, ServerSpec::standby).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pc-a1", null, false),
                org.assertj.core.groups.Tuple.tuple("pc-b1", "site-b", true),
                org.assertj.core.groups.Tuple.tuple("pc-a2", null, false));
        assertThat(p.siteOf(p.servers().get(0))).isEqualTo("site-a");
        assertThat(p.siteOf(p.servers().get(1))).isEqualTo("site-b");
    }

    @Test
    void allMissingRequiredFieldsAreCollected() {
        List<Problem> problems = loadProblems("""
                sites = [ { name = "site-a" }, { } ]
                pools = [
                  { role = front-end }
                ]
                """);
        assertThat(formatted(problems)).containsExactly(
                "t.conf:1: format-version: missing required field 'format-version'",
                "t.conf:1: product-version: missing required field (\"2015\" or \"2019\")",
                "t.conf:1: cms-pool: missing required field 'cms-pool'",
                "t.conf:1: sites[1].name: missing required field 'name'",
                "t.conf:3: pools[0].name: missing required field 'name'",
                "t.conf:3: pools[0].site: missing required field 'site'",
                "t.conf:3: pools[0].servers: missing required field 'servers'");
    }

    @Test
    void missingRoleListsTheAllowedRoles() {
        String text = withPools("{ name = \"pool-a\", site = \"site-a\", servers = [ \"a\" ] }");
        assertThat(formatted(loadProblems(text))).containsExactly("t.conf:6: pools[0].role: missing required field "
                + "'role'; allowed: front-end, edge, mediation, director, persistent-chat");
    }

    @Test
    void wrongTypesAreReportedAtTheValueLine() {
        String text = withPools("""
                {
                  name = "pool-a"
                  role = front-end
                  site = [ "site-a" ]
                  servers = "a-fe1"
                  users = lots
                  collocated-mediation = 1
                  calls = 1.5
                  remote-users = 99999999999
                }
                "pool-b"
                """);
        List<Problem> problems = loadProblems(text);
        assertThat(formatted(problems)).containsExactly(
                "t.conf:" + lineOf(text, "site = [") + ": pools[0].site: expected a string but found a list",
                "t.conf:" + lineOf(text, "servers =") + ": pools[0].servers: expected a list [ ... ] but found a string (\"a-fe1\")",
                "t.conf:" + lineOf(text, "lots") + ": pools[0].users: expected a whole number but found a string (\"lots\")",
                "t.conf:" + lineOf(text, "collocated") + ": pools[0].collocated-mediation: expected true or false but found a number (1)",
                "t.conf:" + lineOf(text, "1.5") + ": pools[0].calls: expected a whole number but found 1.5",
                "t.conf:" + lineOf(text, "99999999999") + ": pools[0].remote-users: number 99999999999 is out of range (at most 2147483647)",
                "t.conf:" + lineOf(text, "\"pool-b\"") + ": pools[1]: expected a pool object { name = ..., role = ..., ... } but found a string (\"pool-b\")");
    }

    @Test
    void nonPositiveNumbersAreErrors() {
        String text = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1" ],
                  users = -1,
                  routing-groups = 0,
                  calls = -5 }""");
        assertThat(formatted(loadProblems(text))).containsExactly(
                "t.conf:" + lineOf(text, "users = -1") + ": pools[0].users: must not be negative, got -1",
                "t.conf:" + lineOf(text, "routing-groups = 0") + ": pools[0].routing-groups: must be at least 1, got 0",
                "t.conf:" + lineOf(text, "calls = -5") + ": pools[0].calls: must not be negative, got -5");
    }

    @Test
    void emptyListsAndEmptyNamesAreErrors() {
        String text = """
                format-version = 1
                product-version = "2015"
                cms-pool = "pool-a"
                sites = []
                pools = [ { name = "", role = edge, site = "site-a", servers = [] } ]
                """;
        assertThat(formatted(loadProblems(text))).containsExactly(
                "t.conf:4: sites: must not be empty",
                "t.conf:5: pools[0].name: name must not be empty",
                "t.conf:5: pools[0].servers: must not be empty");
    }

    @Test
    void formatAndProductVersions() {
        assertThat(formatted(loadProblems(withPools(ONE_POOL).replace("format-version = 1", "format-version = 2"))))
                .containsExactly("t.conf:1: format-version: unsupported format-version 2; "
                        + "this version of Poolpair reads format-version 1");
        assertThat(formatted(loadProblems(withPools(ONE_POOL).replace("\"2015\"", "2013"))))
                .containsExactly("t.conf:2: product-version: unknown product-version '2013'; allowed: 2015, 2019");
        assertThat(TopologyLoader.parse(withPools(ONE_POOL).replace("\"2015\"", "2019"), "t.conf").version())
                .isEqualTo(ProductVersion.SFB_2019);
        assertThat(TopologyLoader.parse(withPools(ONE_POOL), "t.conf").version()).isEqualTo(ProductVersion.SFB_2015);
    }

    @Test
    void defaultsAreApplied() {
        String text = withPools("""
                { name = "pool-a", role = front-end, site = "site-a", servers = [ "a1", "a2", "a3" ] }
                { name = "se", role = front-end, edition = standard, site = "site-a", servers = [ "se1" ] }
                { name = "e", role = edge, site = "site-a", servers = [ "e1", "e2" ], next-hop = "pool-a" }
                { name = "pc", role = persistent-chat, site = "site-a", servers = [ "pc1" ], backup-pool = null }""");
        Topology t = TopologyLoader.parse(text, "t.conf");
        PoolSpec fe = t.pool("pool-a").orElseThrow();
        assertThat(fe.edition()).isEqualTo(Edition.ENTERPRISE);
        assertThat(fe.users()).isZero();
        assertThat(fe.routingGroups()).isEqualTo(60);
        assertThat(fe.collocatedMediation()).isTrue();
        assertThat(fe.calls()).isZero();
        assertThat(fe.remoteUsers()).isZero();
        assertThat(fe.fileStore()).isNull();
        assertThat(fe.backupPool()).isNull();
        assertThat(fe.nextHop()).isNull();
        assertThat(fe.backendMode()).isEqualTo(BackendMode.MIRRORING_WITNESS);
        assertThat(fe.fieldOrigins()).containsOnlyKeys("name", "role", "site", "servers");
        assertThat(fe.originOf("users")).isEqualTo(fe.origin());
        assertThat(t.pool("se").orElseThrow().backendMode()).isEqualTo(BackendMode.NONE);
        assertThat(t.pool("e").orElseThrow().backendMode()).isEqualTo(BackendMode.NONE);
        assertThat(t.pool("e").orElseThrow().collocatedMediation()).isFalse();
        assertThat(t.pool("pc").orElseThrow().backendMode()).isEqualTo(BackendMode.MIRRORING_WITNESS);
        assertThat(t.pool("pc").orElseThrow().backupPool()).isNull();

        Topology t19 = TopologyLoader.parse(text.replace("\"2015\"", "\"2019\""), "t.conf");
        assertThat(t19.pool("pool-a").orElseThrow().backendMode()).isEqualTo(BackendMode.ALWAYSON_AG);
        assertThat(t19.pool("se").orElseThrow().backendMode()).isEqualTo(BackendMode.NONE);
    }

    @Test
    void problemsAreSortedByLine() {
        String text = """
                format-version = 1
                product-version = "2015"
                cms-pool = "pool-a"
                sites = [ { name = "site-a" } ]
                pools = [
                  { name = "a", role = x, site = "site-a", servers = [ "a1" ] }
                ]
                extra = 1
                """;
        assertThat(loadProblems(text)).extracting(p -> p.origin().line()).containsExactly(6, 8);
    }

    @Property(tries = 50)
    void serverOrderIsFileOrderAndRoutingGroupsDefaultTo20PerServer(@ForAll @IntRange(min = 1, max = 16) int n) {
        String servers = IntStream.rangeClosed(1, n).mapToObj(i -> "\"s" + (n - i) + "\"")
                .collect(Collectors.joining(", "));
        String text = withPools("{ name = \"pool-a\", role = front-end, site = \"site-a\", servers = [ " + servers + " ] }");
        PoolSpec p = TopologyLoader.parse(text, "t.conf").pools().get(0);
        assertThat(p.serverNames()).containsExactlyElementsOf(
                IntStream.rangeClosed(1, n).mapToObj(i -> "s" + (n - i)).toList());
        assertThat(p.routingGroups()).isEqualTo(20 * n);
    }
}
