package io.poolpair.model.dr;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.DataLost;
import io.poolpair.model.event.FailoverEvent.ServiceDropped;
import io.poolpair.model.time.Time;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A pool's file store on a DFS pair (spec §6.1): best-effort failover loses what DFS had not replicated. */
class FileStoreTest {

    private static Time at(long ms) { return Time.ofEmulated(ms); }

    private static FileStore store() { return new FileStore("fs-a", "pool-a", "site-a", 300_000, 0); }

    @Test
    void losingTheActiveFileServerLosesOnlyTheContentWrittenSinceTheLastReplication() {
        FileStore fs = store();
        fs.write(at(10_000));
        fs.write(at(20_000));
        fs.tick(at(300_000)); // DFS replicates both
        fs.write(at(310_000));
        fs.write(at(320_000));
        fs.write(at(330_000));
        List<FailoverEvent> ev = fs.serverUp(1, false, at(340_000));
        List<DataLost> lost = ev.stream().filter(DataLost.class::isInstance).map(DataLost.class::cast).toList();
        assertThat(lost).hasSize(1);
        assertThat(lost.get(0).writes()).isEqualTo(3);
        assertThat(lost.get(0).windowFromEmulatedMs()).isEqualTo(310_000);
        assertThat(lost.get(0).windowToEmulatedMs()).isEqualTo(340_000);
        assertThat(lost.get(0).reason()).contains("DFS");
        assertThat(fs.activeServer()).isEqualTo(2);
        assertThat(fs.available()).isTrue();
        assertThat(fs.unreplicated()).isZero();
    }

    @Test
    void replicationWaitsForItsIntervalAndForBothServers() {
        FileStore fs = store();
        fs.write(at(1_000));
        fs.tick(at(200_000)); // not due yet
        assertThat(fs.unreplicated()).isEqualTo(1);
        fs.serverUp(2, false, at(250_000)); // the standby is down: nothing lost, nothing replicated
        fs.tick(at(300_000));
        assertThat(fs.unreplicated()).isEqualTo(1);
    }

    @Test
    void losingTheStandbyLosesNothingAndBothDownMeansNoContent() {
        FileStore fs = store();
        fs.write(at(1_000));
        assertThat(fs.serverUp(2, false, at(2_000))).isEmpty();
        List<FailoverEvent> ev = fs.serverUp(1, false, at(3_000));
        assertThat(ev).anyMatch(e -> e instanceof DataLost);
        assertThat(ev).anyMatch(e -> e instanceof ServiceDropped s && s.unit().equals("file-store"));
        assertThat(fs.available()).isFalse();
        assertThat(fs.write(at(4_000))).isFalse();
        fs.serverUp(2, true, at(5_000));
        assertThat(fs.available()).isTrue();
        assertThat(fs.activeServer()).isEqualTo(2);
        assertThat(fs.write(at(6_000))).isTrue();
    }
}
