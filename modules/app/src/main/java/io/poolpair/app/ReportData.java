package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Type;
import io.poolpair.runtime.journal.HistoryJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code report.html} shows, gathered from a run folder (docs/report.md): {@code results.json} whole (it is
 * small), and from {@code history.jsonl} and {@code events.jsonl}, read line by line, only what the page draws.
 * Memory does not grow with the length of the run except for the users-moved series and the fault, heal and admin
 * records (one per action on the deployment, never per user operation); the timeline's events are counted into a
 * fixed number of time slices.
 */
final class ReportData {

    /** Slices of the run's emulated time the timeline's events are counted into; the page merges them further. */
    static final int SLICES = 1000;
    /** Key events listed in full, in file order; the rest are only counted. */
    static final int LISTED_EVENTS = 200;
    /** Longest text kept for a table cell taken from a file. */
    static final int TEXT = 200;
    /** Texts kept per time slice of a timeline lane, and their longest length. */
    static final int SAMPLES = 2;
    static final int SAMPLE_TEXT = 100;

    /** The events the timeline draws as ticks, one lane each, in this order. */
    static final List<String> KEY_EVENTS = List.of("server-down", "pool-quorum-lost", "pool-quorum-regained",
            "pool-failover-state", "data-lost", "users-moved");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fault, from the nemesis {@code ok} that injected it until the heal that ended it. */
    record FaultWindow(String f, String target, String detail, long startMs, long endMs, String endedBy) {
        boolean healed() { return endedBy != null; }
    }

    /** An admin verb as the history has it: accepted ({@code ok}) or refused. */
    record AdminVerb(long ms, String verb, String args, boolean ok, String detail) {}

    /** All users of home pool {@code home} changed mode (events.jsonl {@code users-moved}). */
    record Move(long ms, int users, String from, String to, String servedBy, String reason) {}

    /** One line of the key-event list. */
    record Listed(long ms, String type, String level, String text) {}

    /**
     * Events of one timeline lane counted into {@link #SLICES} slices of the run: per slice the count, the first
     * and last time, the worst severity (0 good, 1 degraded, 2 service lost, 3 neutral) and the first
     * {@link #SAMPLES} texts.
     */
    static final class Lane {
        final String name;
        final long[] count = new long[SLICES];
        final long[] firstMs = new long[SLICES];
        final long[] lastMs = new long[SLICES];
        final int[] worst = new int[SLICES];
        final List<List<String>> samples = new ArrayList<>(SLICES);
        long total;

        Lane(String name) {
            this.name = name;
            for (int i = 0; i < SLICES; i++) samples.add(null);
        }

        void add(int slice, long ms, int severity, String text) {
            if (count[slice] == 0) {
                firstMs[slice] = ms;
                lastMs[slice] = ms;
                worst[slice] = severity;
                samples.set(slice, new ArrayList<>(SAMPLES));
            } else {
                firstMs[slice] = Math.min(firstMs[slice], ms);
                lastMs[slice] = Math.max(lastMs[slice], ms);
                worst[slice] = worse(worst[slice], severity);
            }
            count[slice]++;
            total++;
            List<String> s = samples.get(slice);
            if (s.size() < SAMPLES) s.add(ReportHtml.clock(ms) + " " + cut(text, SAMPLE_TEXT));
        }

        static int worse(int a, int b) {
            if (a == 3) return b;
            if (b == 3) return a;
            return Math.max(a, b);
        }
    }

    final Path dir;
    final JsonNode results;
    final String missing;
    final long endMs;
    final List<FaultWindow> faults;
    final List<AdminVerb> admin;
    /** Per home pool, in name order, its users-moved events in time order. */
    final Map<String, List<Move>> moves;
    /** Lanes by name: "admin verbs", "scenario notes", then {@link #KEY_EVENTS}. */
    final Map<String, Lane> lanes;
    final List<Listed> listed;
    final long keyEvents;
    final long eventLines;
    final long badEventLines;
    final long historyRecords;

