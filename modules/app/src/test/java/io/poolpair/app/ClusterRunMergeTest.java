package io.poolpair.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cluster run's node folders merged into one history and one event log, for the checkers. */
class ClusterRunMergeTest {

    private static void write(Path dir, String node, String file, String... lines) throws Exception {
        Files.createDirectories(dir.resolve(node));
        Files.write(dir.resolve(node).resolve(file), List.of(lines));
    }

    private static String header(long wall) {
        return "{\"type\":\"header\",\"format\":1,\"scenario\":\"cluster\",\"seed\":1,\"syncIntervalMs\":120000,\"rpoSlackMs\":30000,"
                + "\"timeScale\":10.0,\"clock\":\"wall\",\"em\":0,\"wall\":" + wall + "}";
    }

    private static String op(String type, long wall) {
        return "{\"type\":\"" + type + "\",\"process\":\"pool-a/u1\",\"home\":\"pool-a\",\"f\":\"im\",\"em\":" + wall + ",\"wall\":" + wall + "}";
    }

    @Test
    void nodeHistoriesAreMergedByWallTimeUnderTheEarliestHeaderAndAHalfWrittenLastLineIsDropped() throws Exception {
        write(dir, "a1", "history.jsonl", header(100), op("invoke", 110), op("ok", 130), "{\"type\":\"ok\",\"proc");
        write(dir, "a2", "history.jsonl", header(90), op("invoke", 120), op("ok", 125));
        write(dir, "nemesis", "history.jsonl", "{\"type\":\"ok\",\"process\":\"nemesis\",\"category\":\"fault\",\"f\":\"kill-node\","
                + "\"value\":\"a1\",\"em\":115,\"wall\":115}");
        write(dir, "a1", "events.jsonl", "{\"type\":\"server-down\",\"wallMs\":200}");
        write(dir, "a2", "events.jsonl", "{\"type\":\"server-up\",\"wallMs\":150}");
        assertThat(ClusterRunMerge.isClusterRun(dir)).isTrue();

        assertThat(ClusterRunMerge.merge(dir)).isEqualTo(3);

        List<String> h = Files.readAllLines(dir.resolve("history.jsonl"));
        assertThat(h).hasSize(6);
        assertThat(h.get(0)).isEqualTo(header(90));
        assertThat(h.subList(1, 6)).extracting(l -> l.replaceAll(".*\"wall\":(\\d+).*", "$1"))
                .containsExactly("110", "115", "120", "125", "130");
        assertThat(Files.readAllLines(dir.resolve("events.jsonl"))).extracting(l -> l.replaceAll(".*\"wallMs\":(\\d+).*", "$1"))
                .containsExactly("150", "200");
    }

    @Test
    void aBrokenLineInsideAFileIsNamedByFileAndLine() throws Exception {
        write(dir, "b1", "history.jsonl", header(1), "not json", op("ok", 5));
        assertThatThrownBy(() -> ClusterRunMerge.merge(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("b1/history.jsonl:2: not a JSON line");
    }

    @Test
    void aOneJvmRunFolderIsNotAClusterRun() throws Exception {
        Files.writeString(dir.resolve("history.jsonl"), header(1) + "\n");
        assertThat(ClusterRunMerge.isClusterRun(dir)).isFalse();
    }

    @TempDir
    Path dir;
}
