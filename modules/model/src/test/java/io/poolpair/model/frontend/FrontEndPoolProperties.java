package io.poolpair.model.frontend;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.PrimaryMoved;
import io.poolpair.model.frontend.FrontEndSettings.QuorumLossService;
import io.poolpair.model.time.Time;
import io.poolpair.model.topology.ProductVersion;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random life stories of SfB 2019 Front End pools of 2–16 servers: kills and restarts, placement ticks,
 * QuorumLossRecovery, drains and returns, ServiceReset and writes. After every step the pool must still
 * make sense.
 */
class FrontEndPoolProperties {

    enum Kind { DOWN, UP, TICK, QUORUM_LOSS_RECOVERY, DRAIN, RETURN, SERVICE_RESET, WRITE, FLUSH }

    /** One step: {@code server} is taken modulo the pool size; {@code flag} is the drain's force. */
    record Step(Kind kind, int server, boolean flag, int advanceMs) {
        @Override
        public String toString() {
            return kind + (kind == Kind.DOWN || kind == Kind.UP || kind == Kind.DRAIN || kind == Kind.RETURN
                    ? "(" + server + (kind == Kind.DRAIN ? flag ? ",force" : "" : "") + ")" : "")
                    + (kind == Kind.WRITE ? "(group " + server + ")" : "") + "+" + advanceMs;
        }
    }

