package io.poolpair.runtime.server;

import io.poolpair.runtime.pool.PoolProtocol;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Front End server actor on its own, with a probe standing in for its pool supervisor: it heartbeats,
 * freezes on a hang, and after waking acknowledges nothing until its pool confirms its role.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@ExtendWith(LogCapturingExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrontEndServerTest {

    @JUnit5TestKit
    public ActorTestKit testKit = new JUnit5TestKitBuilder().withName("FrontEndServerTest").build();

    private static final Duration HEARTBEAT = Duration.ofMillis(50);

    @Test
    void aServerHeartbeatsToItsSupervisor() {
        TestProbe<PoolProtocol.Command> pool = testKit.createTestProbe();
        testKit.spawn(FrontEndServer.create("fe1", 1, pool.getRef(), HEARTBEAT));
        PoolProtocol.Heartbeat first = pool.expectMessageClass(PoolProtocol.Heartbeat.class);
        PoolProtocol.Heartbeat second = pool.expectMessageClass(PoolProtocol.Heartbeat.class);
        assertThat(first.server()).isEqualTo("fe1");
        assertThat(second.incarnation()).isEqualTo(1);
        assertThat(second.resumed()).isFalse();
    }

    @Test
    void aHungServerStopsHeartbeatingAndAnswersNothing() {
        TestProbe<PoolProtocol.Command> pool = testKit.createTestProbe();
        ActorRef<ServerCommand> fe = testKit.spawn(FrontEndServer.create("fe2", 1, pool.getRef(), HEARTBEAT));
        pool.expectMessageClass(PoolProtocol.Heartbeat.class);
        fe.tell(ServerCommand.Hang.INSTANCE);
        // at most one heartbeat sent before the hang was processed may still arrive; then silence
        int late = 0;
        while (late < 3) {
            try {
                pool.receiveMessage(HEARTBEAT.multipliedBy(4));
                late++;
            } catch (AssertionError silent) {
                break;
            }
        }
        assertThat(late).isLessThanOrEqualTo(1);
        TestProbe<PoolProtocol.WriteReply> client = testKit.createTestProbe();
        fe.tell(new ServerCommand.ClientWrite(0, client.getRef()));
        client.expectNoMessage(HEARTBEAT.multipliedBy(2));
    }

    @Test
    void aPrimaryThatWokeFromAFreezeAcknowledgesNothingUntilConfirmed() {
        TestProbe<PoolProtocol.Command> pool = testKit.createTestProbe();
        ActorRef<ServerCommand> fe = testKit.spawn(FrontEndServer.create("fe3", 1, pool.getRef(), HEARTBEAT));
        fe.tell(new ServerCommand.Assign(Map.of(7, 4L), 0, 150));
        TestProbe<PoolProtocol.WriteReply> client = testKit.createTestProbe();

        // as primary of group 7 at epoch 4 it forwards the write to its pool with that epoch
        fe.tell(new ServerCommand.ClientWrite(7, client.getRef()));
        PoolProtocol.Write w = pool.fishForMessage(Duration.ofSeconds(5), m -> m instanceof PoolProtocol.Write
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).stream()
                .filter(PoolProtocol.Write.class::isInstance).map(PoolProtocol.Write.class::cast).findFirst().orElseThrow();
        assertThat(w.group()).isEqualTo(7);
        assertThat(w.epoch()).isEqualTo(4L);

        fe.tell(ServerCommand.Hang.INSTANCE);
        fe.tell(ServerCommand.Resume.INSTANCE);
        PoolProtocol.Heartbeat resumed = pool.fishForMessage(Duration.ofSeconds(5), m ->
                m instanceof PoolProtocol.Heartbeat h && h.resumed()
                        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                        : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).stream()
                .filter(PoolProtocol.Heartbeat.class::isInstance).map(PoolProtocol.Heartbeat.class::cast)
                .filter(PoolProtocol.Heartbeat::resumed).findFirst().orElseThrow();
        assertThat(resumed.server()).isEqualTo("fe3");

        fe.tell(new ServerCommand.ClientWrite(7, client.getRef()));
        PoolProtocol.WriteReply refused = client.expectMessageClass(PoolProtocol.WriteReply.class);
        assertThat(refused.acknowledged()).isFalse();
        assertThat(refused.refusal()).contains("confirm");

        // the pool confirms it is no longer primary of group 7: the write is refused, not forwarded
        fe.tell(new ServerCommand.Assign(Map.of(), 2, 0));
        fe.tell(new ServerCommand.ClientWrite(7, client.getRef()));
        PoolProtocol.WriteReply notPrimary = client.expectMessageClass(PoolProtocol.WriteReply.class);
        assertThat(notPrimary.acknowledged()).isFalse();
        assertThat(notPrimary.refusal()).contains("not primary");
    }
}
