package io.poolpair.app;

import io.poolpair.model.history.HistoryRecord;
import io.poolpair.model.history.HistoryRecord.ClientOp;
import io.poolpair.model.history.HistoryRecord.Header;
import io.poolpair.model.history.HistoryRecord.ModelFact;
import io.poolpair.model.history.HistoryRecord.Nemesis;
import io.poolpair.model.history.HistoryRecord.Nemesis.Category;
import io.poolpair.model.history.HistoryRecord.Type;
import io.poolpair.runtime.journal.HistoryJson;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * report.html from a small hand-made run folder: the history and events below, and a results.json the real
 * checkers and {@link RunResults} make of that history.
 */
class ReportHtmlTest {

    private static final long END = 500_000;

    /**
     * pool-a (300 users) loses its site at 1:00 and is healed at 5:00; its users are signed out, reach pool-b in
     * Resiliency mode at 2:20 and are failed over (admin verb at 2:30, complete at 6:40: RTO 4:10). pool-b's
     * b-fe2 hangs at 7:30 and is never healed. Writes: u1's writes 2 (0:55) and 5 (0:58) are lost inside the
     * disaster-failover window declared from 0:50 (RPO 0:03, the span of the lost work); pool-b/u3's write 3 is lost outside any window (a violation); u4's
     * write is never read back (a notice).
     */
    private static Path handMadeRun(Path dir) throws IOException {
        List<HistoryRecord> h = new ArrayList<>();
        h.add(new Header(Header.FORMAT, "hand-made", 7, 120_000, 30_000, 40, "virtual", 0, 0));
        h.add(op(Type.OK, "pool-a/u1", "pool-a", 1, "pool-a", 10_000));
        h.add(op(Type.OK, "pool-b/u3", "pool-b", 3, "pool-b", 20_000));
        h.add(op(Type.OK, "pool-a/u4", "pool-a", 4, "pool-a", 30_000));
        h.add(op(Type.OK, "pool-a/u1", "pool-a", 2, "pool-a", 55_000));
        h.add(op(Type.OK, "pool-a/u1", "pool-a", 5, "pool-a", 58_000));
        h.add(nemesis(Type.INVOKE, Category.FAULT, "kill-site", "site-a", null, 59_900));
        h.add(nemesis(Type.OK, Category.FAULT, "kill-site", "site-a", "site site-a lost: pool-a", 60_000));
        h.add(new ModelFact("pool-quorum-lost", "pool-a", null, -1, -1, null, 60_500, 60_500));
        h.add(new ClientOp(Type.FAIL, "pool-a/u1", "pool-a", "im", -1, null, null, null, -1, -1, "signed out", false, -1, 61_000, 61_000));
        h.add(new ModelFact("users-moved", null, "pool-a", -1, -1, "signed-out", 61_000, 61_000));
        h.add(new ModelFact("users-moved", "pool-b", "pool-a", -1, -1, "resiliency", 140_000, 140_000));
        h.add(nemesis(Type.INVOKE, Category.ADMIN, "failover-pool", "{disaster=true, pool=pool-a}", null, 150_000));
        h.add(new ClientOp(Type.FAIL, "pool-a/u2", "pool-a", "conference", -1, null, "pool-b", null, -1, -1,
                "not in Resiliency mode", true, -1, 150_500, 150_500));
        h.add(nemesis(Type.OK, Category.ADMIN, "failover-pool", "{disaster=true, pool=pool-a}", "failover started", 150_200));
        h.add(new ModelFact("failover-started", null, "pool-a", -1, -1, "disaster mode", 160_000, 160_000));
        h.add(new ModelFact("loss-window", "pool-a", null, -1, 50_000, "disaster-failover", 160_000, 160_000));
        h.add(op(Type.OK, "pool-a/u1", "pool-a", -1, "pool-b", 200_000));
        h.add(nemesis(Type.OK, Category.HEAL, "heal-site", "site-a", "site site-a back: pool-a", 300_000));
        h.add(new ModelFact("failover-completed", null, "pool-a", -1, -1, "users served by pool-b", 400_000, 400_000));
        h.add(new ModelFact("users-moved", "pool-b", "pool-a", -1, -1, "normal", 400_000, 400_000));
        h.add(nemesis(Type.OK, Category.FAULT, "hang", "b-fe2", "hang b-fe2", 450_000));
        h.add(read("pool-a/u1", "pool-a", new long[] {1}, END - 10));
        h.add(read("pool-b/u3", "pool-b", new long[0], END - 10));
        writeHistory(dir.resolve("history.jsonl"), h);

        Files.write(dir.resolve("events.jsonl"), List.of(
                moved(5_000, "pool-a", 300, "signed-out", "normal", "pool-a", "signed in to home pool pool-a"),
                moved(5_000, "pool-b", 300, "signed-out", "normal", "pool-b", "signed in to home pool pool-b"),
                event("server-down", "ERROR", 60_100, "site-a", "pool-a", "a-fe1", "\"detectedBy\":\"terminated\"", "a-fe1 is DOWN (detected by terminated)"),
                event("pool-quorum-lost", "ERROR", 60_500, "site-a", "pool-a", null, "\"running\":0,\"needed\":2",
                        "pool pool-a LOST QUORUM: 0 running"),
                moved(61_000, "pool-a", 300, "normal", "signed-out", null, "pool pool-a is down"),
                moved(140_000, "pool-a", 300, "signed-out", "resiliency", "pool-b", "Registrar failure detection (120 s) expired"),
                event("pool-failover-state", "WARN", 160_000, "site-a", "pool-a", null, "\"from\":\"Active\",\"to\":\"FailingOver\"",
                        "pool pool-a PoolState Active -> FailingOver (disaster mode)"),
                event("data-lost", "ERROR", 160_000, "site-a", "pool-a", null, "\"writes\":1", "1 writes lost in pool-a"),
                moved(400_000, "pool-a", 300, "resiliency", "normal", "pool-b", "failover complete"),
                event("server-down", "ERROR", 452_000, "site-b", "pool-b", "b-fe2", "\"detectedBy\":\"heartbeat\"", "b-fe2 is DOWN (detected by heartbeat)")),
                StandardCharsets.UTF_8);

        io.poolpair.model.check.Checks.Verdict v = RunResults.check(dir.resolve("history.jsonl"));
        RunResults.RunInfo info = new RunResults.RunInfo("hand-made", "hand-made.conf", 7, "virtual", 40, END, 12_500,
                List.of(new StepResult(0, "kill-site site-a", true, "ok", 60_000)),
                List.of(Map.of("expect", "pool-a failed over", "ok", true)), 120_000, 30_000);
        RunResults.write(dir.resolve("results.json"), RunResults.document(info, v, false, Main.EXIT_FAILED));
        return dir;
    }

