package io.poolpair.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.poolpair.cluster.MembershipEvent;
import io.poolpair.model.topology.Origin;
import io.poolpair.model.topology.Problem;
import io.poolpair.runtime.journal.EventBus;
import io.poolpair.runtime.journal.EventJson;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * One record of a multi-node timeline ({@code poolpair watch}, docs/watch.md): a line of a node's {@code events.jsonl}
 * (docs/events.md) or {@code cluster.jsonl} (docs/cluster.md#clusterjsonl), parsed and checked, and how it prints.
 *
 * <p>The printed line is the console timeline's ({@link EventBus#timelineLine}: emulated time, site, pool, text) with
 * the node's name and the wall time in front; a membership line has {@code cluster} in the emulated-time column and
 * {@link MembershipEvent#text()} as its text.
 *
 * @param wallMs  the record's wall time (epoch ms): the merge order
 * @param node    the node folder it was read from
 * @param source  {@link #EVENTS} or {@link #MEMBERSHIP}
 * @param seq     its place among the records read so far (a stable last tie-break)
 * @param key     what identifies the record across nodes' files: its {@code id} when it has one, else its JSON line
 * @param type    the event or membership type
 * @param level   INFO, WARN or ERROR
 * @param pool    the event's pool, or null
 * @param body    the timeline text after the wall time and level
 */
record WatchLine(long wallMs, String node, int source, long seq, String key, String type, String level, String pool,
                 String body) {

    static final int EVENTS = 0;
    static final int MEMBERSHIP = 1;

    static final String RESET = "\u001b[0m";
    static final String RED = "\u001b[31m";
    static final String GREEN = "\u001b[32m";
    static final String YELLOW = "\u001b[33m";
    static final String CYAN = "\u001b[36m";
    static final String DIM = "\u001b[2m";

    /** Event types printed green (recoveries and promotions) when their level is INFO. */
    static final Set<String> RECOVERIES = Set.of("server-up", "fault-healed", "primary-moved", "replica-rebuilt",
            "routing-group-recovered", "pool-quorum-regained", "site-link-healed", "cms-moved");

    /** Merge order: wall time, then node name, then events before membership, then the order read. */
    static int compare(WatchLine a, WatchLine b) {
        int c = Long.compare(a.wallMs, b.wallMs);
        if (c == 0) c = a.node.compareTo(b.node);
        if (c == 0) c = Integer.compare(a.source, b.source);
        if (c == 0) c = Long.compare(a.seq, b.seq);
        return c;
    }

    /** Thrown by {@link #parse} with the problem: {@code FILE:LINE: field: message}. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Problem problem;

        Malformed(Problem problem) {
            super(problem.format(), null, false, false);
            this.problem = problem;
        }
    }

    /**
     * Parses one line of {@code file} ({@code lineNo} from 1).
     *
     * @throws Malformed naming the file, the line and the field at fault
     */
    static WatchLine parse(String text, String file, long lineNo, String node, int source, long seq) throws Malformed {
        Origin at = new Origin(file, (int) Math.min(Integer.MAX_VALUE, lineNo));
        JsonNode n;
        try {
            n = EventJson.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new Malformed(Problem.error(at, "json", "not JSON: " + oneLine(e.getOriginalMessage())));
        }
        if (n == null || !n.isObject()) throw new Malformed(Problem.error(at, "json", "not a JSON object"));
        JsonNode schema = n.get("schema");
        if (schema != null && !(schema.isIntegralNumber() && schema.asInt() == 1)) {
            throw new Malformed(Problem.error(at, "schema", "is " + schema + "; this watch reads schema 1"));
        }
        String type = string(n, "type", at, true);
        JsonNode wall = n.get("wallMs");
        if (wall == null || wall.isNull()) throw new Malformed(Problem.error(at, "wallMs", "missing"));
        if (!wall.isIntegralNumber() || !wall.canConvertToLong()) {
            throw new Malformed(Problem.error(at, "wallMs", "not a whole number: " + abbreviate(wall.toString())));
        }
        long wallMs = wall.asLong();
        JsonNode id = n.get("id");
        String key = source + (id != null && !id.isNull() ? "id:" + id : "line:" + text.strip());
        if (source == MEMBERSHIP) {
            MembershipEvent m = new MembershipEvent(type, wallMs, string(n, "observer", at, false),
                    string(n, "observerSite", at, false), string(n, "node", at, false), string(n, "site", at, false),
                    string(n, "address", at, false), string(n, "status", at, false), string(n, "detail", at, false));
            String level = m.warning() ? "WARN" : "INFO";
            String body = String.format(Locale.ROOT, "%9s  %-8s %-8s %s", "cluster", m.site() == null ? "" : m.site(), "",
                    m.text());
            return new WatchLine(wallMs, node, source, seq, key, type, level, null, body);
        }
        String level = string(n, "level", at, false);
        if (level == null) level = "INFO";
        else if (!level.equals("INFO") && !level.equals("WARN") && !level.equals("ERROR")) {
            throw new Malformed(Problem.error(at, "level", "is '" + abbreviate(level) + "', not INFO, WARN or ERROR"));
        }
        JsonNode emu = n.get("emulatedMs");
        if (emu != null && !emu.isNull() && !emu.isIntegralNumber()) {
            throw new Malformed(Problem.error(at, "emulatedMs", "not a whole number: " + abbreviate(emu.toString())));
        }
        String site = string(n, "site", at, false);
        String pool = string(n, "pool", at, false);
        String sentence = string(n, "text", at, true);
        String body = String.format(Locale.ROOT, "%9s  %-8s %-8s %s",
                emu == null || emu.isNull() ? "" : EventBus.emulated(emu.asLong()), site == null ? "" : site,
                pool == null ? "" : pool, sentence);
        return new WatchLine(wallMs, node, source, seq, key, type, level, pool, body);
    }

    private static String string(JsonNode n, String field, Origin at, boolean required) throws Malformed {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new Malformed(Problem.error(at, field, "missing"));
            return null;
        }
        if (!v.isTextual()) throw new Malformed(Problem.error(at, field, "not a string: " + abbreviate(v.toString())));
        return v.asText();
    }

    /** The colour of a record: membership dim, admin verbs cyan, faults red, recoveries green, warnings yellow. */
    String colour() {
        if (source == MEMBERSHIP) return DIM;
        if (type.startsWith("admin-verb-")) return CYAN;
        if (level.equals("ERROR") || type.equals("fault-injected")) return RED;
        if (level.equals("WARN")) return YELLOW;
        if (RECOVERIES.contains(type)) return GREEN;
        return null;
    }

    /** The printed line: node (padded to {@code nodeWidth}), wall time in {@code zone}, level, the timeline's text. */
    String format(int nodeWidth, ZoneId zone, boolean colour) {
        String time = TIME.withZone(zone).format(Instant.ofEpochMilli(wallMs));
        String rest = time + " " + String.format(Locale.ROOT, "%-5s ", level) + body;
        String c = colour ? colour() : null;
        return String.format(Locale.ROOT, "%-" + Math.max(1, nodeWidth) + "s ", node) + (c == null ? rest : c + rest + RESET);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static String oneLine(String s) {
        return abbreviate(s == null ? "unreadable" : s.replaceAll("\\s+", " ").strip());
    }
}
