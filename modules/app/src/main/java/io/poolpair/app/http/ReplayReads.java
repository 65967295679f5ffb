package io.poolpair.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.stream.javadsl.Source;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dashboard's reads over a finished run folder ({@code poolpair replay}): {@code topology.json} as written at the
 * run's start, {@code events.jsonl} as the event stream, and what {@code results.json} says about the run (when the run
 * got that far). The folder is checked once, up front: a folder that cannot be replayed is one line naming what is
 * missing.
 */
final class ReplayReads implements Dashboard.Reads {

    private final Path folder;
    private final Path events;
    private final ObjectNode topology;
    private final RunInfo run;
    private final int lines;
    private final long endMs;

    private ReplayReads(Path folder, Path events, ObjectNode topology, RunInfo run, int lines, long endMs) {
        this.folder = folder;
        this.events = events;
        this.topology = topology;
        this.run = run;
        this.lines = lines;
        this.endMs = endMs;
    }

    /**
     * Reads and checks {@code folder}.
     *
     * @throws IllegalArgumentException (one line) when it is not a run folder that can be replayed
     */
    static ReplayReads of(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(folder + ": " + (Files.exists(folder) ? "not a folder" : "no such folder")
                    + " (give a run folder such as runs/latest)");
        }
        Path events = folder.resolve("events.jsonl");
        if (!Files.isRegularFile(events)) {
            throw new IllegalArgumentException(folder + ": no events.jsonl: not a run folder of poolpair run or chaos");
        }
        Path topo = folder.resolve(TopologyJson.FILE);
        if (!Files.isRegularFile(topo)) {
            throw new IllegalArgumentException(folder + ": no " + TopologyJson.FILE + " (poolpair run and chaos write it at the start of a"
                    + " run; this folder comes from an older version or was not written by them)");
        }
        ObjectNode topology;
        try {
            JsonNode n = StatusJson.JSON.readTree(topo.toFile());
            if (n == null || !n.isObject() || !n.path("pools").isArray() || !n.path("sites").isArray()) {
                throw new IllegalArgumentException(topo + ": not a topology of poolpair run (no sites and pools)");
            }
            topology = (ObjectNode) n;
        } catch (IOException e) {
            throw new IllegalArgumentException(topo + ": unreadable: " + Requests.oneLine(String.valueOf(e.getMessage())));
        }
        int lines = 0;
        long endMs = 0;
        try (BufferedReader r = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                lines++;
                int at = line.indexOf("\"emulatedMs\":");
                if (at >= 0) {
                    int from = at + "\"emulatedMs\":".length();
                    int to = from;
                    while (to < line.length() && Character.isDigit(line.charAt(to))) to++;
                    if (to > from && to - from < 18) endMs = Math.max(endMs, Long.parseLong(line.substring(from, to)));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(events + ": unreadable: " + Requests.oneLine(String.valueOf(e.getMessage())));
        }
        String scenario = null;
        String clock = null;
        double timeScale = 0;
        Path results = folder.resolve("results.json");
        if (Files.isRegularFile(results)) {
            try {
                JsonNode r = StatusJson.JSON.readTree(results.toFile());
                scenario = r.path("scenario").asText(null);
                clock = r.path("clock").asText(null);
                timeScale = r.path("timeScale").asDouble(0);
                endMs = Math.max(endMs, r.path("emulatedMs").asLong(0));
            } catch (IOException e) {
                // results.json is optional: the run may have been stopped before its verdict
            }
        }
        return new ReplayReads(folder, events, topology, new RunInfo("replay", scenario, folder.toString(), clock, timeScale),
                lines, endMs);
    }

    Path folder() { return folder; }

    /** Lines of events.jsonl. */
    int lines() { return lines; }

    @Override
    public ObjectNode topology() { return topology; }

    @Override
    public ObjectNode run() { return run.toJson(endMs, lines, false); }

    @Override
    public Source<ServerSentEvent, NotUsed> events(int from) {
        return EventStream.file(events, from, lines);
    }
}