    @Test
    void theReportShowsFaultWindowsUsersByModeRtoRpoAndFindings(@TempDir Path dir) throws IOException {
        Path report = ReportHtml.write(handMadeRun(dir));
        assertThat(report).isEqualTo(dir.resolve("report.html"));
        String html = Files.readString(report, StandardCharsets.UTF_8);

        // the verdict banner
        assertThat(html).contains("class=\"banner invalid\"").contains("INVALID <span class=\"exit\">exit code 1</span>")
                .contains("<dt>scenario</dt><dd>hand-made</dd>").contains("<dt>seed</dt><dd>7</dd>")
                .contains("<dt>time-scale</dt><dd>40×</dd>").contains("<dt>emulated</dt><dd>8:20 (m:ss)</dd>")
                .contains("<dt>wall</dt><dd>12.5 s</dd>");

        // the fault windows: from the fault's ok to the heal of its site; a fault never healed runs to the end
        assertThat(titles(html)).contains("kill-site site-a: 1:00–5:00 (ended by heal-site site-a)\nsite site-a lost: pool-a",
                "hang b-fe2: 7:30–8:20 (not healed before the end of the run)\nhang b-fe2");
        // ... and the admin verb and the key events as ticks
        assertThat(titles(html)).contains("2:30 failover-pool {disaster=true, pool=pool-a}: failover started",
                "1:00 a-fe1 is DOWN (detected by terminated)", "1:00 pool pool-a LOST QUORUM: 0 running",
                "2:40 1 writes lost in pool-a");

        // users by mode, per home pool: signed out before the first move, then every move in turn
        assertThat(html).contains("id=\"users-pool-a\"").contains("id=\"users-pool-b\"");
        assertThat(titles(html)).contains(
                "0:00–0:05: 300 signed out\nbefore the first users-moved",
                "0:05–1:01: 300 normal on pool-a\nsigned in to home pool pool-a",
                "1:01–2:20: 300 signed out\npool pool-a is down",
                "2:20–6:40: 300 Resiliency mode on pool-b\nRegistrar failure detection (120 s) expired",
                "6:40–8:20: 300 normal on pool-b\nfailover complete",
                "0:05–8:20: 300 normal on pool-b\nsigned in to home pool pool-b");

        // RTO and RPO beside SfB's targets
        String rto = row(html, "<td>pool-a</td><td>failover</td>");
        assertThat(rto).contains("<td>failover-pool</td><td>2:30.0</td><td>6:40.0</td><td class=\"num\">4:10.0</td>")
                .contains("<td>15–20 min (≤ 20 min)</td><td>within</td>");
        assertThat(html).contains("<th>vs SfB 5 min</th><th>vs interval + slack</th>");
        String rpo = row(html, "<td>disaster-failover</td>");
        assertThat(rpo).contains("<td>0:50.0</td><td>2:40.0</td><td class=\"num\">2</td><td>0:55.0 / 0:58.0</td>"
                + "<td class=\"num\">0:03.0</td><td>within</td><td>within 2:30.0</td>");

        // outage per fault: u1 out from the site loss until its next success; u2's refusal counted apart
        String site = row(html, "<td>kill-site site-a</td>");
        assertThat(site).contains("<td>1:00.0</td><td class=\"num\">1</td><td class=\"num\">2:20.0</td>")
                .contains("<td class=\"num\">1</td><td class=\"num\">1</td><td>pool-a: 1 users, 2:20.0 / 2:20.0 / 2:20.0</td>");

        // the checkers' findings, violations first
        int violation = html.indexOf("<td>violation</td><td>lost-writes</td><td>unexplained-lost-write</td>");
        int notice = html.indexOf("<td>notice</td><td>lost-writes</td><td>unread-writes</td>");
        assertThat(violation).as("the unexplained lost write is listed").isPositive();
        assertThat(notice).as("the unread write is listed").isPositive();
        assertThat(violation).as("violations before notices").isLessThan(notice);
        assertThat(row(html, "<td>lost-writes</td><td>INVALID</td>")).contains("<td class=\"num\">1</td><td class=\"num\">1</td>");

        // the expectation, held
        assertThat(html).contains("expect: pool-a failed over");

        assertSelfContained(html);
    }

