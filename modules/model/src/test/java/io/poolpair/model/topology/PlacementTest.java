package io.poolpair.model.topology;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.poolpair.model.topology.TopologyLoaderTest.lineOf;
import static io.poolpair.model.topology.TopologyLoaderTest.loadProblems;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code placement} section: which node hosts which servers (docs/topology.md#placement). */
class PlacementTest {

    /** Two sites; pool-a (3 FEs) and edge-a in site-a, pool-b (3 FEs) in site-b, and a stretched Persistent Chat pool. */
    static final String TOPOLOGY = """
            format-version = 1
            product-version = "2015"
            cms-pool = "pool-a"
            sites = [ { name = "site-a" }, { name = "site-b" } ]
            pools = [
              { name = "pool-a", role = front-end, site = "site-a", servers = [ "a-fe1", "a-fe2", "a-fe3" ], backup-pool = "pool-b" }
              { name = "pool-b", role = front-end, site = "site-b", servers = [ "b-fe1", "b-fe2", "b-fe3" ], backup-pool = "pool-a" }
              { name = "edge-a", role = edge, site = "site-a", servers = [ "a-edge1", "a-edge2" ], next-hop = "pool-a" }
              { name = "pc", role = persistent-chat, site = "site-a",
                servers = [ "pc-a1", { name = "pc-b1", site = "site-b", standby = true } ] }
            ]
            """;

    static final String GOOD_NODES = """
            { name = "a1", site = "site-a", servers = [ "a-fe1", "a-edge1", "pc-a1" ] }
            { name = "a2", site = "site-a", servers = [ "a-fe2", "a-edge2" ] }
            { name = "a3", site = "site-a", servers = [ "a-fe3" ] }
            { name = "b1", site = "site-b", servers = [ "b-fe1", "pc-b1" ] }
            { name = "b2", site = "site-b", servers = [ "b-fe2" ] }
            { name = "b3", site = "site-b", servers = [ "b-fe3" ] }
            """;

    static String withNodes(String nodes) {
        return TOPOLOGY + "placement {\n  nodes = [\n" + nodes + "  ]\n}\n";
    }

    static List<Problem> validate(String text) {
        return TopologyValidator.validate(TopologyLoader.parse(text, "t.conf"));
    }

    static List<Problem> errors(String text) {
        return validate(text).stream().filter(Problem::isError).toList();
    }

    static List<Problem> warnings(String text) {
        return validate(text).stream().filter(p -> !p.isError()).toList();
    }

    @Test
    void aTopologyWithoutPlacementHasNone() {
        Topology t = TopologyLoader.parse(TOPOLOGY, "t.conf");
        assertThat(t.placement()).isNull();
        assertThat(t.placementIfAny()).isEmpty();
        assertThat(validate(TOPOLOGY)).isEmpty();
    }

    @Test
    void aGoodPlacementLoadsInFileOrderAndValidatesWithoutProblems() {
        String text = withNodes(GOOD_NODES);
        Topology t = TopologyLoader.parse(text, "t.conf");
        Placement p = t.placement();
        assertThat(p.names()).containsExactly("a1", "a2", "a3", "b1", "b2", "b3");
        assertThat(p.node("a1").orElseThrow().servers()).containsExactly("a-fe1", "a-edge1", "pc-a1");
        assertThat(p.node("a1").orElseThrow().site()).isEqualTo("site-a");
        assertThat(p.node("a2").orElseThrow().serverOrigins().get(1).line()).isEqualTo(lineOf(text, "\"a2\""));
        assertThat(p.nodeOf("pc-b1").orElseThrow().name()).isEqualTo("b1");
        assertThat(p.nodesIn("site-b")).extracting(NodeSpec::name).containsExactly("b1", "b2", "b3");
        assertThat(p.indexOf("b2")).isEqualTo(4);
        assertThat(p.indexOf("zz")).isEqualTo(-1);
        assertThat(validate(text)).isEmpty();
    }

    @Test
    void theSeedNodesAreTheFirstNodeOfEachSiteInTheOrderOfTheSites() {
        String text = withNodes("""
                { name = "b9", site = "site-b", servers = [ "b-fe1", "b-fe2", "b-fe3", "pc-b1" ] }
                { name = "a7", site = "site-a", servers = [ "a-fe1", "a-edge1", "pc-a1" ] }
                { name = "a8", site = "site-a", servers = [ "a-fe2", "a-fe3", "a-edge2" ] }
                """);
        Topology t = TopologyLoader.parse(text, "t.conf");
        assertThat(t.placement().seedNodes(t.sites())).extracting(NodeSpec::name).containsExactly("a7", "b9");
    }

    @Test
    void aNodeMayHostNothing() {
        String text = withNodes(GOOD_NODES + "    { name = \"spare\", site = \"site-b\" }\n");
        Topology t = TopologyLoader.parse(text, "t.conf");
        assertThat(t.placement().node("spare").orElseThrow().servers()).isEmpty();
        assertThat(errors(text)).isEmpty();
    }

    // --- loading -------------------------------------------------------------------------------------------------

    @Test
    void structuralProblemsAreReportedAtTheirLineAndField() {
        String text = withNodes("""
                { name = "a1", site = "site-a", servers = [ "a-fe1", 7 ], port = 2552 }
                { site = "site-a" }
                "b1"
                { name = "bad name", site = "site-b", servers = "b-fe1" }
                """);
        List<Problem> problems = loadProblems(text);
        assertThat(problems).extracting(Problem::field).containsExactly(
                "placement.nodes[0].port", "placement.nodes[0].servers[1]", "placement.nodes[1].name",
                "placement.nodes[2]", "placement.nodes[3].name", "placement.nodes[3].servers");
        assertThat(problems).allSatisfy(p -> assertThat(p.isError()).isTrue());
        assertThat(problems.get(1).origin().line()).isEqualTo(lineOf(text, "\"a-fe1\", 7"));
        assertThat(problems.get(1).message()).contains("expected a server name");
        assertThat(problems.get(0).message()).startsWith("unknown field 'port'").contains("allowed: name, site, servers");
        assertThat(problems.get(2).message()).contains("missing required field 'name'");
        assertThat(problems.get(3).message()).contains("expected a node object");
        assertThat(problems.get(4).message()).contains("'bad name'").contains("letters, digits");
        assertThat(problems.get(5).message()).contains("expected a list of server names");
        assertThat(problems.get(5).origin().line()).isEqualTo(lineOf(text, "bad name"));
    }

    @Test
    void placementMustBeAnObjectWithANonEmptyListOfNodes() {
        assertThat(loadProblems(TOPOLOGY + "placement = [ \"a1\" ]\n")).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement");
            assertThat(p.message()).contains("expected an object placement { nodes = [ ... ] }");
        });
        assertThat(loadProblems(TOPOLOGY + "placement { nodes = [] }\n")).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes");
            assertThat(p.message()).isEqualTo("must not be empty");
        });
        assertThat(loadProblems(TOPOLOGY + "placement { }\n")).singleElement().satisfies(p ->
                assertThat(p.field()).isEqualTo("placement.nodes"));
        assertThat(loadProblems(TOPOLOGY + "placement { nodez = [] }\n")).extracting(Problem::field)
                .containsExactly("placement.nodez", "placement.nodes");
    }

    // --- validation: errors --------------------------------------------------------------------------------------

    @Test
    void nodeNamesAreUnique() {
        String text = withNodes(GOOD_NODES + "    { name = \"a2\", site = \"site-a\" }\n");
        assertThat(errors(text)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes[6].name");
            assertThat(p.message()).isEqualTo("duplicate node name 'a2' (first defined at line " + lineOf(text, "\"a2\", site = \"site-a\", servers") + ")");
        });
    }

    @Test
    void aNodesSiteMustExist() {
        String text = withNodes(GOOD_NODES + "    { name = \"c1\", site = \"site-c\" }\n");
        assertThat(errors(text)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes[6].site");
            assertThat(p.origin().line()).isEqualTo(lineOf(text, "site-c"));
            assertThat(p.message()).isEqualTo("unknown site 'site-c' for node 'c1'; sites: site-a, site-b");
        });
    }

    @Test
    void everyServerIsPlacedExactlyOnce() {
        String text = withNodes(GOOD_NODES.replace("\"a-fe3\"", "\"a-fe2\"").replace("\"b-fe2\"", "\"b-fe2\", \"a-fe1\""));
        List<Problem> errors = errors(text);
        assertThat(errors).extracting(Problem::field).containsExactly(
                "pools[0].servers[2]", "placement.nodes[2].servers[0]", "placement.nodes[4].servers[1]");
        assertThat(errors.get(0).message()).isEqualTo("server 'a-fe3' is on no node: the placement (line "
                + lineOf(text, "placement {") + ") must place every server on exactly one node of its site");
        assertThat(errors.get(0).origin().line()).isEqualTo(lineOf(text, "\"a-fe3\""));
        assertThat(errors.get(1).message()).isEqualTo("server 'a-fe2' is already placed on node 'a2' (line "
                + lineOf(text, "\"a2\"") + "); a server runs on exactly one node");
        assertThat(errors.get(2).message()).startsWith("server 'a-fe1' is already placed on node 'a1'");
    }

    @Test
    void anUnknownServerOrAPoolNameIsAnError() {
        String text = withNodes(GOOD_NODES.replace("\"a-fe3\"", "\"a-fe3\", \"a-fe33\", \"edge-a\""));
        List<Problem> errors = errors(text);
        assertThat(errors).extracting(Problem::field)
                .containsExactly("placement.nodes[2].servers[1]", "placement.nodes[2].servers[2]");
        assertThat(errors.get(0).message()).isEqualTo("unknown server 'a-fe33' (did you mean 'a-fe3'?); a node hosts servers of the pools");
        assertThat(errors.get(1).message()).isEqualTo("'edge-a' is a pool, not a server: place its servers (a-edge1, a-edge2)");
    }

    @Test
    void aServerRunsOnANodeOfItsOwnSite() {
        String text = withNodes(GOOD_NODES.replace("\"b-fe3\"", "\"b-fe3\", \"a-edge2\"").replace("\"a-fe2\", \"a-edge2\"", "\"a-fe2\""));
        assertThat(errors(text)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes[5].servers[1]");
            assertThat(p.message()).isEqualTo("server 'a-edge2' is in site 'site-a' but node 'b3' is in site 'site-b'; "
                    + "a server runs on a node of its own site");
        });
    }

    @Test
    void aStretchedPersistentChatServerRunsInItsOwnSiteNotItsPools() {
        // pc-b1 belongs to pool pc (site-a) but sits in site-b: a site-a node is wrong for it
        String text = withNodes(GOOD_NODES.replace(", \"pc-b1\"", "").replace("\"a-fe3\"", "\"a-fe3\", \"pc-b1\""));
        assertThat(errors(text)).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes[2].servers[1]");
            assertThat(p.message()).isEqualTo("server 'pc-b1' is in site 'site-b' (its own site in the stretched pool 'pc') "
                    + "but node 'a3' is in site 'site-a'; a server runs on a node of its own site");
        });
    }

    // --- validation: warnings ------------------------------------------------------------------------------------

    @Test
    void aFrontEndPoolOnFewerThanThreeNodesOfItsSiteIsWarned() {
        String text = withNodes("""
                { name = "a1", site = "site-a", servers = [ "a-fe1", "a-fe2", "a-edge1", "pc-a1" ] }
                { name = "a2", site = "site-a", servers = [ "a-fe3", "a-edge2" ] }
                { name = "b1", site = "site-b", servers = [ "b-fe1", "b-fe2", "b-fe3", "pc-b1" ] }
                """);
        assertThat(errors(text)).isEmpty();
        List<Problem> warnings = warnings(text);
        assertThat(warnings).extracting(Problem::field)
                .containsExactly("pools[0].servers", "pools[1].servers", "placement.nodes[1].site");
        assertThat(warnings.get(0).message()).isEqualTo("Front End pool 'pool-a' runs on 2 nodes of site 'site-a' (a1, a2); "
                + "spread its servers over at least 3 nodes, so that a node lost in a multi-node test is a part of the pool, not all of it");
        assertThat(warnings.get(0).origin().line()).isEqualTo(lineOf(text, "\"a-fe1\", \"a-fe2\", \"a-fe3\""));
        assertThat(warnings.get(1).message()).startsWith("Front End pool 'pool-b' runs on 1 node of site 'site-b' (b1);");
    }

    @Test
    void aFrontEndPoolWithFewerThanThreeServersNeedsOnlyAsManyNodes() {
        String text = """
                format-version = 1
                product-version = "2015"
                cms-pool = "se"
                sites = [ { name = "s" } ]
                pools = [
                  { name = "se", role = front-end, edition = standard, site = "s", servers = [ "se1" ] }
                  { name = "two", role = front-end, site = "s", servers = [ "t1", "t2" ] }
                ]
                placement { nodes = [
                  { name = "n1", site = "s", servers = [ "se1", "t1" ] }
                  { name = "n2", site = "s", servers = [ "t2" ] }
                  { name = "n3", site = "s" }
                ] }
                """;
        assertThat(validate(text)).extracting(Problem::message).noneMatch(m -> m.contains("runs on"));
        String together = text.replace("\"se1\", \"t1\"", "\"se1\", \"t1\", \"t2\"").replace("servers = [ \"t2\" ]", "servers = [ ]");
        assertThat(warnings(together)).extracting(Problem::message)
                .anyMatch(m -> m.startsWith("Front End pool 'two' runs on 1 node of site 's' (n1); spread its servers over at least 2 nodes"));
    }

    @Test
    void aSiteWithTwoNodesIsWarned() {
        String text = withNodes(GOOD_NODES.replace("{ name = \"b3\", site = \"site-b\", servers = [ \"b-fe3\" ] }", "")
                .replace("\"b-fe2\"", "\"b-fe2\", \"b-fe3\""));
        assertThat(errors(text)).isEmpty();
        // pool-b now runs on 2 nodes too, which is warned on its own
        assertThat(warnings(text)).extracting(Problem::field).containsExactly("pools[1].servers", "placement.nodes[4].site");
        assertThat(warnings(text).get(1)).satisfies(p -> {
            assertThat(p.field()).isEqualTo("placement.nodes[4].site");
            assertThat(p.message()).startsWith("site 'site-b' has 2 nodes (b1, b2): the split-brain resolver keeps a majority");
        });
    }

    @Test
    void theClusterExampleIsValidWithoutWarningsAndSpreadsEachFrontEndPoolOverThreeNodes() {
        Path file = Path.of("../../examples/cluster-two-sites.conf");
        Topology t = TopologyLoader.load(file);
        assertThat(TopologyValidator.validate(t)).isEmpty();
        assertThat(t.placement().nodes()).hasSize(6);
        for (String site : List.of("site-a", "site-b")) {
            assertThat(t.placement().nodesIn(site)).hasSize(3);
        }
        for (PoolSpec pool : t.poolsOf(Role.FRONT_END)) {
            assertThat(pool.serverNames().stream().map(s -> t.placement().nodeOf(s).orElseThrow().name()).distinct())
                    .as(pool.name()).hasSize(3);
        }
        assertThat(t.placement().seedNodes(t.sites())).extracting(NodeSpec::name).containsExactly("a1", "b1");
        // the same pools as the built-in default
        Topology d = TopologyLoader.loadDefault();
        assertThat(t.pools()).extracting(PoolSpec::name).containsExactlyElementsOf(d.pools().stream().map(PoolSpec::name).toList());
        assertThat(t.pools()).extracting(PoolSpec::serverNames)
                .containsExactlyElementsOf(d.pools().stream().map(PoolSpec::serverNames).toList());
    }
}
