package io.poolpair.runtime.clock;

import com.typesafe.config.ConfigFactory;
import io.poolpair.runtime.EmulationClock;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The virtual clock drives a real ActorSystem: timers fire at exactly their due emulated time and only when the
 * clock is moved, timers of one instant fire in the order they were set, waits stop at the instant that ends
 * them, and an actor that never goes idle is reported (the wall bound is a safety net, never a verdict).
 */
@ExtendWith(LogCapturingExtension.class)
class VirtualClockTest {

    /** A message a test actor got, with the clock's time when it got it. */
    private record Seen(String what, long emulatedMs, long wallMs) {}

    private ActorSystem<String> system;
    private VirtualClock clock;

    private void start(VirtualClock c, Behavior<String> guardian) {
        clock = c;
        system = ActorSystem.create(guardian, "virtual-clock-test", clock.actorSystemConfig(ConfigFactory.load()));
        clock.attach(system);
    }

    @AfterEach
    void stop() throws Exception {
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            clock.detach();
        }
    }

    /** Records every message with the clock's time; "once:<ms>" and "every:<ms>" set timers on start. */
    private Behavior<String> recorder(EmulationClock c, List<Seen> seen, List<String> setUp) {
        return Behaviors.withTimers(timers -> {
            for (String s : setUp) {
                String[] p = s.split(":");
                Duration d = Duration.ofMillis(Long.parseLong(p[2]));
                if (p[0].equals("once")) timers.startSingleTimer(p[1], p[1], d);
                else timers.startTimerAtFixedRate(p[1], p[1], d);
            }
            return Behaviors.receiveMessage(m -> {
                seen.add(new Seen(m, c.now().emulatedMs(), c.now().wallMs()));
                return Behaviors.same();
            });
        });
    }

    @Test
    void timersFireAtTheirDueEmulatedTimeAndOnlyWhenTheClockIsMoved() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        VirtualClock c = EmulationClock.virtual();
        start(c, recorder(c, seen, List.of("once:single:5000", "every:tick:1000")));
        clock.settle();
        assertThat(seen).as("no time has passed").isEmpty();
        assertThat(clock.now().emulatedMs()).isZero();

        clock.awaitEmulated(4_999);
        assertThat(seen).extracting(Seen::what).containsExactly("tick", "tick", "tick", "tick");
        assertThat(seen).extracting(Seen::emulatedMs).containsExactly(1_000L, 2_000L, 3_000L, 4_000L);
        assertThat(clock.now().emulatedMs()).isEqualTo(4_999);

        clock.awaitEmulated(10_000);
        assertThat(seen).extracting(Seen::emulatedMs)
                .containsExactly(1_000L, 2_000L, 3_000L, 4_000L, 5_000L, 5_000L, 6_000L, 7_000L, 8_000L, 9_000L, 10_000L);
        assertThat(seen.stream().filter(s -> s.what().equals("single"))).singleElement()
                .extracting(Seen::emulatedMs).isEqualTo(5_000L);
        assertThat(seen).as("wall time is the virtual time").allSatisfy(s -> assertThat(s.wallMs()).isEqualTo(s.emulatedMs()));
        assertThat(clock.timeScale()).isEqualTo(1.0);
        assertThat(clock.toWallMs(2_000)).isEqualTo(2_000);
    }

    @Test
    void timersDueAtTheSameInstantFireInTheOrderTheyWereSet() throws Exception {
        // 20 timers of one instant: Pekko's manual scheduler alone would run them in a hash order that changes
        // from run to run (the chance of getting this order by luck is 1 in 20!)
        List<String> keys = IntStream.range(0, 20).mapToObj(i -> "k" + (i * 7 % 20)).toList();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        VirtualClock c = EmulationClock.virtual();
        start(c, recorder(c, seen, keys.stream().map(k -> "once:" + k + ":3000").toList()));

        clock.awaitEmulated(3_000);

        assertThat(seen).extracting(Seen::what).containsExactlyElementsOf(keys);
        assertThat(seen).extracting(Seen::emulatedMs).containsOnly(3_000L);
    }

    @Test
    void awaitMovesTimeUntilTheFutureCompletesAndStopsAtThatInstant() throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        VirtualClock c = EmulationClock.virtual();
        start(c, Behaviors.withTimers(timers -> {
            timers.startSingleTimer("done", "done", Duration.ofMillis(7_000));
            timers.startTimerAtFixedRate("noise", "noise", Duration.ofMillis(500));
            return Behaviors.receiveMessage(m -> {
                if (m.equals("done")) done.complete(c.now().emulatedMs());
                return Behaviors.same();
            });
        }));

        assertThat(clock.await(done, 60_000)).isEqualTo(7_000L);
        assertThat(clock.now().emulatedMs()).as("stopped at the instant that completed it").isEqualTo(7_000);

        CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> clock.await(never, 3_000)).isInstanceOf(TimeoutException.class);
        assertThat(clock.now().emulatedMs()).as("moved exactly to the bound").isEqualTo(10_000);
    }

    @Test
    void anAskIsAnsweredOnceTheActorsSettleWithoutTimeMoving() throws Exception {
        // the ask's 10 s timeout is scheduled on the virtual clock: it cannot fire while nobody moves time
        VirtualClock askClock = EmulationClock.virtual();
        ActorSystem<AskMe> asks = ActorSystem.create(Behaviors.<AskMe>receiveMessage(m -> {
            m.replyTo().tell("pong at " + askClock.now().emulatedMs());
            return Behaviors.same();
        }), "ask-test", askClock.actorSystemConfig(ConfigFactory.load()));
        try {
            askClock.attach(asks);
            askClock.awaitEmulated(1_500);
            CompletableFuture<String> reply = AskPattern.<AskMe, String>ask(asks, AskMe::new, Duration.ofSeconds(10),
                    asks.scheduler()).toCompletableFuture();
            askClock.settle();
            assertThat(reply).isCompletedWithValue("pong at 1500");
            assertThat(askClock.now().emulatedMs()).isEqualTo(1_500);
        } finally {
            asks.terminate();
            asks.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
            askClock.detach();
        }
    }

    private record AskMe(ActorRef<String> replyTo) {}

    @Test
    void anActorThatNeverGoesIdleIsReportedAfterTheWallBound() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        VirtualClock c = new VirtualClock(Duration.ofMillis(300));
        start(c, Behaviors.receiveMessage(m -> {
            release.await(20, TimeUnit.SECONDS); // an actor blocked on something that never comes
            return Behaviors.same();
        }));
        try {
            system.tell("block");
            assertThatThrownBy(clock::settle).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("still busy").hasMessageContaining("looping or blocked");
        } finally {
            release.countDown();
        }
        clock.settle();
    }

    @Test
    void aVirtualClockServesOneActorSystemCreatedWithItsSettings() throws Exception {
        VirtualClock c = EmulationClock.virtual();
        start(c, Behaviors.receiveMessage(m -> Behaviors.same()));
        assertThatThrownBy(() -> clock.attach(system)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one ActorSystem");

        ActorSystem<String> plain = ActorSystem.create(Behaviors.receiveMessage(m -> Behaviors.same()), "plain",
                ConfigFactory.load());
        try {
            assertThatThrownBy(() -> new VirtualClock().attach(plain)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("actorSystemConfig");
        } finally {
            plain.terminate();
            plain.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