    @Test
    void faultWindowsEndTheWayTheDeploymentHeals(@TempDir Path dir) throws IOException {
        List<HistoryRecord> h = new ArrayList<>();
        h.add(new Header(Header.FORMAT, "heals", 1, 120_000, 30_000, 10, "virtual", 0, 0));
        h.add(nemesis(Type.OK, Category.FAULT, "kill", "a-fe1", null, 10_000));
        h.add(nemesis(Type.OK, Category.FAULT, "fail-backend", "pool-a primary", null, 11_000));
        h.add(nemesis(Type.OK, Category.FAULT, "hang", "b-fe1", null, 12_000));
        h.add(nemesis(Type.FAIL, Category.FAULT, "kill", "a-fe2", "a-fe2 already killed", 13_000));
        h.add(nemesis(Type.OK, Category.FAULT, "restart", "a-fe3", null, 14_000));
        h.add(nemesis(Type.OK, Category.FAULT, "kill", "a-fe4", null, 15_000));
        h.add(nemesis(Type.OK, Category.HEAL, "heal-pool", "pool-b", "healed b-fe1", 20_000));
        h.add(nemesis(Type.OK, Category.HEAL, "heal-all", null, "healed a-fe1, a-fe4", 30_000));
        h.add(nemesis(Type.OK, Category.FAULT, "fail-backend", "pool-b mirror", null, 40_000));
        h.add(nemesis(Type.OK, Category.HEAL, "heal-site", "site-a", null, 50_000));
        writeHistory(dir.resolve("history.jsonl"), h);
        Files.write(dir.resolve("events.jsonl"), List.of(
                event("server-up", "INFO", 2_000, "site-a", "pool-a", "a-fe3", "", "a-fe3 is UP"),
                event("server-up", "INFO", 2_000, "site-b", "pool-b", "b-fe1", "", "b-fe1 is UP"),
                event("pool-quorum-regained", "INFO", 3_000, "site-a", "pool-a", null, "", "pool pool-a is RUNNING"),
                event("pool-quorum-regained", "INFO", 3_000, "site-b", "pool-b", null, "", "pool pool-b is RUNNING"),
                event("server-up", "INFO", 16_500, "site-a", "pool-a", "a-fe3", "", "a-fe3 is UP")), StandardCharsets.UTF_8);

        ReportData d = ReportData.read(dir);
        assertThat(d.missing).isEqualTo("results.json");
        assertThat(d.endMs).as("the last history record, without results.json").isEqualTo(50_000);
        assertThat(d.faults).extracting(f -> f.f() + " " + f.target() + " " + f.startMs() + "-" + f.endMs() + " " + f.endedBy())
                .containsExactly(
                        "kill a-fe1 10000-30000 heal-all",
                        "fail-backend pool-a primary 11000-50000 heal-site site-a",
                        "hang b-fe1 12000-20000 heal-pool pool-b",
                        "restart a-fe3 14000-16500 back up",
                        "kill a-fe4 15000-30000 heal-all",
                        "fail-backend pool-b mirror 40000-50000 null");
        assertThat(d.faults.get(5).healed()).isFalse();
    }

