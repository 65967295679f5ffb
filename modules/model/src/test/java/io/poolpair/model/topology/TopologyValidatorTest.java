package io.poolpair.model.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.poolpair.model.topology.TopologyLoaderTest.lineOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyValidatorTest {

    // --- helpers -----------------------------------------------------------------------------------------------

    static String topology(String version, String pools) {
        return """
                format-version = 1
                product-version = "%s"
                cms-pool = "pool-a"
                sites = [ { name = "site-a" }, { name = "site-b" } ]
                pools = [
                %s
                ]
                """.formatted(version, pools);
    }

    static String t2015(String... pools) { return topology("2015", String.join("\n", pools)); }

    static String t2019(String... pools) { return topology("2019", String.join("\n", pools)); }

    /** A one-line Front End pool whose servers are NAME-1 .. NAME-n; {@code extra} is appended inside the braces. */
    static String fe(String name, String site, int servers, String extra) {
        return pool(name, "front-end", site, servers, extra);
    }

    static String pool(String name, String role, String site, int servers, String extra) {
        String list = IntStream.rangeClosed(1, servers).mapToObj(i -> "\"" + name + "-" + i + "\"")
                .collect(Collectors.joining(", "));
        return "  { name = \"" + name + "\", role = " + role + ", site = \"" + site + "\", servers = [ " + list + " ]"
                + (extra.isEmpty() ? "" : ", " + extra) + " }";
    }

    static List<Problem> validate(String text) {
        return TopologyValidator.validate(TopologyLoader.parse(text, "t.conf"));
    }

    static List<String> errors(String text) {
        return validate(text).stream().filter(Problem::isError).map(Problem::format).toList();
    }

    static List<String> warnings(String text) {
        return validate(text).stream().filter(p -> !p.isError()).map(Problem::format).toList();
    }

    /** "t.conf:LINE: field: " for the line holding marker. */
    static String at(String text, String marker, String field) {
        return "t.conf:" + lineOf(text, marker) + ": " + field + ": ";
    }

    static String warnAt(String text, String marker, String field) {
        return "t.conf:" + lineOf(text, marker) + ": warning: " + field + ": ";
    }

    static Topology withPool(Topology t, int index, UnaryOperator<PoolSpec> change) {
        List<PoolSpec> pools = new ArrayList<>(t.pools());
        pools.set(index, change.apply(pools.get(index)));
        return new Topology(t.file(), t.formatVersion(), t.version(), t.sites(), pools, t.cmsPool(), t.origin());
    }

    static PoolSpec counts(PoolSpec p, int users, int routingGroups, int calls, int remoteUsers) {
        return new PoolSpec(p.name(), p.role(), p.edition(), p.site(), p.servers(), users, routingGroups,
                p.collocatedMediation(), calls, remoteUsers, p.fileStore(), p.backupPool(), p.backendMode(),
                p.nextHop(), p.origin(), p.fieldOrigins());
    }

    static final String PAIR_A = fe("pool-a", "site-a", 3, "backup-pool = \"pool-b\"");
    static final String PAIR_B = fe("pool-b", "site-b", 3, "backup-pool = \"pool-a\"");

    // --- clean topologies --------------------------------------------------------------------------------------

    @Test
    void defaultTopologyHasNoProblems() {
        assertThat(TopologyValidator.validate(TopologyLoader.loadDefault())).isEmpty();
    }

    @Test
    void aSimplePairHasNoProblems() {
        assertThat(validate(t2015(PAIR_A, PAIR_B))).isEmpty();
        assertThat(validate(t2019(PAIR_A, PAIR_B))).isEmpty();
    }

    // --- names ---------------------------------------------------------------------------------------------------

    @Test
    void duplicatePoolNames() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                "  { name = \"pool-a\", role = director, site = \"site-b\", servers = [ \"d1\", \"d2\" ] }");
        assertThat(errors(text)).containsExactly(at(text, "role = director", "pools[1].name")
                + "duplicate pool name 'pool-a' (first defined at line " + lineOf(text, "pool-a-1") + ")");
    }

    @Test
    void duplicateServerNamesAcrossPools() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                "  { name = \"dir\", role = director, site = \"site-a\",",
                "    servers = [ \"d1\", \"pool-a-2\" ] }");
        assertThat(errors(text)).containsExactly(at(text, "\"d1\", \"pool-a-2\"", "pools[1].servers[1].name")
                + "duplicate server name 'pool-a-2' (already in pool 'pool-a' at line " + lineOf(text, "pool-a-1") + ")");
    }

    @Test
    void duplicateServerNameInsideOnePool() {
        String text = t2015("  { name = \"pool-a\", role = front-end, site = \"site-a\", servers = [ \"x\", \"y\", \"x\" ] }");
        assertThat(errors(text)).singleElement().asString().contains("pools[0].servers[2].name: duplicate server name 'x'");
    }

    @Test
    void serverNamedLikeAPool() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                "  { name = \"dir\", role = director, site = \"site-a\", servers = [ \"d1\", \"pool-a\" ] }");
        assertThat(errors(text)).containsExactly(at(text, "\"d1\", \"pool-a\"", "pools[1].servers[1].name")
                + "server name 'pool-a' is also the name of pool 'pool-a' (line " + lineOf(text, "pool-a-1")
                + "); names must be unique across pools and servers");
    }

    @Test
    void duplicateSiteNames() {
        String text = t2015(fe("pool-a", "site-a", 3, "")).replace("{ name = \"site-b\" }", "{ name = \"site-a\" }");
        assertThat(errors(text)).containsExactly("t.conf:4: sites[1].name: duplicate site name 'site-a' (first defined at line 4)");
    }

    // --- sites and cms ---------------------------------------------------------------------------------------------

    @Test
    void unknownPoolSiteAndServerSite() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                "  { name = \"pc\", role = persistent-chat,",
                "    site = \"site-c\",",
                "    servers = [ \"pc1\",",
                "      { name = \"pc2\", site = \"site-x\", standby = true } ] }");
        assertThat(errors(text)).containsExactly(
                at(text, "site-c", "pools[1].site") + "unknown site 'site-c'; sites: site-a, site-b",
                at(text, "site-x", "pools[1].servers[1].site") + "unknown site 'site-x' for server 'pc2'; sites: site-a, site-b");
    }

    @Test
    void onlyPersistentChatPoolsMayBeStretched() {
        String text = t2015(fe("pool-a", "site-a", 2, ""),
                "  { name = \"dir\", role = director, site = \"site-a\",",
                "    servers = [ \"d1\", { name = \"d2\", site = \"site-b\" } ] }");
        assertThat(errors(text)).containsExactly(at(text, "\"d2\"", "pools[1].servers[1].site")
                + "server 'd2' is in site 'site-b' but its director pool 'dir' is in site 'site-a'; "
                + "only persistent-chat pools may be stretched across sites [S21]");
    }

    @Test
    void cmsPoolUnknownOrNotFrontEnd() {
        String unknown = t2015(fe("pool-x", "site-a", 3, ""));
        assertThat(errors(unknown)).containsExactly("t.conf:3: cms-pool: unknown pool 'pool-a'; front-end pools: pool-x");

        String edge = t2015(pool("pool-a", "edge", "site-a", 2, "next-hop = \"fe\""), fe("fe", "site-a", 3, ""));
        assertThat(errors(edge)).containsExactly(
                "t.conf:3: cms-pool: pool 'pool-a' is an edge pool; the Central Management Store must be on a front-end pool");
    }

    @Test
    void cmsPoolProblemUsesTheCmsPoolLine() {
        String text = """
                format-version = 1
                product-version = "2015"
                sites = [ { name = "site-a" } ]
                pools = [ { name = "fe", role = front-end, site = "site-a", servers = [ "fe1" ] } ]

                cms-pool = "nope"
                """;
        assertThat(errors(text)).containsExactly("t.conf:6: cms-pool: unknown pool 'nope'; front-end pools: fe");
    }

    // --- Front End pool size ------------------------------------------------------------------------------------

    @Test
    void enterprisePoolSizeLimits() {
        String t13 = t2015(fe("pool-a", "site-a", 13, ""));
        assertThat(errors(t13)).containsExactly(at(t13, "pool-a-13", "pools[0].servers")
                + "13 Front Ends in pool 'pool-a' exceed the SfB 2015 limit of 12 per Enterprise pool [S15][S16]");
        assertThat(errors(t2015(fe("pool-a", "site-a", 12, "")))).isEmpty();
        assertThat(errors(t2019(fe("pool-a", "site-a", 16, "")))).isEmpty();
        String t17 = t2019(fe("pool-a", "site-a", 17, ""));
        assertThat(errors(t17)).singleElement().asString()
                .contains("17 Front Ends in pool 'pool-a' exceed the SfB 2019 limit of 16 per Enterprise pool");
    }

    @Test
    void twoFrontEndEnterprisePoolIsRefusedIn2019AndDiscouragedIn2015() {
        String t19 = t2019(fe("pool-a", "site-a", 2, ""));
        assertThat(errors(t19)).containsExactly(at(t19, "pool-a-2", "pools[0].servers")
                + "SfB 2019 refuses to publish an Enterprise pool with exactly 2 Front Ends; use 3 or more, or Standard Edition [S2]");
        String t15 = t2015(fe("pool-a", "site-a", 2, ""));
        assertThat(errors(t15)).isEmpty();
        assertThat(warnings(t15)).singleElement().asString().startsWith(warnAt(t15, "pool-a-2", "pools[0].servers")
                + "an Enterprise pool with exactly 2 Front Ends is not recommended");
    }

    @Test
    void standardEditionPoolHasExactlyOneServer() {
        String text = t2015(fe("pool-a", "site-a", 2, "edition = standard"));
        assertThat(errors(text)).containsExactly(at(text, "pool-a-2", "pools[0].servers")
                + "a Standard Edition pool has exactly 1 server, 'pool-a' lists 2");
        assertThat(validate(t2015(fe("pool-a", "site-a", 1, "edition = standard")))).isEmpty();
    }

    // --- pairing ---------------------------------------------------------------------------------------------------

    @Test
    void backupPoolMustBeAnExistingOtherFrontEndPool() {
        String text = t2015(
                fe("pool-a", "site-a", 3, "backup-pool = \"pool-z\""),
                fe("pool-b", "site-b", 3, "backup-pool = \"pool-b\""),
                fe("pool-c", "site-b", 3, "backup-pool = \"dir\""),
                pool("dir", "director", "site-a", 2, ""));
        assertThat(errors(text)).containsExactly(
                at(text, "pool-z", "pools[0].backup-pool") + "unknown pool 'pool-z'; front-end pools: pool-a, pool-b, pool-c",
                at(text, "pool-b-1", "pools[1].backup-pool") + "pool 'pool-b' cannot be its own backup pool",
                at(text, "pool-c-1", "pools[2].backup-pool") + "pool 'dir' is a director pool; a backup pool must be a front-end pool");
    }

    @Test
    void backupPoolOnANonFrontEndPool() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                pool("dir", "director", "site-a", 2, "backup-pool = \"pool-a\""));
        assertThat(errors(text)).containsExactly(at(text, "dir-1", "pools[1].backup-pool")
                + "only front-end pools can be paired; 'dir' is a director pool");
    }

    @Test
    void pairingMustBeReciprocal() {
        String text = t2015(fe("pool-a", "site-a", 3, "backup-pool = \"pool-b\""), fe("pool-b", "site-b", 3, ""));
        assertThat(errors(text)).containsExactly(at(text, "pool-a-1", "pools[0].backup-pool")
                + "pairing must be reciprocal: pool 'pool-b' has no backup-pool; set backup-pool = \"pool-a\" in pool 'pool-b' [S3]");
    }

    @Test
    void pairingIsOneToOne() {
        String text = t2015(PAIR_A, PAIR_B, fe("pool-c", "site-b", 3, "backup-pool = \"pool-b\""));
        assertThat(errors(text)).containsExactly(at(text, "pool-c-1", "pools[2].backup-pool")
                + "pool 'pool-b' is already paired with 'pool-a' (line " + lineOf(text, "pool-b-1") + "); pairing is 1:1 [S3]");

        // two pools name a third, which names neither: the first is not reciprocal, the second is the double claim
        String twice = t2015(fe("pool-a", "site-a", 3, "backup-pool = \"pool-b\""), fe("pool-b", "site-b", 3, ""),
                fe("pool-c", "site-b", 3, "backup-pool = \"pool-b\""));
        List<String> errors = errors(twice);
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith(at(twice, "pool-a-1", "pools[0].backup-pool") + "pairing must be reciprocal");
        assertThat(errors.get(1)).startsWith(at(twice, "pool-c-1", "pools[2].backup-pool")
                + "pool 'pool-b' is already paired with 'pool-a'");
    }

    @Test
    void pairedPoolsInOneSiteWarn() {
        String text = t2015(PAIR_A, fe("pool-b", "site-a", 3, "backup-pool = \"pool-a\""));
        assertThat(errors(text)).isEmpty();
        assertThat(warnings(text)).containsExactly(warnAt(text, "pool-a-1", "pools[0].backup-pool")
                + "paired pools 'pool-a' and 'pool-b' are both in site 'site-a'; disaster recovery needs the pair in two sites [S3]");
    }

    @Test
    void enterprisePairedWithStandardWarns() {
        String text = t2015(PAIR_A, fe("pool-b", "site-b", 1, "edition = standard, backup-pool = \"pool-a\""));
        assertThat(errors(text)).isEmpty();
        assertThat(warnings(text)).containsExactly(warnAt(text, "pool-a-1", "pools[0].backup-pool")
                + "unsupported pairing (Topology Builder accepts it): 'pool-a' is enterprise edition and 'pool-b' is "
                + "standard edition; pair Enterprise with Enterprise and Standard with Standard [S3][L7]");
    }

    @Test
    void differentBackendModesAcrossAPairWarn() {
        String text = t2015(PAIR_A, fe("pool-b", "site-b", 3, "backup-pool = \"pool-a\", backend-mode = sql-cluster"));
        assertThat(warnings(text)).containsExactly(warnAt(text, "pool-a-1", "pools[0].backup-pool")
                + "paired pools use different back-end modes ('pool-a': mirroring-witness, 'pool-b': sql-cluster); "
                + "both pools of a pair should use the same Back End HA method [S5][L4]");
    }

    // --- back end and persistent chat ---------------------------------------------------------------------------

    @Test
    void mirroringIsRefusedIn2019() {
        String text = t2019(
                "  {",
                "    name = \"pool-a\"",
                "    role = front-end",
                "    site = \"site-a\"",
                "    servers = [ \"a1\", \"a2\", \"a3\" ]",
                "    backend-mode = mirroring",
                "  }",
                fe("pool-b", "site-b", 3, "backend-mode = mirroring-witness"));
        assertThat(errors(text)).containsExactly(
                "t.conf:" + (lineOf(text, "\"a3\"") + 1) + ": pools[0].backend-mode: "
                        + "SQL mirroring ('mirroring') is not supported in SfB 2019; use alwayson-ag, alwayson-fci or sql-cluster [S5]",
                at(text, "mirroring-witness", "pools[1].backend-mode")
                        + "SQL mirroring ('mirroring-witness') is not supported in SfB 2019; use alwayson-ag, alwayson-fci or sql-cluster [S5]");
        assertThat(errors(t2015(fe("pool-a", "site-a", 3, "backend-mode = mirroring")))).isEmpty();
    }

    @Test
    void availabilityGroupsAreRefusedForPersistentChat() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                pool("pc", "persistent-chat", "site-a", 2, "backend-mode = alwayson-ag"));
        assertThat(errors(text)).containsExactly(at(text, "pc-1", "pools[1].backend-mode")
                + "AlwaysOn Availability Groups are not supported for Persistent Chat databases; use mirroring-witness or mirroring [S21]");
    }

    @Test
    void persistentChatIsRefusedIn2019() {
        String text = t2019(fe("pool-a", "site-a", 3, ""), pool("pc", "persistent-chat", "site-a", 2, "backend-mode = sql-cluster"));
        assertThat(errors(text)).containsExactly(at(text, "pc-1", "pools[1].role")
                + "Persistent Chat was removed in SfB 2019; pool 'pc' needs product-version 2015 [S22]");
    }

    @Test
    void atMostFourActivePersistentChatServers() {
        String text = t2015(fe("pool-a", "site-a", 3, ""), pool("pc", "persistent-chat", "site-a", 5, ""));
        assertThat(errors(text)).containsExactly(at(text, "pc-1", "pools[1].servers")
                + "5 active persistent chat servers in pool 'pc' exceed the maximum of 4 active per pool; mark the others standby = true [S22]");
    }

    @Test
    void stretchedPersistentChatWithFourActiveAndFourStandbyIsValid() {
        String standby = IntStream.rangeClosed(1, 4)
                .mapToObj(i -> "{ name = \"pc-b" + i + "\", site = \"site-b\", standby = true }")
                .collect(Collectors.joining(", "));
        String text = t2015(PAIR_A, PAIR_B,
                "  { name = \"pc\", role = persistent-chat, site = \"site-a\", users = 80000,",
                "    servers = [ \"pc-a1\", \"pc-a2\", \"pc-a3\", \"pc-a4\", " + standby + " ] }");
        assertThat(validate(text)).isEmpty();
    }

    @Test
    void standbyOnlyInPersistentChatPools() {
        String text = t2015(
                "  { name = \"pool-a\", role = front-end, site = \"site-a\",",
                "    servers = [ \"a1\", \"a2\",",
                "      { name = \"a3\", standby = true } ] }");
        assertThat(errors(text)).containsExactly(at(text, "\"a3\"", "pools[0].servers[2].standby")
                + "server 'a3' is marked standby, but only persistent-chat pools have standby servers; 'pool-a' is a front-end pool");
    }

    @Test
    void allStandbyPersistentChatPoolWarns() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                "  { name = \"pc\", role = persistent-chat, site = \"site-a\", servers = [ { name = \"pc1\", standby = true } ] }");
        assertThat(warnings(text)).singleElement().asString()
                .startsWith(warnAt(text, "pc1", "pools[1].servers") + "every server of persistent chat pool 'pc' is standby");
    }

    // --- edge ------------------------------------------------------------------------------------------------------

    @Test
    void edgeNeedsAValidNextHop() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                pool("e1", "edge", "site-a", 2, ""),
                pool("e2", "edge", "site-a", 2, "next-hop = \"nowhere\""),
                pool("e3", "edge", "site-a", 2, "next-hop = \"med\""),
                pool("med", "mediation", "site-a", 2, ""),
                pool("e4", "edge", "site-a", 2, "next-hop = \"dir\""),
                pool("dir", "director", "site-a", 2, ""));
        assertThat(errors(text)).containsExactly(
                at(text, "e1-1", "pools[1].next-hop") + "edge pool 'e1' needs a next-hop (the front-end or director pool it forwards to)",
                at(text, "nowhere", "pools[2].next-hop") + "unknown pool 'nowhere'; front-end and director pools: pool-a, dir",
                at(text, "e3-1", "pools[3].next-hop") + "pool 'med' is a mediation pool; an edge next-hop must be a front-end or director pool");
    }

    @Test
    void nextHopOnlyOnEdgePools() {
        String text = t2015(fe("pool-a", "site-a", 3, "next-hop = \"pool-a\""));
        assertThat(errors(text)).containsExactly(at(text, "pool-a-1", "pools[0].next-hop")
                + "next-hop applies to edge pools only; 'pool-a' is a front-end pool");
    }

    // --- numbers (topologies built in code; the loader already refuses these in files) --------------------------

    @Test
    void routingGroupsAndCountsMustBeInRange() {
        Topology t = TopologyLoader.parse(t2015(fe("pool-a", "site-a", 3, "users = 10")), "t.conf");
        int line = t.pools().get(0).originOf("users").line();
        Topology bad = withPool(t, 0, p -> counts(p, -1, 0, -2, -3));
        assertThat(TopologyValidator.errors(bad)).extracting(Problem::format).containsExactly(
                "t.conf:" + line + ": pools[0].routing-groups: must be at least 1, got 0",
                "t.conf:" + line + ": pools[0].users: must not be negative, got -1",
                "t.conf:" + line + ": pools[0].calls: must not be negative, got -2",
                "t.conf:" + line + ": pools[0].remote-users: must not be negative, got -3");
    }

    // --- capacity warnings ---------------------------------------------------------------------------------------

    @Test
    void usersPerFrontEnd() {
        String text = t2015(fe("pool-a", "site-a", 3, "users = 20000"));
        assertThat(warnings(text)).containsExactly(warnAt(text, "pool-a-1", "pools[0].users")
                + "20,000 users on 3 Front Ends is 6,667 per server, above the guideline of 6,660 users per Front End [S15]");
        assertThat(warnings(t2015(fe("pool-a", "site-a", 3, "users = 19980")))).isEmpty();
    }

    @Test
    void usersPerPool() {
        String t15 = t2015(fe("pool-a", "site-a", 12, "users = 80001"));
        assertThat(warnings(t15)).contains(warnAt(t15, "pool-a-1", "pools[0].users")
                + "80,001 users exceed the SfB 2015 guideline of 80,000 users per pool [S15][S16]");
        String t19 = t2019(fe("pool-a", "site-a", 16, "users = 106500"));
        assertThat(warnings(t19)).containsExactly(warnAt(t19, "pool-a-1", "pools[0].users")
                + "106,500 users exceed the SfB 2019 guideline of 106,000 users per pool [S15][S16]");
    }

    @Test
    void pairedPoolUsersAndFailoverCarry() {
        String text = t2015(
                fe("pool-a", "site-a", 7, "users = 41000, backup-pool = \"pool-b\""),
                fe("pool-b", "site-b", 12, "users = 10000, backup-pool = \"pool-a\""));
        assertThat(warnings(text)).containsExactly(
                warnAt(text, "pool-a-1", "pools[0].users") + "41,000 users on paired pool 'pool-a' exceed the SfB 2015 "
                        + "guideline of 40,000 users per pool when paired for DR [S15][S16]",
                warnAt(text, "pool-a-1", "pools[0].users") + "after a failover of 'pool-b' this pool would carry 51,000 users "
                        + "on 7 servers, above the guideline of 46,620 (7 x 6,660) [S3][S15]");
        String t19 = t2019(
                fe("pool-a", "site-a", 9, "users = 53001, backup-pool = \"pool-b\""),
                fe("pool-b", "site-b", 16, "users = 1000, backup-pool = \"pool-a\""));
        assertThat(warnings(t19)).containsExactly(warnAt(t19, "pool-a-1", "pools[0].users")
                + "53,001 users on paired pool 'pool-a' exceed the SfB 2019 guideline of 53,000 users per pool when paired for DR [S15][S16]");
    }

    @Test
    void standardEditionUsers() {
        String text = t2015(fe("pool-a", "site-a", 1, "edition = standard, users = 2600"));
        assertThat(warnings(text)).containsExactly(warnAt(text, "pool-a-1", "pools[0].users")
                + "2,600 users on Standard Edition pool 'pool-a' exceed the guideline of 2,500 users per Standard Edition server [S15]");
        String pair = t2015(fe("pool-a", "site-a", 1, "edition = standard, users = 2500, backup-pool = \"pool-b\""),
                fe("pool-b", "site-b", 1, "edition = standard, users = 2501, backup-pool = \"pool-a\""));
        assertThat(warnings(pair)).contains(warnAt(pair, "pool-a-1", "pools[0].users") + "after a failover of 'pool-b' "
                + "this pool would carry 5,001 users on its Standard Edition server, above the 5,000 it can carry while its pair has failed [S15]");
    }

    @Test
    void edgeAndDirectorRemoteUsersAndMinimumSize() {
        String text = t2015(fe("pool-a", "site-a", 3, ""),
                pool("edge", "edge", "site-a", 2, "next-hop = \"pool-a\", remote-users = 24001"),
                pool("dir", "director", "site-a", 1, "remote-users = 100"));
        assertThat(warnings(text)).containsExactly(
                warnAt(text, "edge-1", "pools[1].remote-users") + "24,001 remote users on 2 edge servers is 12,001 per server, "
                        + "above the SfB 2015 guideline of 12,000 per server [S15][S16]",
                warnAt(text, "dir-1", "pools[2].servers") + "director pool 'dir' has 1 server; at least 2 are needed for high availability [S15][S16]");
        String t19 = t2019(fe("pool-a", "site-a", 3, ""), pool("dir", "director", "site-a", 2, "remote-users = 36000"));
        assertThat(warnings(t19)).isEmpty();
    }

    @Test
    void mediationCalls() {
        String text = t2015(fe("pool-a", "site-a", 3, "calls = 451"), pool("med", "mediation", "site-a", 2, "calls = 3001"));
        assertThat(warnings(text)).containsExactly(
                warnAt(text, "pool-a-1", "pools[0].calls") + "451 calls on 3 Front Ends with collocated Mediation is 151 per server, "
                        + "above the SfB 2015 guideline of 150 per Front End [S15][S16]",
                warnAt(text, "med-1", "pools[1].calls") + "3,001 calls on 2 standalone Mediation servers is 1,501 per server, "
                        + "above the SfB 2015 guideline of 1,500 per server [S15][S16]");
        assertThat(warnings(t2019(fe("pool-a", "site-a", 3, "calls = 600"), pool("med", "mediation", "site-a", 2, "calls = 4000"))))
                .isEmpty();
    }

    @Test
    void persistentChatUsersPerActiveServer() {
        String text = t2015(fe("pool-a", "site-a", 3, ""), pool("pc", "persistent-chat", "site-a", 2, "users = 40001"));
        assertThat(warnings(text)).containsExactly(warnAt(text, "pc-1", "pools[1].users")
                + "40,001 users on 2 active persistent chat servers is 20,001 per server, above the guideline of 20,000 per server [S22]");
    }

    @Test
    void fieldsWithNoEffectWarn() {
        String text = t2015(fe("pool-a", "site-a", 3, "collocated-mediation = false, calls = 10"),
                pool("edge", "edge", "site-a", 2, "next-hop = \"pool-a\", users = 5, backend-mode = sql-cluster"),
                fe("se", "site-b", 1, "edition = standard, backend-mode = mirroring"));
        assertThat(warnings(text)).containsExactly(
                warnAt(text, "pool-a-1", "pools[0].calls") + "'calls' has no effect: pool 'pool-a' has collocated-mediation "
                        + "= false (offer the calls to a mediation pool)",
                warnAt(text, "edge-1", "pools[1].users") + "'users' has no effect on an edge pool (it applies to front-end and "
                        + "persistent-chat pools)",
                warnAt(text, "edge-1", "pools[1].backend-mode") + "'backend-mode' has no effect on an edge pool (it applies "
                        + "to front-end and persistent-chat pools)",
                warnAt(text, "se-1", "pools[2].backend-mode") + "a Standard Edition server keeps its databases locally and "
                        + "has no Back End HA; backend-mode 'mirroring' does not apply (use none) [L7]");
    }

    // --- ordering, loadAndValidate, examples --------------------------------------------------------------------

    @Test
    void problemsComeInFileOrder() {
        String text = t2019(fe("pool-a", "site-a", 2, "users = 20000"), fe("pool-b", "site-z", 3, "backend-mode = mirroring"));
        List<Problem> problems = validate(text);
        assertThat(problems).extracting(p -> p.origin().line()).isSorted();
        assertThat(problems).extracting(Problem::isError).containsExactly(true, false, true, true);
    }

    @Test
    void loadAndValidateThrowsOnlyErrors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.conf");
        String text = t2015(fe("pool-a", "site-a", 2, "users = 20000, next-hop = \"pool-a\""));
        Files.writeString(bad, text);
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> TopologyValidator.loadAndValidate(bad));
        assertThat(e.problems()).extracting(Problem::format).containsExactly(bad + ":" + lineOf(text, "pool-a-1")
                + ": pools[0].next-hop: next-hop applies to edge pools only; 'pool-a' is a front-end pool");
        assertThat(e.getMessage()).isEqualTo(e.problems().get(0).format());

        Path warned = dir.resolve("warned.conf");
        Files.writeString(warned, t2015(fe("pool-a", "site-a", 2, "users = 20000")));
        Topology t = TopologyValidator.loadAndValidate(warned);
        assertThat(TopologyValidator.warnings(t)).hasSize(2);
    }

    static Path example(String name) {
        return Path.of("../../examples", name);
    }

    @Test
    void examplesValidateAsDocumented() {
        if (!Files.isDirectory(Path.of("../../examples"))) return; // only when run from the source tree
        for (String clean : List.of("default.conf", "nine-fe-2015.conf", "pchat-stretched-2015.conf", "mediation-pool-2015.conf")) {
            assertThat(TopologyValidator.validate(TopologyLoader.load(example(clean)))).as(clean).isEmpty();
        }
        Topology sixteen = TopologyValidator.loadAndValidate(example("sixteen-fe-2019.conf"));
        assertThat(sixteen.pool("pool-a").orElseThrow().servers()).hasSize(16);
        assertThat(TopologyValidator.warnings(sixteen)).isNotEmpty();

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> TopologyValidator.loadAndValidate(example("broken.conf")));
        assertThat(e.problems()).extracting(Problem::field).containsExactly(
                "pools[0].backup-pool", "pools[1].servers[2].name", "pools[1].backend-mode");
        assertThat(e.problems()).extracting(Problem::message).satisfiesExactly(
                m -> assertThat(m).startsWith("pairing must be reciprocal"),
                m -> assertThat(m).startsWith("duplicate server name 'a-fe3'"),
                m -> assertThat(m).startsWith("SQL mirroring ('mirroring') is not supported in SfB 2019"));
    }
}
