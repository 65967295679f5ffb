package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A multi-node run writes one {@code history.jsonl} and one {@code events.jsonl} per node (a pool's users and
 * supervisor write where their singleton runs, and move with it). This merges them into the run folder, in wall-clock
 * order (ties: node name, then the order in the node's file), keeping the earliest history header, so that the
 * checkers read one history as they do for a one-JVM run.
 */
final class ClusterRunMerge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClusterRunMerge() {}

    /** Whether {@code folder} is a multi-node run: node folders with a history or events file, none of its own. */
    static boolean isClusterRun(Path folder) throws IOException {
        return Files.isDirectory(folder) && !nodeFiles(folder, "history.jsonl").isEmpty();
    }

    /** Node folders' {@code name} files, by node name. */
    static List<Path> nodeFiles(Path folder, String name) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isDirectory).map(d -> d.resolve(name)).filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getParent().getFileName().toString())).toList();
        }
    }

    private record Line(long wall, String node, long seq, String text) {}

    /**
     * Writes {@code folder/history.jsonl} and {@code folder/events.jsonl} from the node folders.
     *
     * @return how many node histories were merged
     * @throws IllegalArgumentException naming file and line when a line is not JSON or lacks its time
     */
    static int merge(Path folder) throws IOException {
        List<Path> histories = nodeFiles(folder, "history.jsonl");
        List<Line> lines = read(histories, "wall", true);
        try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("history.jsonl"), StandardCharsets.UTF_8)) {
            for (Line l : lines) {
                w.write(l.text());
                w.newLine();
            }
        }
        List<Line> events = read(nodeFiles(folder, "events.jsonl"), "wallMs", false);
        try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            for (Line l : events) {
                w.write(l.text());
                w.newLine();
            }
        }
        return histories.size();
    }

    private static List<Line> read(List<Path> files, String wallField, boolean history) throws IOException {
        List<Line> out = new ArrayList<>();
        String header = null;
        long headerWall = Long.MAX_VALUE;
        for (Path f : files) {
            String node = f.getParent().getFileName().toString();
            long seq = 0;
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                String text;
                int lineNo = 0;
                while ((text = r.readLine()) != null) {
                    lineNo++;
                    if (text.isBlank()) continue;
                    JsonNode n;
                    try {
                        n = JSON.readTree(text);
                    } catch (IOException e) {
                        // a node killed while writing leaves a cut last line: that line never happened
                        if (r.ready()) throw new IllegalArgumentException(f + ":" + lineNo + ": not a JSON line");
                        continue;
                    }
                    if (history && "header".equals(n.path("type").asText())) {
                        long w = n.path("wall").asLong(Long.MAX_VALUE);
                        if (header == null || w < headerWall) {
                            header = text;
                            headerWall = w;
                        }
                        continue;
                    }
                    JsonNode wall = n.get(wallField);
                    if (wall == null || !wall.canConvertToLong()) {
                        throw new IllegalArgumentException(f + ":" + lineNo + ": " + wallField + ": missing or not a number");
                    }
                    out.add(new Line(wall.asLong(), node, seq++, text));
                }
            }
        }
        out.sort(Comparator.comparingLong(Line::wall).thenComparing(Line::node).thenComparingLong(Line::seq));
        if (header != null) out.add(0, new Line(Long.MIN_VALUE, "", 0, header));
        return out;
    }
}