    @Test
    void usersStartInTheModesTheirFirstMoveTakesThemOutOf() {
        List<ReportHtml.Point> s = ReportHtml.series(List.of(
                new ReportData.Move(1_000, 50, "signed-out", "normal", "pool-a", "in"),
                new ReportData.Move(2_000, 50, "normal", "resiliency", "pool-b", "down"),
                new ReportData.Move(2_000, 50, "resiliency", "normal", "pool-b", "failover complete")));
        assertThat(s).extracting(p -> p.ms() + " " + java.util.Arrays.toString(p.counts()) + " " + p.servedBy())
                .containsExactly("0 [0, 0, 50, 0] null", "1000 [50, 0, 0, 0] pool-a", "2000 [50, 0, 0, 0] pool-b");
    }

    @Test
    void aDownsampledSeriesKeepsEachModesShareOfTimeAndTheStatesThatLast() {
        List<ReportHtml.Point> points = new ArrayList<>();
        for (int k = 0; k < 500; k++) {
            points.add(new ReportHtml.Point(k * 1_000L, k % 2 == 0 ? new int[] {100, 0, 0, 0} : new int[] {0, 0, 100, 0},
                    k % 2 == 0 ? "pool-a" : null, "move " + k));
        }
        points.add(new ReportHtml.Point(500_000, new int[] {100, 0, 0, 0}, "pool-a", "back for good"));
        List<ReportHtml.Point> d = ReportHtml.downsample(points, 1_000_000, 10);
        assertThat(d).extracting(p -> p.ms() + " " + java.util.Arrays.toString(p.counts())).containsExactly(
                "0 [50, 0, 50, 0]", "100000 [50, 0, 50, 0]", "200000 [50, 0, 50, 0]", "300000 [50, 0, 50, 0]",
                "400000 [50, 0, 50, 0]", "500000 [100, 0, 0, 0]");
        assertThat(d.get(1).why()).isEqualTo("mean over 1:40–3:20 (100 changes); worst: 100 signed out at 1:41");
        assertThat(d.get(5).why()).isEqualTo("back for good");
        assertThat(ReportHtml.downsample(points, 1_000_000, 501)).as("short enough: kept as it is").isSameAs(points);
    }