    @Provide
    Arbitrary<List<Step>> stories() {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.just(Kind.DOWN)),
                net.jqwik.api.Tuple.of(30, Arbitraries.just(Kind.UP)),
                net.jqwik.api.Tuple.of(12, Arbitraries.just(Kind.TICK)),
                net.jqwik.api.Tuple.of(6, Arbitraries.just(Kind.QUORUM_LOSS_RECOVERY)),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.DRAIN)),
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.RETURN)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.SERVICE_RESET)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.WRITE)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.FLUSH)));
        Arbitrary<Step> step = Combinators.combine(kind, Arbitraries.integers().between(0, 1_000),
                        Arbitraries.of(true, false), Arbitraries.integers().between(0, 90_000))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(60);
    }

    @Provide
    Arbitrary<QuorumLossService> services() {
        return Arbitraries.of(QuorumLossService.class);
    }

    private static List<String> names(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("fe%02d", i)).toList();
    }

    @Property(tries = 400)
    void poolStaysConsistent(@ForAll @IntRange(min = 2, max = 16) int size,
                             @ForAll @IntRange(min = 0, max = 60_000) int users,
                             @ForAll @IntRange(min = 1, max = 80) int routingGroups,
                             @ForAll @IntRange(min = 0, max = 16) int initiallyUp,
                             @ForAll("services") QuorumLossService service,
                             @ForAll("stories") List<Step> story) {
        FrontEndSettings settings = FrontEndSettings.DEFAULT.withQuorumLossService(service);
        FrontEndPool p = new FrontEndPool("pool1", "site1", names(size), users, routingGroups, ProductVersion.SFB_2019,
                settings);
        Invariants inv = new Invariants(p);
        long now = 0;
        List<FailoverEvent> ev = new ArrayList<>();
        for (int i = 0; i < Math.min(initiallyUp, size); i++) ev.addAll(p.serverUp(p.servers().get(i), Time.ofEmulated(now)));
        inv.check("start", ev);

        for (Step s : story) {
            now += s.advanceMs();
            Time t = Time.ofEmulated(now);
            String server = p.servers().get(s.server() % size);
            ev = switch (s.kind()) {
                case DOWN -> p.serverDown(server, "terminated", t);
                case UP -> p.serverUp(server, t);
                case TICK -> {
                    if (p.placementDue().isPresent()) {
                        now = Math.max(now, p.placementDue().getAsLong());
                        t = Time.ofEmulated(now);
                    }
                    yield p.placementTick(t);
                }
                case QUORUM_LOSS_RECOVERY -> p.quorumLossRecovery(t).events();
                case DRAIN -> p.drain(server, s.flag(), t).events();
                case RETURN -> p.returnServer(server, t).events();
                case SERVICE_RESET -> p.serviceReset(t).events();
                case WRITE -> {
                    int g = s.server() % p.routingGroupCount();
                    RoutingGroupView before = p.group(g);
                    FrontEndPool.WriteResult w = p.write(g);
                    if (w.acknowledged()) {
                        assertThat(before.serving()).as("a write is only acknowledged by a served group").isTrue();
                        assertThat(w.server()).isEqualTo(before.primary());
                        assertThat(w.epoch()).isEqualTo(before.epoch());
                    }
                    yield List.of();
                }
                case FLUSH -> {
                    p.flushToBackEnd(t);
                    yield List.of();
                }
            };
            inv.check(s.toString(), ev);
        }
    }

    /** A routing group's state in a running pool from its live replicas (spec §2.2; 3 replicas, fewer in a 2-FE pool). */
    private static GroupState expectedState(int live, int poolSize) {
        int target = Math.min(3, poolSize);
        if (live == 0) return GroupState.LOST;
        if (target == 3 && live == 1) return GroupState.QUORUM_LOSS;
        return live < target ? GroupState.DEGRADED : GroupState.HEALTHY;
    }

    /** What must hold after every step. */
    private static final class Invariants {
        private final FrontEndPool p;
        private final long[] epochs;

        Invariants(FrontEndPool p) {
            this.p = p;
            this.epochs = new long[p.routingGroupCount()];
            for (int i = 0; i < epochs.length; i++) epochs[i] = p.epochOf(i);
        }

        void check(String step, List<FailoverEvent> ev) {
            String at = "after " + step;
            boolean running = p.state() == PoolState.RUNNING;
            if (running) {
                assertThat(p.quorumRule().holds(p.running())).as("%s: a running pool has quorum", at).isTrue();
            }

            // promotions go to up servers and raise the epoch, one step at a time per group
            long[] seen = epochs.clone();
            for (PrimaryMoved e : ev.stream().filter(PrimaryMoved.class::isInstance).map(PrimaryMoved.class::cast).toList()) {
                int g = e.where().routingGroup();
                assertThat(e.epoch()).as("%s: group %d promotion epoch", at, g).isGreaterThan(seen[g]);
                seen[g] = e.epoch();
                assertThat(p.status(e.toServer())).as("%s: group %d promoted onto %s", at, g, e.toServer())
                        .isEqualTo(ServerStatus.UP);
            }

            int served = 0;
            for (RoutingGroupView g : p.groups()) {
                assertThat(g.epoch()).as("%s: group %d epoch never falls", at, g.id()).isGreaterThanOrEqualTo(epochs[g.id()]);
                assertThat(g.epoch()).as("%s: group %d epoch changes only with a PrimaryMoved", at, g.id())
                        .isEqualTo(seen[g.id()]);
                epochs[g.id()] = g.epoch();
                assertThat(new HashSet<>(g.replicas())).as("%s: group %d replicas distinct", at, g.id())
                        .hasSameSizeAs(g.replicas());
                if (g.serving()) {
                    served += g.users();
                    assertThat(running).as("%s: group %d served while the pool is %s", at, g.id(), p.state()).isTrue();
                    assertThat(g.primary()).as("%s: served group %d has one primary", at, g.id()).isNotNull();
                    assertThat(g.live()).as("%s: served group %d's primary is live", at, g.id()).contains(g.primary());
                    assertThat(g.replicas()).contains(g.primary());
                    assertThat(p.status(g.primary())).as("%s: group %d primary is up", at, g.id()).isEqualTo(ServerStatus.UP);
                    assertThat(p.primaryOf(g.id())).contains(g.primary());
                } else {
                    assertThat(p.primaryOf(g.id())).isEmpty();
                }
                if (running && (g.state() == GroupState.HEALTHY || g.state() == GroupState.DEGRADED)) {
                    assertThat(g.serving()).as("%s: group %d %s in a running pool is served", at, g.id(), g.state()).isTrue();
                    assertThat(g.live()).as("%s: group %d %s keeps a primary and a secondary", at, g.id(), g.state())
                            .hasSizeGreaterThanOrEqualTo(p.servers().size() >= 3 ? 2 : 1);
                }
                if (!running) {
                    assertThat(g.state()).as("%s: group %d in a pool that is %s", at, g.id(), p.state())
                            .isEqualTo(GroupState.OFFLINE);
                } else {
                    assertThat(g.state()).as("%s: group %d with live replicas %s", at, g.id(), g.live())
                            .isEqualTo(expectedState(g.live().size(), p.servers().size()));
                }
            }

            Map<String, Integer> load = p.usersPerServer();
            int sum = load.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(sum).as("%s: users served = users of served groups", at).isEqualTo(served);
            assertThat(sum + p.usersWithoutService()).as("%s: every user is counted once", at).isEqualTo(p.users());
            for (Map.Entry<String, Integer> e : load.entrySet()) {
                if (e.getValue() > 0) {
                    assertThat(p.isServing(e.getKey())).as("%s: %s carries users", at, e.getKey()).isTrue();
                }
            }
            if (!running) assertThat(p.usersWithoutService()).as("%s: pool %s", at, p.state()).isEqualTo(p.users());
        }
    }
}