    private ReportData(Path dir, JsonNode results, String missing, long endMs, List<FaultWindow> faults,
                       List<AdminVerb> admin, Map<String, List<Move>> moves, Map<String, Lane> lanes, List<Listed> listed,
                       long keyEvents, long eventLines, long badEventLines, long historyRecords) {
        this.dir = dir;
        this.results = results;
        this.missing = missing;
        this.endMs = endMs;
        this.faults = faults;
        this.admin = admin;
        this.moves = moves;
        this.lanes = lanes;
        this.listed = listed;
        this.keyEvents = keyEvents;
        this.eventLines = eventLines;
        this.badEventLines = badEventLines;
        this.historyRecords = historyRecords;
    }

    /** Reads a run folder; a file that is not there is named in {@link #missing} and its parts are left empty. */
    static ReportData read(Path dir) throws IOException {
        List<String> absent = new ArrayList<>();
        Path resultsFile = dir.resolve("results.json");
        JsonNode results = MissingNode.getInstance();
        if (Files.isRegularFile(resultsFile)) results = JSON.readTree(resultsFile.toFile());
        else absent.add("results.json");

        // history.jsonl: the header, the nemesis records (faults, heals, admin verbs) and the last time.
        List<Nemesis> nemesis = new ArrayList<>();
        long lastMs = results.path("emulatedMs").asLong(0);
        long records = 0;
        Path history = dir.resolve("history.jsonl");
        if (Files.isRegularFile(history)) {
            try (HistoryJson.Reader r = HistoryJson.open(history)) {
                while (r.hasNext()) {
                    HistoryRecord x = r.next();
                    records++;
                    lastMs = Math.max(lastMs, x.emulatedMs());
                    if (x instanceof Nemesis n && n.type() != Type.INVOKE) nemesis.add(n);
                }
            }
        } else {
            absent.add("history.jsonl");
        }
        long endMs = Math.max(1, lastMs);

        Map<String, Lane> lanes = new LinkedHashMap<>();
        lanes.put("admin verbs", new Lane("admin verbs"));
        lanes.put("scenario notes", new Lane("scenario notes"));
        for (String k : KEY_EVENTS) lanes.put(k, new Lane(k));
        List<AdminVerb> admin = new ArrayList<>();
        for (Nemesis n : nemesis) {
            if (n.category() != Nemesis.Category.ADMIN) continue;
            boolean ok = n.type() == Type.OK;
            admin.add(new AdminVerb(n.emulatedMs(), n.f(), n.target(), ok, cut(n.detail())));
            lanes.get("admin verbs").add(slice(n.emulatedMs(), endMs), n.emulatedMs(), ok ? 3 : 1,
                    cut(n.f() + (n.target() == null ? "" : " " + n.target()) + (ok ? ": " : ": REFUSED: ") + n.detail()));
        }

        // events.jsonl: the key events, users-moved, notes, and what the fault windows need (sites, pools, server-up).
        Map<String, List<Move>> moves = new TreeMap<>();
        List<Listed> listed = new ArrayList<>();
        Topo topo = new Topo();
        long lines = 0, bad = 0, key = 0;
        Path events = dir.resolve("events.jsonl");
        if (Files.isRegularFile(events)) {
            try (BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) continue;
                    lines++;
                    JsonNode e;
                    try {
                        e = JSON.readTree(line);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException x) {
                        bad++;
                        continue;
                    }
                    if (!e.isObject() || !e.hasNonNull("type")) {
                        bad++;
                        continue;
                    }
                    String type = e.get("type").asText();
                    long ms = e.path("emulatedMs").asLong(0);
                    String site = text(e, "site"), pool = text(e, "pool"), server = text(e, "server");
                    topo.saw(site, pool, server);
                    if (type.equals("server-up") && server != null) topo.up(server, ms);
                    if (type.equals("run-marker") && "note".equals(text(e, "marker"))) {
                        lanes.get("scenario notes").add(slice(ms, endMs), ms, 3, cut(e.path("detail").asText("")));
                    }
                    if (!KEY_EVENTS.contains(type)) continue;
                    key++;
                    String level = e.path("level").asText("INFO");
                    String text = cut(e.path("text").asText(type));
                    int severity = switch (level) {
                        case "ERROR" -> 2;
                        case "WARN" -> 1;
                        default -> 0;
                    };
                    if (type.equals("users-moved") && pool != null) {
                        String to = e.path("toMode").asText("?");
                        severity = modeSeverity(to);
                        moves.computeIfAbsent(pool, p -> new ArrayList<>()).add(new Move(ms, e.path("users").asInt(0),
                                e.path("fromMode").asText("?"), to, text(e, "servedBy"), cut(e.path("reason").asText(""))));
                    }
                    lanes.get(type).add(slice(ms, endMs), ms, severity, text);
                    if (listed.size() < LISTED_EVENTS) listed.add(new Listed(ms, type, level, text));
                }
            }
        } else {
            absent.add("events.jsonl");
        }
        // Events are stamped a moment before they are published (docs/events.md): put each pool's moves in time order.
        for (List<Move> l : moves.values()) l.sort(Comparator.comparingLong(Move::ms));

        List<FaultWindow> faults = faultWindows(nemesis, topo, endMs);
        return new ReportData(dir, results, String.join(", ", absent), endMs, faults, admin, moves, lanes, listed, key,
                lines, bad, records);
    }

    static int modeSeverity(String mode) {
        return switch (mode) {
            case "normal" -> 0;
            case "resiliency" -> 1;
            default -> 2;
        };
    }

    /**
     * Pairs each accepted fault with the accepted heal that ended it, the way the deployment heals
     * (EmbeddedDeployment): {@code heal}, {@code heal-backend}, {@code heal-file-server}, {@code heal-site} and
     * {@code heal-pool} end the faults on their own target; {@code heal-pool} also the kill or hang of any server of
     * that pool; {@code heal-all} every kill or hang of a server and every pool-wide fault; {@code heal-site} every
     * fault on the site's servers, its pools and its pools' back ends. A {@code restart} ends at the server's next
     * {@code server-up} (for a pool, when every server of it was up again), and ends a kill or hang of that server.
     * A fault never ended runs to the end of the run.
     */
    static List<FaultWindow> faultWindows(List<Nemesis> nemesis, Topo topo, long endMs) {
        List<long[]> span = new ArrayList<>();
        List<Nemesis> fault = new ArrayList<>();
        List<String> endedBy = new ArrayList<>();
        List<Integer> open = new ArrayList<>();
        for (Nemesis n : nemesis) {
            if (n.type() != Type.OK) continue;
            if (n.category() == Nemesis.Category.FAULT) {
                if (n.f().equals("restart")) closeAll(open, fault, span, endedBy, w -> isServerFault(w) && eq(w.target(), n.target()),
                        n.emulatedMs(), "restart " + n.target());
                fault.add(n);
                span.add(new long[] {n.emulatedMs(), endMs});
                endedBy.add(null);
                if (isRestart(n)) {
                    long back = restartedAt(n, topo);
                    if (back >= 0) {
                        span.get(span.size() - 1)[1] = back;
                        endedBy.set(endedBy.size() - 1, "back up");
                    }
                } else {
                    open.add(fault.size() - 1);
                }
            } else if (n.category() == Nemesis.Category.HEAL) {
                String by = n.f() + (n.target() == null ? "" : " " + n.target());
                closeAll(open, fault, span, endedBy, w -> heals(n, w, topo), n.emulatedMs(), by);
            }
        }
        List<FaultWindow> out = new ArrayList<>();
        for (int i = 0; i < fault.size(); i++) {
            Nemesis n = fault.get(i);
            out.add(new FaultWindow(n.f(), n.target(), cut(n.detail()), span.get(i)[0], span.get(i)[1], endedBy.get(i)));
        }
        return out;
    }

    private static void closeAll(List<Integer> open, List<Nemesis> fault, List<long[]> span, List<String> endedBy,
                                 java.util.function.Predicate<Nemesis> ends, long ms, String by) {
        for (java.util.Iterator<Integer> it = open.iterator(); it.hasNext(); ) {
            int i = it.next();
            if (!ends.test(fault.get(i))) continue;
            span.get(i)[1] = Math.max(span.get(i)[0], ms);
            endedBy.set(i, by);
            it.remove();
        }
    }

    private static boolean heals(Nemesis heal, Nemesis w, Topo topo) {
        String h = heal.f();
        if (heal.target() != null && heal.target().equals(w.target())) return true;
        return switch (h) {
            case "heal-all" -> isServerFault(w) || isPoolFault(w) || isLinkFault(w);
            case "heal-link" -> isLinkFault(w) && sameSites(w.target(), heal.target());
            case "heal-pool" -> isServerFault(w) && eq(topo.poolOf(w.target()), heal.target());
            case "heal-site" -> {
                if (isServerFault(w)) yield eq(topo.siteOf(w.target()), heal.target());
                if (isPoolFault(w)) yield eq(topo.siteOfPool(w.target()), heal.target());
                if (w.f().equals("fail-backend")) yield eq(topo.siteOfPool(firstWord(w.target())), heal.target());
                yield false;
            }
            default -> false;
        };
    }

    private static boolean isLinkFault(Nemesis n) {
        return n.f().equals("cut-link") || n.f().equals("slow-link");
    }

    /** Whether two link targets ({@code site-a site-b [delay Nms]}) name the same two sites, in either order. */
    private static boolean sameSites(String a, String b) {
        if (a == null || b == null) return false;
        String[] x = a.split(" ");
        String[] y = b.split(" ");
        if (x.length < 2 || y.length < 2) return false;
        return (x[0].equals(y[0]) && x[1].equals(y[1])) || (x[0].equals(y[1]) && x[1].equals(y[0]));
    }

    private static boolean isRestart(Nemesis n) {
        return n.f().equals("restart") || n.f().equals("restart-pool");
    }

    private static boolean isServerFault(Nemesis n) {
        return n.f().equals("kill") || n.f().equals("hang");
    }

    private static boolean isPoolFault(Nemesis n) {
        return n.f().endsWith("-pool") && !n.f().equals("restart-pool");
    }

    /** When a restarted server (every server of a restarted pool) was next up; -1 if never. */
    private static long restartedAt(Nemesis n, Topo topo) {
        List<String> servers = n.f().equals("restart") ? List.of(n.target()) : topo.serversOf(n.target());
        if (servers.isEmpty()) return -1;
        long last = -1;
        for (String s : servers) {
            long up = topo.upAfter(s, n.emulatedMs());
            if (up < 0) return -1;
            last = Math.max(last, up);
        }
        return last;
    }

    private static String firstWord(String s) {
        if (s == null) return null;
        int sp = s.indexOf(' ');
        return sp < 0 ? s : s.substring(0, sp);
    }

    private static boolean eq(String a, String b) {
        return a != null && a.equals(b);
    }

    static int slice(long ms, long endMs) {
        long i = ms <= 0 ? 0 : ms * SLICES / endMs;
        return (int) Math.min(SLICES - 1, i);
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String cut(String s) {
        return cut(s, TEXT);
    }

    static String cut(String s, int max) {
        if (s == null) return null;
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Where servers and pools are, and when servers came up, as the events say. */
    static final class Topo {
        private final Map<String, String> serverSite = new HashMap<>();
        private final Map<String, String> serverPool = new HashMap<>();
        private final Map<String, String> poolSite = new HashMap<>();
        private final Map<String, List<String>> poolServers = new HashMap<>();
        private final Map<String, List<Long>> ups = new HashMap<>();

        void saw(String site, String pool, String server) {
            if (server != null) {
                if (site != null) serverSite.putIfAbsent(server, site);
                if (pool != null && serverPool.putIfAbsent(server, pool) == null) {
                    poolServers.computeIfAbsent(pool, p -> new ArrayList<>()).add(server);
                }
            } else if (pool != null && site != null) {
                poolSite.putIfAbsent(pool, site);
            }
        }

        void up(String server, long ms) {
            ups.computeIfAbsent(server, s -> new ArrayList<>()).add(ms);
        }

        String siteOf(String server) { return serverSite.get(server); }

        String poolOf(String server) { return serverPool.get(server); }

        String siteOfPool(String pool) {
            String s = poolSite.get(pool);
            if (s != null) return s;
            List<String> servers = poolServers.getOrDefault(pool, List.of());
            return servers.isEmpty() ? null : serverSite.get(servers.get(0));
        }

        List<String> serversOf(String pool) { return poolServers.getOrDefault(pool, List.of()); }

        long upAfter(String server, long ms) {
            long best = -1;
            for (long t : ups.getOrDefault(server, List.of())) if (t >= ms && (best < 0 || t < best)) best = t;
            return best;
        }
    }
}