    /** A long run: many faults, events and moves; the page stays small and says what it left out. */
    @Test
    void aLongRunGivesASmallPage(@TempDir Path dir) throws IOException {
        long end = 10 * 3_600_000L;
        List<HistoryRecord> h = new ArrayList<>();
        h.add(new Header(Header.FORMAT, "long", 1, 120_000, 30_000, 40, "virtual", 0, 0));
        for (int i = 0; i < 3_000; i++) {
            long at = i * 12_000L;
            h.add(nemesis(Type.OK, Category.FAULT, "kill", "a-fe" + (i % 6 + 1), "kill", at));
            h.add(nemesis(Type.OK, Category.HEAL, "heal", "a-fe" + (i % 6 + 1), "healed", at + 5_000));
            h.add(nemesis(i % 2 == 0 ? Type.OK : Type.FAIL, Category.ADMIN, "failover-pool", "{pool=pool-a}", "answer " + i, at + 6_000));
        }
        writeHistory(dir.resolve("history.jsonl"), h);
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < 60_000; i++) {
                long at = i * 600L;
                w.write(event("server-down", "ERROR", at, "site-a", "pool-a", "a-fe" + (i % 6 + 1), "", "a-fe" + (i % 6 + 1)
                        + " is DOWN (detected by terminated) " + "x".repeat(150)));
                w.write('\n');
                boolean down = i % 2 == 0;
                w.write(moved(at + 300, "pool-" + (i % 3), 1000, down ? "normal" : "signed-out", down ? "signed-out" : "normal",
                        down ? null : "pool-" + (i % 3), "reason " + i));
                w.write('\n');
            }
        }
        RunResults.RunInfo info = new RunResults.RunInfo("long", "long.conf", 1, "virtual", 40, end, 900_000, List.of(), List.of(),
                120_000, 30_000);
        RunResults.write(dir.resolve("results.json"), RunResults.document(info, RunResults.check(dir.resolve("history.jsonl")),
                true, Main.EXIT_OK));

        String html = Files.readString(ReportHtml.write(dir), StandardCharsets.UTF_8);
        assertThat(html.length()).as("report size").isLessThan(500_000);
        assertThat(html).contains("first 150 of 3000 faults drawn").contains("First 200 of 120000 key events")
                .contains("id=\"users-pool-0\"").contains("id=\"users-pool-1\"").contains("id=\"users-pool-2\"")
                .contains("server-down (60000)").contains("admin verbs (3000)").contains("First 100 of 3000 rows");
        assertThat(html).containsPattern("mean over \\d+:\\d\\d–\\d+:\\d\\d \\(\\d+ changes\\); worst: 1000 signed out at \\d+:\\d\\d");
        assertSelfContained(html);
    }

    static void assertSelfContained(String html) {
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("src=")
                .doesNotContain("url(").doesNotContain("@import").doesNotContain("<script").doesNotContain("<link");
        Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
        while (href.find()) assertThat(href.group(1)).as("a link within the page").startsWith("#");
    }

    /** The tooltips of the page, unescaped. */
    private static List<String> titles(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<title>([^<]*)</title>").matcher(html);
        while (m.find()) {
            out.add(m.group(1).replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
                    .replace("&amp;", "&"));
        }
        return out;
    }

    /** The table row that contains {@code cells}. */
    private static String row(String html, String cells) {
        int at = html.indexOf(cells);
        assertThat(at).as("a row with %s", cells).isPositive();
        return html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
    }

    private static ClientOp op(Type type, String user, String home, long write, String pool, long ms) {
        return new ClientOp(type, user, home, write >= 0 ? "im-write" : "im", write, null, pool, pool == null ? null : "x-fe1", 3,
                1, null, false, ms, ms, ms);
    }

    private static ClientOp read(String user, String home, long[] ids, long ms) {
        return new ClientOp(Type.OK, user, home, "read", -1, ids, home, null, -1, -1, null, false, ms, ms, ms);
    }

    private static Nemesis nemesis(Type type, Category c, String f, String target, String detail, long ms) {
        return new Nemesis(type, c, f, target, detail, ms, ms);
    }

    private static void writeHistory(Path file, List<HistoryRecord> records) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (HistoryRecord r : records) HistoryJson.write(w, r);
        }
    }

    private static String event(String type, String level, long ms, String site, String pool, String server, String own, String text) {
        return "{\"schema\":1,\"type\":\"" + type + "\",\"level\":\"" + level + "\",\"wallTime\":\"2026-11-26T05:00:00Z\",\"wallMs\":"
                + ms + ",\"emulatedMs\":" + ms + ",\"site\":" + str(site) + ",\"pool\":" + str(pool) + ",\"server\":" + str(server)
                + ",\"routingGroup\":null" + (own.isEmpty() ? "" : "," + own) + ",\"text\":" + str(text) + "}";
    }

    private static String moved(long ms, String pool, int users, String from, String to, String servedBy, String reason) {
        String level = to.equals("signed-out") ? "ERROR" : to.equals("resiliency") ? "WARN" : "INFO";
        return event("users-moved", level, ms, "site-a", pool, null, "\"users\":" + users + ",\"fromMode\":\"" + from
                + "\",\"toMode\":\"" + to + "\",\"servedBy\":" + str(servedBy) + ",\"reason\":" + str(reason),
                users + " users of " + pool + " " + from + " -> " + to + (servedBy == null ? "" : " on " + servedBy) + " (" + reason + ")");
    }

    private static String str(String s) {
        return s == null ? "null" : "\"" + s.replace("\"", "\\\"") + "\"";
    }
}
