package io.poolpair.model.analysis;

import io.poolpair.model.frontend.FrontEndPool;
import io.poolpair.model.frontend.FrontEndSettings;
import io.poolpair.model.frontend.GroupState;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.BackendMode;
import io.poolpair.model.topology.Edition;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.PoolSpec;
import io.poolpair.model.topology.ProductVersion;
import io.poolpair.model.topology.Role;
import io.poolpair.model.topology.ServerSpec;
import io.poolpair.model.topology.Site;
import io.poolpair.model.topology.Topology;
import io.poolpair.model.topology.TopologyLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class WhatIfAnalysisTest {

    private static final FrontEndSettings SETTINGS = FrontEndSettings.DEFAULT;

    // ------------------------------------------------------------------------------------ pool quorum

    @Test
    void sixFrontEndsLoseQuorumWithAnyFour() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 6, 18_000, null)));

        PoolQuorumAnalysis q = p.quorum();
        assertThat(q.rule()).isEqualTo("any 3 of 6");
        assertThat(q.seeds()).containsExactly("fe1", "fe2", "fe3", "fe4", "fe5", "fe6");
        assertThat(q.startRequired()).isEqualTo(5);
        assertThat(q.minimumLosses()).isEqualTo(4);
        assertThat(q.minimalSetCount()).isEqualTo(15); // C(6,4): any 4 servers
        assertThat(q.minimalSetsTruncated()).isFalse();
        assertThat(q.minimalSets()).hasSize(15).allSatisfy(s -> assertThat(s).hasSize(4));
        assertThat(q.minimalSets().get(0)).containsExactly("fe1", "fe2", "fe3", "fe4");
        assertThat(q.minimalSets().get(14)).containsExactly("fe3", "fe4", "fe5", "fe6");
        assertThat(new HashSet<>(q.minimalSets())).hasSize(15);
        assertThat(q.nonSeedServers()).isEmpty();
        assertThat(q.survivesAtMost()).isEqualTo(3);

        assertThat(p.quorumLostAfter()).isEqualTo(4);
        assertThat(p.quorumAlwaysLostAfter()).isEqualTo(4);
        assertThat(p.loadSteps()).extracting(LoadStep::quorum).containsExactly(LoadStep.Quorum.HOLDS,
                LoadStep.Quorum.HOLDS, LoadStep.Quorum.HOLDS, LoadStep.Quorum.HOLDS, LoadStep.Quorum.LOST);
        assertThat(p.loadSteps()).extracting(LoadStep::usersPerServer).containsExactly(3_000, 3_600, 4_500, 6_000, 0);
        assertThat(p.loadSteps().get(4).usersWithoutService()).isEqualTo(18_000);
        assertThat(p.guidelineExceededAfter()).isNull();
        assertThat(p.verdict()).startsWith("survives 3 Front End failures; the 4th loses quorum; within the 6,660 "
                + "guideline until quorum is lost");
    }

    @Test
    void nineFrontEndsNeedFourOfTheFirstSeven() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 9, 30_000, null)));

        PoolQuorumAnalysis q = p.quorum();
        assertThat(q.rule()).isEqualTo("any 4 of the first 7");
        assertThat(q.seedCount()).isEqualTo(7);
        assertThat(q.minimumLosses()).isEqualTo(4);
        assertThat(q.minimalSetCount()).isEqualTo(35); // C(7,4)
        assertThat(q.minimalSetsTruncated()).isTrue();
        assertThat(q.minimalSets()).hasSize(WhatIfAnalysis.MAX_LISTED_SETS);
        assertThat(q.minimalSets().get(0)).containsExactly("fe1", "fe2", "fe3", "fe4");
        Set<String> seeds = Set.of("fe1", "fe2", "fe3", "fe4", "fe5", "fe6", "fe7");
        assertThat(q.minimalSets()).allSatisfy(s -> assertThat(seeds).containsAll(s));
        // servers 8 and 9 can both fail (and with them one seed: 6 of 7 seeds remain)
        assertThat(q.nonSeedServers()).containsExactly("fe8", "fe9");
        assertThat(q.survivesAtMost()).isEqualTo(5);

        assertThat(p.quorumLostAfter()).isEqualTo(4);
        assertThat(p.quorumAlwaysLostAfter()).isEqualTo(6); // 3 running < 4 whichever fail
        assertThat(p.loadSteps().get(3).quorum()).isEqualTo(LoadStep.Quorum.HOLDS);
        assertThat(p.loadSteps().get(4).quorum()).isEqualTo(LoadStep.Quorum.DEPENDS);
        assertThat(p.loadSteps().get(5).quorum()).isEqualTo(LoadStep.Quorum.DEPENDS);
        assertThat(p.loadSteps().get(6).quorum()).isEqualTo(LoadStep.Quorum.LOST);
        assertThat(p.verdict()).contains("survives 3 Front End failures; the 4th loses quorum if all 4 are among the "
                + "first 7 (servers 8-9 can all fail)");
    }

    @Test
    void twelveFrontEnds2015NeedFiveOfTheFirstNine() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 12, 40_000, null)));

        PoolQuorumAnalysis q = p.quorum();
        assertThat(q.rule()).isEqualTo("any 5 of the first 9");
        assertThat(q.minimumLosses()).isEqualTo(5);
        assertThat(q.minimalSetCount()).isEqualTo(126); // C(9,5)
        Set<String> seeds = new HashSet<>(q.seeds());
        assertThat(seeds).hasSize(9).doesNotContain("fe10", "fe11", "fe12");
        assertThat(q.minimalSets()).allSatisfy(s -> assertThat(seeds).containsAll(s));
        assertThat(q.nonSeedServers()).containsExactly("fe10", "fe11", "fe12");
        assertThat(q.startRequired()).isEqualTo(10);
        assertThat(p.verdict()).contains("the 5th loses quorum if all 5 are among the first 9 (servers 10-12 can all fail)");
    }

    @Test
    void sixteenFrontEnds2019NeedSevenOfTheFirstTwelve() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2019, frontEnd("pool", "site-a", "fe", 16, 50_000, null)));

        PoolQuorumAnalysis q = p.quorum();
        assertThat(q.rule()).isEqualTo("any 7 of the first 12");
        assertThat(q.minimumLosses()).isEqualTo(6);
        assertThat(q.minimalSetCount()).isEqualTo(924); // C(12,6)
        assertThat(q.minimalSets()).hasSize(20);
        assertThat(q.minimalSets().get(0)).containsExactly("fe1", "fe2", "fe3", "fe4", "fe5", "fe6");
        // lexicographic order of position: 7 sets {1-5,x}, 6 sets {1-4,6,x}, 5 sets {1-4,7,x}, then {1-4,8,9}, {1-4,8,10}
        assertThat(q.minimalSets().get(19)).containsExactly("fe1", "fe2", "fe3", "fe4", "fe8", "fe10");
        assertThat(q.nonSeedServers()).containsExactly("fe13", "fe14", "fe15", "fe16");
        assertThat(q.startRequired()).isEqualTo(12);
        assertThat(p.quorumAlwaysLostAfter()).isEqualTo(10);
    }

    @Test
    void twoFrontEndsLoseQuorumOnlyWhenBothFail() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 2, 5_000, null)));

        assertThat(p.quorum().minimumLosses()).isEqualTo(2);
        assertThat(p.quorum().minimalSets()).containsExactly(List.of("fe1", "fe2"));
        assertThat(p.verdict()).startsWith("survives 1 Front End failure; the 2nd loses quorum");
        // two replicas per group: no routing-group quorum loss state, both servers take a group
        assertThat(p.routingGroups().replicasPerGroup()).isEqualTo(2);
        assertThat(p.routingGroups().quorumLossMinimum()).isNull();
        assertThat(p.routingGroups().lostMinimum()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------ load

    @Test
    void thirtyThousandOnFiveFrontEndsExceedsTheGuidelineAfterOneLoss() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 5, 30_000, null)));

        assertThat(p.loadSteps().get(0).usersPerServer()).isEqualTo(6_000);
        assertThat(p.loadSteps().get(0).overGuideline()).isFalse();
        assertThat(p.loadSteps().get(1).usersPerServer()).isEqualTo(7_500);
        assertThat(p.loadSteps().get(1).overGuideline()).isTrue();
        assertThat(p.guidelineExceededAfter()).isEqualTo(1);
        assertThat(p.quorumLostAfter()).isEqualTo(3);
        assertThat(p.verdict()).isEqualTo("survives 2 Front End failures; the 3rd loses quorum; guideline exceeded after 1");
    }

    @Test
    void thirtyThousandOnSixFrontEndsStaysWithinAfterOneLoss() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 6, 30_000, null)));

        assertThat(p.loadSteps().get(1).usersPerServer()).isEqualTo(6_000);
        assertThat(p.loadSteps().get(1).overGuideline()).isFalse();
        assertThat(p.guidelineExceededAfter()).isEqualTo(2); // 7,500 on 4
    }

    // ------------------------------------------------------------------------------------ pairing and sites

    @Test
    void defaultTwoSiteTopologyPartnerCarriesBothPoolsWithinGuideline() {
        AnalysisReport r = WhatIfAnalysis.analyze(twoSites(), SETTINGS);

        assertThat(r.frontEndPools()).extracting(PoolAnalysis::pool).containsExactly("pool-a", "pool-b");
        PartnerLoad f = r.frontEndPools().get(0).failover();
        assertThat(f.partner()).isEqualTo("pool-b");
        assertThat(f.partnerSite()).isEqualTo("site-b");
        assertThat(f.combinedUsers()).isEqualTo(36_000);
        assertThat(f.partnerServers()).isEqualTo(6);
        assertThat(f.usersPerServer()).isEqualTo(6_000);
        assertThat(f.overServerGuideline()).isFalse();
        assertThat(f.maxUsersPerPool()).isEqualTo(80_000);
        assertThat(f.overPoolMax()).isFalse();
        assertThat(f.pairedPoolLimit()).isEqualTo(40_000);
        assertThat(f.overPairedPoolLimit()).isFalse();
        assertThat(f.usersPerServerAfterOneMoreLoss()).isEqualTo(7_200);
        assertThat(f.overAfterOneMoreLoss()).isTrue();
        assertThat(r.frontEndPools().get(1).failover().partner()).isEqualTo("pool-a");
        assertThat(r.frontEndPools().get(0).verdict()).endsWith("failover onto pool-b: 6,000 per server (within 6,660)");

        assertThat(r.siteLosses()).extracting(SiteLoss::site).containsExactly("site-a", "site-b");
        SiteLoss a = r.siteLosses().get(0);
        assertThat(a.poolsLost()).containsExactly("pool-a", "edge-a", "dir-a");
        assertThat(a.takeovers()).singleElement().satisfies(t -> {
            assertThat(t.partner()).isEqualTo("pool-b");
            assertThat(t.usersPerServer()).isEqualTo(6_000);
        });
        assertThat(a.poolsWithoutBackup()).isEmpty();
        assertThat(a.usersWithoutService()).isZero();
        assertThat(a.remoteAccess()).extracting(RemoteTakeover::role).containsExactly("edge", "director");
        RemoteTakeover edge = a.remoteAccess().get(0);
        assertThat(edge.survivingPools()).containsExactly("edge-b");
        assertThat(edge.remoteUsers()).isEqualTo(10_000);
        assertThat(edge.perServer()).isEqualTo(5_000);
        assertThat(edge.overGuideline()).isFalse();

        SpreadPoolAnalysis edgeA = r.otherPools().stream().filter(s -> s.pool().equals("edge-a")).findFirst().orElseThrow();
        assertThat(edgeA.fallbackPools()).containsExactly("edge-b");
    }

    @Test
    void overloadedPairIsFlagged() {
        Topology t = topology(ProductVersion.SFB_2015,
                frontEnd("pool-a", "site-a", "a", 6, 45_000, "pool-b"),
                frontEnd("pool-b", "site-b", "b", 6, 20_000, "pool-a"));
        PartnerLoad f = WhatIfAnalysis.analyze(t, SETTINGS).frontEndPools().get(0).failover();
        assertThat(f.combinedUsers()).isEqualTo(65_000);
        assertThat(f.overServerGuideline()).isTrue();
        assertThat(f.overPoolMax()).isFalse();
        assertThat(f.overPairedPoolLimit()).isTrue(); // pool-a has 45,000 > 40,000
    }

    @Test
    void siteWithAnUnpairedPoolLeavesItsUsersWithoutService() {
        Topology t = topology(ProductVersion.SFB_2015,
                frontEnd("pool-a", "site-a", "a", 3, 9_000, null),
                frontEnd("pool-b", "site-b", "b", 3, 9_000, null));
        SiteLoss a = WhatIfAnalysis.analyze(t, SETTINGS).siteLosses().get(0);
        assertThat(a.takeovers()).isEmpty();
        assertThat(a.poolsWithoutBackup()).containsExactly("pool-a");
        assertThat(a.usersWithoutService()).isEqualTo(9_000);
        assertThat(a.verdict()).contains("9,000 users of pool-a have no backup pool outside the site");
    }

    // ------------------------------------------------------------------------------------ routing groups

    @Test
    void anyTwoServersSharingAGroupPutItInQuorumLoss() {
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 6, 18_000, null)));
        RoutingGroupAnalysis g = p.routingGroups();

        assertThat(g.replicasPerGroup()).isEqualTo(3);
        assertThat(g.quorumLossMinimum()).isEqualTo(2);
        assertThat(g.quorumLossSetsOfSize()).isEqualTo(15);
        assertThat(g.quorumLossSets()).isBetween(1L, 15L);
        assertThat(g.quorumLossExamples()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.servers()).hasSize(2);
            assertThat(s.usersInQuorumLoss()).isPositive();
            assertThat(s.groupsInQuorumLoss()).isNotEmpty();
            assertThat(s.groupsLost()).isEmpty();
            assertThat(s.poolQuorumHolds()).isTrue();
        });
        assertThat(g.quorumLossExamples().get(0).servers()).containsExactly("fe1", "fe2");
        assertThat(g.lostMinimum()).isEqualTo(3);
        assertThat(g.lostSetsOfSize()).isEqualTo(20);
        assertThat(g.lostExamples()).isNotEmpty().allSatisfy(s -> assertThat(s.usersLost()).isPositive());
    }

    @Test
    void quorumLossExamplesMatchTheLivePoolModel() {
        PoolSpec spec = frontEnd("pool", "site-a", "fe", 6, 18_000, null);
        PoolAnalysis p = onlyPool(topology(ProductVersion.SFB_2015, spec));
        for (LossSet example : p.routingGroups().quorumLossExamples()) {
            FrontEndPool live = new FrontEndPool("pool", "site-a", spec.serverNames(), 18_000, spec.routingGroups(),
                    ProductVersion.SFB_2015, SETTINGS);
            Time now = Time.ofEmulated(0);
            for (String s : spec.serverNames()) live.serverUp(s, now);
            for (String s : example.servers()) live.serverDown(s, "test", now);
            assertThat(live.groups().stream().filter(g -> g.state() == GroupState.QUORUM_LOSS).map(g -> g.id()))
                    .containsExactlyElementsOf(example.groupsInQuorumLoss());
            assertThat(usersInQuorumLoss(live)).isEqualTo(example.usersInQuorumLoss());
        }
    }

    private static int usersInQuorumLoss(FrontEndPool pool) {
        return pool.groups().stream().filter(g -> g.state() == GroupState.QUORUM_LOSS)
                .mapToInt(g -> g.users()).sum();
    }

    // ------------------------------------------------------------------------------------ Edge, Mediation

    @Test
    void edgePoolOfTwoWithThirteenThousandExceedsAfterOneLoss() {
        AnalysisReport r = WhatIfAnalysis.analyze(topology(ProductVersion.SFB_2015,
                spreadPool("edge-a", Role.EDGE, "site-a", "edge", 2, 13_000, 0)), SETTINGS);
        SpreadPoolAnalysis e = r.otherPools().get(0);

        assertThat(e.guidelinePerServer()).isEqualTo(12_000);
        assertThat(e.steps()).extracting(SpreadLoad::failed).containsExactly(0, 1, 2);
        assertThat(e.steps().get(0).perServer()).isEqualTo(6_500);
        assertThat(e.steps().get(0).overGuideline()).isFalse();
        assertThat(e.steps().get(1).perServer()).isEqualTo(13_000);
        assertThat(e.steps().get(1).overGuideline()).isTrue();
        assertThat(e.steps().get(2).unserved()).isEqualTo(13_000);
        assertThat(e.fallbackPools()).isEmpty();
        assertThat(e.verdict()).contains("after 1 loss 13,000 per server (over the 12,000 guideline)");
    }

    @Test
    void mediationAfterOneLoss() {
        PoolSpec fe = frontEnd("pool", "site-a", "fe", 6, 18_000, null, 1_000);
        AnalysisReport r = WhatIfAnalysis.analyze(topology(ProductVersion.SFB_2015, fe,
                spreadPool("med", Role.MEDIATION, "site-a", "med", 2, 0, 2_000)), SETTINGS);

        SpreadPoolAnalysis collocated = r.frontEndPools().get(0).collocatedMediation();
        assertThat(collocated.guidelinePerServer()).isEqualTo(150);
        assertThat(collocated.steps().get(0).perServer()).isEqualTo(167);
        assertThat(collocated.steps().get(1).perServer()).isEqualTo(200);
        assertThat(collocated.steps().get(1).overGuideline()).isTrue();

        SpreadPoolAnalysis standalone = r.otherPools().get(0);
        assertThat(standalone.unit()).isEqualTo("calls");
        assertThat(standalone.guidelinePerServer()).isEqualTo(1_500);
        assertThat(standalone.steps().get(0).overGuideline()).isFalse();
        assertThat(standalone.steps().get(1).perServer()).isEqualTo(2_000);
        assertThat(standalone.steps().get(1).overGuideline()).isTrue();
    }

    @Test
    void standardEditionPairUsesStandardEditionCapacity() {
        PoolSpec a = withEdition(frontEnd("se-a", "site-a", "sea", 1, 2_500, "se-b"), Edition.STANDARD);
        PoolSpec b = withEdition(frontEnd("se-b", "site-b", "seb", 1, 2_500, "se-a"), Edition.STANDARD);
        PoolAnalysis p = WhatIfAnalysis.analyze(topology(ProductVersion.SFB_2015, a, b), SETTINGS).frontEndPools().get(0);

        assertThat(p.usersPerServerGuideline()).isEqualTo(2_500);
        assertThat(p.quorum().minimumLosses()).isEqualTo(1);
        assertThat(p.verdict()).startsWith("does not survive a Front End failure; the 1st loses quorum");
        assertThat(p.failover().usersPerServer()).isEqualTo(5_000);
        assertThat(p.failover().usersPerServerGuideline()).isEqualTo(5_000);
        assertThat(p.failover().overServerGuideline()).isFalse();
        assertThat(p.failover().usersPerServerAfterOneMoreLoss()).isNull();
    }

    // ------------------------------------------------------------------------------------ text

    @Test
    void renderTextContainsTheKeyLines() {
        String text = WhatIfAnalysis.renderText(WhatIfAnalysis.analyze(twoSites(), SETTINGS));

        assertThat(text).contains("Front End pool pool-a (site site-a): 6 Front Ends, 18,000 users, 120 routing groups");
        assertThat(text).contains("  Verdict: survives 3 Front End failures; the 4th loses quorum; within the 6,660 "
                + "guideline until quorum is lost; failover onto pool-b: 6,000 per server (within 6,660)");
        assertThat(text).containsPattern("rule +any 3 of 6");
        assertThat(text).containsPattern("fewest losses +4: 15 sets");
        assertThat(text).contains("{fe-a1, fe-a2, fe-a3, fe-a4}");
        assertThat(text).containsPattern("quorum loss +2 losses: \\d+ of 15 pairs share a routing group");
        assertThat(text).containsPattern("all replicas lost +3 losses: \\d+ of 20 triples hold a whole group");
        assertThat(text).containsPattern("\\n +4 +2 +- +lost whichever fail: the pool stops, 18,000 users without service");
        assertThat(text).containsPattern("partner carries +36,000 users \\(18,000 own \\+ 18,000 from pool-a\\) on 6 Front Ends");
        assertThat(text).containsPattern("per server +6,000 vs 6,660: within");
        assertThat(text).containsPattern("paired-pool limit +pool-a 18,000, pool-b 18,000 vs 40,000 each: within");
        assertThat(text).contains("Edge pool edge-a (site site-a): 2 servers, 5,000 remote users");
        assertThat(text).contains("Site loss");
        assertThat(text).contains("  site-a: pool-b carries 36,000 users with pool-a's (6,000 per server, within the "
                + "6,660 guideline)");
        // aligned key/value column
        assertThat(text.lines().filter(l -> l.startsWith("    rule ")).findFirst().orElseThrow())
                .isEqualTo(String.format("    %-18s  %s", "rule", "any 3 of 6"));
    }

    @Test
    void renderTextOfNinePoolStatesTheNonSeeds() {
        String text = WhatIfAnalysis.renderText(WhatIfAnalysis.analyze(
                topology(ProductVersion.SFB_2015, frontEnd("pool", "site-a", "fe", 9, 30_000, null)), SETTINGS));
        assertThat(text).containsPattern("non-seed servers +servers 8-9 \\(fe8, fe9\\) can all fail");
        assertThat(text).containsPattern("fewest losses +4 among the first 7: 35 sets \\(first 20 listed\\)");
        assertThat(text).contains("... and 15 more");
        assertThat(text).contains("lost if 4 or more of them are among the first 7; holds otherwise");
    }

    // ------------------------------------------------------------------------------------ via the loader

    @Test
    void analysesAParsedTopology() {
        String text = """
                format-version = 1
                product-version = "2015"
                cms-pool = pool-a
                sites = [ { name = site-a }, { name = site-b } ]
                pools = [
                  { name = pool-a, role = front-end, site = site-a, users = 18000, backup-pool = pool-b,
                    servers = [ fe-a1, fe-a2, fe-a3, fe-a4, fe-a5, fe-a6 ] }
                  { name = pool-b, role = front-end, site = site-b, users = 18000, backup-pool = pool-a,
                    servers = [ fe-b1, fe-b2, fe-b3, fe-b4, fe-b5, fe-b6 ] }
                ]
                """;
        AnalysisReport r = WhatIfAnalysis.analyze(TopologyLoader.parse(text, "two.conf"), SETTINGS);
        assertThat(r.topology()).isEqualTo("two.conf");
        assertThat(r.frontEndPools().get(0).failover().usersPerServer()).isEqualTo(6_000);
        assertThat(r.frontEndPools().get(0).quorum().minimumLosses()).isEqualTo(4);
    }

    @Test
    void analysesTheBuiltInDefaultTopologyWhenPresent() {
        assumeTrue(WhatIfAnalysisTest.class.getClassLoader().getResource(TopologyLoader.DEFAULT_RESOURCE) != null,
                "default topology resource not there yet");
        AnalysisReport r = WhatIfAnalysis.analyze(TopologyLoader.loadDefault(), SETTINGS);
        PoolAnalysis a = r.frontEndPools().stream().filter(p -> p.pool().equals("pool-a")).findFirst().orElseThrow();
        assertThat(a.failover().combinedUsers()).isEqualTo(36_000);
        assertThat(a.failover().usersPerServer()).isEqualTo(6_000);
        assertThat(a.failover().overServerGuideline()).isFalse();
        assertThat(a.failover().overPairedPoolLimit()).isFalse();
        assertThat(WhatIfAnalysis.renderText(r)).contains("Site loss");
    }

    // ------------------------------------------------------------------------------------ helpers

    private static PoolAnalysis onlyPool(Topology t) {
        AnalysisReport r = WhatIfAnalysis.analyze(t, SETTINGS);
        assertThat(r.frontEndPools()).hasSize(1);
        return r.frontEndPools().get(0);
    }

    /** The default topology's shape: two paired 6-FE pools of 18,000, Edge and Director pools of 2 per site. */
    private static Topology twoSites() {
        return topology(ProductVersion.SFB_2015,
                frontEnd("pool-a", "site-a", "fe-a", 6, 18_000, "pool-b"),
                spreadPool("edge-a", Role.EDGE, "site-a", "edge-a", 2, 5_000, 0),
                spreadPool("dir-a", Role.DIRECTOR, "site-a", "dir-a", 2, 5_000, 0),
                frontEnd("pool-b", "site-b", "fe-b", 6, 18_000, "pool-a"),
                spreadPool("edge-b", Role.EDGE, "site-b", "edge-b", 2, 5_000, 0),
                spreadPool("dir-b", Role.DIRECTOR, "site-b", "dir-b", 2, 5_000, 0));
    }

    private static Topology topology(ProductVersion version, PoolSpec... pools) {
        Set<String> sites = new LinkedHashSet<>();
        for (PoolSpec p : pools) sites.add(p.site());
        List<Site> siteList = sites.stream().map(s -> new Site(s, Origin.NONE)).toList();
        return new Topology("test.conf", 1, version, siteList, List.of(pools), pools[0].name(), Origin.NONE);
    }

    private static PoolSpec frontEnd(String name, String site, String prefix, int n, int users, String backup) {
        return frontEnd(name, site, prefix, n, users, backup, 0);
    }

    private static PoolSpec frontEnd(String name, String site, String prefix, int n, int users, String backup,
                                     int calls) {
        return new PoolSpec(name, Role.FRONT_END, Edition.ENTERPRISE, site, servers(prefix, n), users, 20 * n, true,
                calls, 0, null, backup, BackendMode.MIRRORING_WITNESS, null, Origin.NONE, Map.of());
    }

    private static PoolSpec spreadPool(String name, Role role, String site, String prefix, int n, int remoteUsers,
                                       int calls) {
        return new PoolSpec(name, role, Edition.ENTERPRISE, site, servers(prefix, n), 0, 1, false, calls, remoteUsers,
                null, null, BackendMode.NONE, null, Origin.NONE, Map.of());
    }

    private static PoolSpec withEdition(PoolSpec p, Edition e) {
        return new PoolSpec(p.name(), p.role(), e, p.site(), p.servers(), p.users(), p.routingGroups(),
                p.collocatedMediation(), p.calls(), p.remoteUsers(), p.fileStore(), p.backupPool(), BackendMode.NONE,
                p.nextHop(), p.origin(), p.fieldOrigins());
    }

    private static List<ServerSpec> servers(String prefix, int n) {
        List<ServerSpec> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) out.add(new ServerSpec(prefix + i, null, false, Origin.NONE));
        return out;
    }
}
