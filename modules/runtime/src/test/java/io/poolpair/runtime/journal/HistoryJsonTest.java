package io.poolpair.runtime.journal;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryJsonTest {

    @Test
    void everyKindOfRecordSurvivesTheRoundTrip(@TempDir Path dir) throws Exception {
        List<HistoryRecord> in = List.of(
                new HistoryRecord.Header(1, "default", 7, 120_000, 30_000, 40, "wall", 0, 1_000),
                ClientOp.invoke("pool-a/u3", "pool-a", "add-contact", 17, 500, 1_500),
                new ClientOp(Type.OK, "pool-a/u3", "pool-a", "add-contact", 17, null, "pool-a", "a-fe2", 4, 2, null, false, 510, 520, 1_520),
                new ClientOp(Type.FAIL, "pool-a/u4", "pool-a", "im", -1, null, "pool-b", null, -1, -1, "not in resiliency mode", true, -1, 600, 1_600),
                new Nemesis(Type.OK, Nemesis.Category.FAULT, "kill", "a-fe2", "kill a-fe2", 700, 1_700),
                new ModelFact("loss-window", "pool-a", null, 4, 300, "quorum-loss-recovery", 800, 1_800),
                new ClientOp(Type.OK, "pool-a/u3", "pool-a", "read", -1, new long[] {17, 19}, "pool-a", null, -1, -1, null, false, 900, 900, 1_900));
        Path f = dir.resolve("history.jsonl");
        try (HistoryLog log = HistoryLog.to(f)) {
            for (HistoryRecord r : in) log.record(r);
        }
        List<HistoryRecord> out = new ArrayList<>();
        try (HistoryJson.Reader r = HistoryJson.open(f)) {
            r.forEachRemaining(out::add);
        }
        assertThat(out).hasSize(in.size());
        for (int i = 0; i < in.size(); i++) {
            assertThat(out.get(i)).usingRecursiveComparison().isEqualTo(in.get(i));
        }
    }

    @Test
    void aBadLineNamesTheFileTheLineAndTheField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("history.jsonl");
        Files.writeString(f, HistoryJson.toLine(ClientOp.invoke("a/u1", "a", "im", -1, 1, 1)) + "\n{\"type\":\"ok\",\"process\":\"a/u1\"}\n");
        try (HistoryJson.Reader r = HistoryJson.open(f)) {
            r.next();
            assertThatThrownBy(r::next).isInstanceOf(IllegalArgumentException.class).hasMessage(f + ":2: f: missing");
        }
    }
}
