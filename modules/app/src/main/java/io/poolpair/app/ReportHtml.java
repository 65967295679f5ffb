package io.poolpair.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.poolpair.app.ReportData.FaultWindow;
import io.poolpair.app.ReportData.Lane;
import io.poolpair.app.ReportData.Move;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page per run folder (inline CSS and SVG, nothing fetched), drawn from
 * {@code results.json}, {@code history.jsonl} and {@code events.jsonl} (docs/report.md). Every list on it is
 * capped and every series merged into a bounded number of marks, so its size does not grow with the run.
 */
final class ReportHtml {

    /** Marks one timeline lane may draw; denser lanes are merged into wider time slices. */
    static final int TICKS_PER_LANE = 80;
    /** Points of the users-by-mode series of all pools together beyond which they are downsampled. */
    static final int SERIES_POINTS = 600;
    static final int FAULTS_DRAWN = 150;
    static final int FAULT_ROWS = 6;
    static final int TABLE_ROWS = 100;

    static final String[] MODES = {"normal", "resiliency", "signed-out"};
    static final String[] MODE_LABELS = {"normal", "Resiliency mode", "signed out"};

    // colours: green = full service / recovered, amber = degraded, red = service lost; purple = faults, blue = admin, grey = notes
    static final String GOOD = "#2e7d32";
    static final String DEGRADED = "#f29900";
    static final String LOST = "#c62828";
    static final String FAULT = "#6d4c8d";
    static final String ADMIN = "#1565c0";
    static final String NOTE = "#78909c";
    static final String[] MODE_COLOURS = {GOOD, DEGRADED, LOST};

    // SVG geometry (viewBox units): label column, plot width
    private static final int W = 1000;
    private static final int L = 160;
    private static final int PW = W - L - 20;

    private ReportHtml() {}

    /** Writes {@code report.html} into a run folder from the files already there; returns its path. */
    static Path write(Path dir) throws IOException {
        Path file = dir.resolve("report.html");
        Files.writeString(file, render(ReportData.read(dir)), StandardCharsets.UTF_8);
        return file;
    }

    static String render(ReportData d) {
        JsonNode r = d.results;
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = "Poolpair run " + r.path("scenario").asText("?") + " " + d.dir.getFileName();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").append(esc(title))
                .append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        verdict(b, d);
        b.append("<nav><a href=\"#timeline\">Timeline</a> · <a href=\"#users\">Users by mode</a> · "
                + "<a href=\"#rto-rpo\">RTO and RPO</a> · <a href=\"#outage\">Outage per fault</a> · "
                + "<a href=\"#findings\">Findings</a> · <a href=\"#figures\">Figures</a> · <a href=\"#events\">Key events</a></nav>\n");
        b.append("<p class=\"note\">Times are emulated, as m:ss from the start of the run (durations m:ss.s).")
                .append(" Hover a mark for its details.</p>\n");
        timeline(b, d);
        users(b, d);
        rtoRpo(b, d);
        outage(b, d);
        findings(b, d);
        figures(b, d);
        events(b, d);
        b.append("<footer>Drawn from ").append(esc(d.dir.toString())).append(": results.json, history.jsonl (")
                .append(d.historyRecords).append(" records), events.jsonl (").append(d.eventLines).append(" lines")
                .append(d.badEventLines > 0 ? ", " + d.badEventLines + " unreadable lines skipped" : "").append(").")
                .append(d.missing.isEmpty() ? "" : " Missing: " + esc(d.missing) + ".").append("</footer>\n</body></html>\n");
        return b.toString();
    }

    // ------------------------------------------------------------------ verdict

    private static void verdict(StringBuilder b, ReportData d) {
        JsonNode r = d.results;
        String v = r.path("verdict").asText("unknown");
        String cls = v.equals("valid") ? "valid" : v.equals("invalid") ? "invalid" : "unknown";
        b.append("<header id=\"verdict\" class=\"banner ").append(cls).append("\"><h1>")
                .append(v.equals("unknown") ? "NO VERDICT" : esc(v.toUpperCase(Locale.ROOT)))
                .append(" <span class=\"exit\">exit code ").append(r.has("exitCode") ? r.get("exitCode").asText() : "–")
                .append("</span></h1>\n<dl>");
        dl(b, "scenario", r.path("scenario").asText("–"));
        dl(b, "topology", r.path("topology").asText("–"));
        dl(b, "seed", r.path("seed").asText("–"));
        dl(b, "clock", r.path("clock").asText("–"));
        dl(b, "time-scale", r.has("timeScale") ? trim(r.get("timeScale").asDouble()) + "×" : "–");
        dl(b, "emulated", r.has("emulatedMs") ? clock(r.get("emulatedMs").asLong()) + " (m:ss)" : "–");
        dl(b, "wall", r.has("wallMs") ? String.format(Locale.ROOT, "%.1f s", r.get("wallMs").asLong() / 1000.0) : "–");
        JsonNode steps = r.path("steps");
        dl(b, "steps", steps.isMissingNode() ? "–" : steps.path("total").asInt() + " (" + steps.path("failed").asInt() + " failed)");
        long violations = 0;
        for (JsonNode c : r.path("checkers")) violations += c.path("violations").asLong();
        dl(b, "checker violations", String.valueOf(violations));
        b.append("</dl>\n");
        if (!d.missing.isEmpty()) b.append("<p>Not in the run folder: ").append(esc(d.missing)).append(".</p>\n");
        b.append("</header>\n");
        JsonNode failures = steps.path("failures");
        JsonNode expectations = r.path("expectations");
        if (failures.size() > 0 || expectations.size() > 0) {
            b.append("<section id=\"steps\"><h2>Steps and expectations</h2>\n");
            if (failures.size() > 0) {
                b.append("<table><tr><th>step</th><th>at</th><th>what</th><th>why it failed</th></tr>\n");
                for (JsonNode f : failures) {
                    b.append("<tr class=\"bad\"><td>").append(f.path("index").asInt()).append("</td><td>")
                            .append(dur(f.path("emulatedMs").asLong(-1))).append("</td><td>").append(esc(f.path("step").asText()))
                            .append("</td><td>").append(esc(f.path("message").asText())).append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
            if (expectations.size() > 0) {
                b.append("<table><tr><th>expectation</th><th>held</th></tr>\n");
                for (JsonNode e : expectations) {
                    boolean ok = e.path("ok").asBoolean(false);
                    StringBuilder what = new StringBuilder();
                    for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> f = it.next();
                        if (f.getKey().equals("ok")) continue;
                        what.append(what.length() == 0 ? "" : "; ").append(f.getKey()).append(": ")
                                .append(f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
                    }
                    b.append("<tr class=\"").append(ok ? "ok" : "bad").append("\"><td>").append(esc(ReportData.cut(what.toString())))
                            .append("</td><td>").append(ok ? "yes" : "NO").append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
            b.append("</section>\n");
        }
    }

    private static void dl(StringBuilder b, String k, String v) {
        b.append("<div><dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd></div>");
    }

    // ------------------------------------------------------------------ timeline

    private static void timeline(StringBuilder b, ReportData d) {
        List<FaultWindow> drawn = d.faults.size() > FAULTS_DRAWN ? d.faults.subList(0, FAULTS_DRAWN) : d.faults;
        int[] row = new int[drawn.size()];
        boolean[] free = new boolean[drawn.size()];
        int rows = faultRows(drawn, row, free, d.endMs);
        int faultTop = 10;
        int faultRowH = 16;
        int laneTop = faultTop + Math.max(1, rows) * faultRowH + 8;
        int laneH = 20;
        int lanes = d.lanes.size();
        int axisY = laneTop + lanes * laneH + 4;
        int h = axisY + 26;

        b.append("<section id=\"timeline\"><h2>Timeline</h2>\n<p class=\"legend\">")
                .append(swatch(FAULT, "fault window (shaded from the fault to its heal)"))
                .append(swatch(ADMIN, "admin verb accepted")).append(swatch(DEGRADED, "admin verb refused / degraded"))
                .append(swatch(LOST, "service lost")).append(swatch(GOOD, "service back")).append(swatch(NOTE, "scenario note"))
                .append("</p>\n");
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(W).append(' ').append(h).append("\" role=\"img\" aria-label=\"timeline\">\n");
        shade(b, d.faults, d.endMs, faultTop, axisY);
        axis(b, d.endMs, faultTop, axisY);
        text(b, L - 8, faultTop + 12, "end", "lane", "faults");
        for (int i = 0; i < drawn.size(); i++) {
            FaultWindow f = drawn.get(i);
            double x0 = x(f.startMs(), d.endMs);
            double x1 = Math.max(x0 + 2, x(f.endMs(), d.endMs));
            int y = faultTop + row[i] * faultRowH;
            String label = f.f() + (f.target() == null ? "" : " " + f.target());
            b.append("<g class=\"fault\"><title>").append(esc(label + ": " + clock(f.startMs()) + "–" + clock(f.endMs())
                    + (f.healed() ? " (ended by " + f.endedBy() + ")" : " (not healed before the end of the run)")
                    + (f.detail() == null ? "" : "\n" + f.detail()))).append("</title>");
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.55\"/>",
                    x0, y, x1 - x0, faultRowH - 3, FAULT));
            boolean inside = x1 - x0 > labelWidth(label);
            if (free[i] && (inside || x1 + labelWidth(label) < L + PW)) {
                b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"%s\">%s</text>", inside ? x0 + 3 : x1 + 3,
                        y + 10, inside ? "in" : "out", esc(label)));
            }
            b.append("</g>\n");
        }
        if (drawn.size() < d.faults.size()) {
            text(b, W - 20, faultTop - 1, "end", "small", "first " + drawn.size() + " of " + d.faults.size() + " faults drawn");
        }
        int li = 0;
        for (Lane lane : d.lanes.values()) {
            int y = laneTop + li++ * laneH;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"row\"/>", L, L + PW, y + laneH - 1, y + laneH - 1));
            text(b, L - 8, y + 13, "end", "lane", lane.name + " (" + lane.total + ")");
            ticks(b, lane, d.endMs, y + 3, laneH - 6);
        }
        b.append("</svg>\n</section>\n");
    }

    /**
     * Greedy rows so that fault bars (with their labels) that overlap in time sit on different rows, at most
     * {@link #FAULT_ROWS}; a bar that finds no free row shares the one that frees first, without its label.
     */
    private static int faultRows(List<FaultWindow> faults, int[] row, boolean[] free, long endMs) {
        double[] rowEnd = new double[FAULT_ROWS];
        java.util.Arrays.fill(rowEnd, -1);
        int used = 0;
        for (int i = 0; i < faults.size(); i++) {
            FaultWindow f = faults.get(i);
            double x0 = x(f.startMs(), endMs);
            double bar = Math.max(x0 + 2, x(f.endMs(), endMs));
            double label = labelWidth(f.f() + (f.target() == null ? "" : " " + f.target()));
            double x1 = bar - x0 > label ? bar : bar + 3 + label;
            int pick = -1;
            for (int r = 0; r < FAULT_ROWS; r++) {
                if (rowEnd[r] < x0 - 1) {
                    pick = r;
                    break;
                }
            }
            free[i] = pick >= 0;
            if (pick < 0) {
                pick = 0;
                for (int r = 1; r < FAULT_ROWS; r++) if (rowEnd[r] < rowEnd[pick]) pick = r;
            }
            row[i] = pick;
            rowEnd[pick] = Math.max(rowEnd[pick], x1);
            used = Math.max(used, pick + 1);
        }
        return used;
    }

    /** About how wide a fault's label is drawn (10px text), with a margin. */
    private static double labelWidth(String label) {
        return label.length() * 5.6 + 6;
    }

    /**
     * The fault windows, merged where they overlap or lie closer than 2 units of the chart, shaded behind a chart
     * from y0 to y1 as one path (at most a few hundred pieces, however many faults).
     */
    private static void shade(StringBuilder b, List<FaultWindow> faults, long endMs, int y0, int y1) {
        if (faults.isEmpty()) return;
        List<long[]> spans = new ArrayList<>();
        for (FaultWindow f : faults) spans.add(new long[] {f.startMs(), f.endMs()});
        spans.sort((p, q) -> Long.compare(p[0], q[0]));
        long near = 2 * endMs / PW;
        List<long[]> merged = new ArrayList<>();
        for (long[] s : spans) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && s[0] <= last[1] + near) last[1] = Math.max(last[1], s[1]);
            else merged.add(s.clone());
        }
        StringBuilder path = new StringBuilder();
        for (long[] s : merged) {
            double x0 = x(s[0], endMs);
            double x1 = Math.max(x0 + 1, x(s[1], endMs));
            path.append(String.format(Locale.ROOT, "M%.1f %dh%.1fv%dh%.1fZ", x0, y0, x1 - x0, y1 - y0, x0 - x1));
        }
        b.append("<path d=\"").append(path).append("\" fill=\"").append(FAULT).append("\" fill-opacity=\"0.10\"/>\n");
    }

    /** A lane's events as ticks, its slices merged until at most {@link #TICKS_PER_LANE} marks remain. */
    private static void ticks(StringBuilder b, Lane lane, long endMs, int y, int h) {
        int k = 1;
        while (groups(lane, k) > TICKS_PER_LANE) k *= 2;
        for (int g = 0; g * k < ReportData.SLICES; g++) {
            long count = 0, first = Long.MAX_VALUE, last = Long.MIN_VALUE;
            int worst = 3;
            List<String> samples = new ArrayList<>();
            for (int i = g * k; i < Math.min(ReportData.SLICES, (g + 1) * k); i++) {
                if (lane.count[i] == 0) continue;
                count += lane.count[i];
                first = Math.min(first, lane.firstMs[i]);
                last = Math.max(last, lane.lastMs[i]);
                worst = Lane.worse(worst, lane.worst[i]);
                for (String s : lane.samples.get(i)) if (samples.size() < ReportData.SAMPLES) samples.add(s);
            }
            if (count == 0) continue;
            String colour = switch (worst) {
                case 0 -> GOOD;
                case 1 -> DEGRADED;
                case 2 -> LOST;
                default -> lane.name.equals("admin verbs") ? ADMIN : NOTE;
            };
            StringBuilder t = new StringBuilder();
            if (count > 1) t.append(count).append(' ').append(lane.name).append(", ").append(clock(first)).append('–').append(clock(last)).append('\n');
            t.append(String.join("\n", samples));
            if (count > samples.size()) t.append("\n… ").append(count - samples.size()).append(" more");
            double x0 = x(first, endMs) - 1;
            double x1 = Math.max(x0 + 2.5, x(last, endMs) + 1);
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s</title></rect>\n",
                    x0, y, x1 - x0, h, colour, esc(t.toString())));
        }
    }

    private static int groups(Lane lane, int k) {
        int n = 0;
        for (int g = 0; g * k < ReportData.SLICES; g++) {
            for (int i = g * k; i < Math.min(ReportData.SLICES, (g + 1) * k); i++) {
                if (lane.count[i] > 0) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    /** The time axis: gridlines from y0 to y1 and m:ss labels under y1. */
    private static void axis(StringBuilder b, long endMs, int y0, int y1) {
        long step = step(endMs);
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"axis\"/>\n", L, L + PW, y1, y1));
        for (long t = 0; t <= endMs; t += step) {
            double x = x(t, endMs);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" class=\"grid\"/>", x, x, y0, y1 + 4));
            text(b, x, y1 + 15, "middle", "tick", clock(t));
        }
        b.append('\n');
    }

    /** A round step giving at most about 12 axis labels. */
    static long step(long endMs) {
        long[] steps = {1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
                3_600_000, 7_200_000, 18_000_000, 36_000_000, 86_400_000};
        for (long s : steps) if (endMs / s <= 12) return s;
        return endMs / 12;
    }

    private static double x(long ms, long endMs) {
        return L + PW * Math.max(0, Math.min(1.0, ms / (double) endMs));
    }

    // ------------------------------------------------------------------ users by mode

    /** One point of a pool's series: from {@code ms} on, the users in each mode, and who serves them. */
    record Point(long ms, int[] counts, String servedBy, String why) {
        int total() {
            int t = 0;
            for (int c : counts) t += c;
            return t;
        }
    }

    /**
     * A home pool's users by mode over time, from its users-moved events. Before the first event the users are in
     * the modes the events take them out of: each mode starts with the fewest users that keep every count at or
     * above zero (all of them signed out, in a run from start-up).
     */
    static List<Point> series(List<Move> moves) {
        int[] cur = new int[MODES.length + 1];
        int[] min = new int[MODES.length + 1];
        for (Move m : moves) {
            cur[mode(m.from())] -= m.users();
            cur[mode(m.to())] += m.users();
            for (int i = 0; i < cur.length; i++) min[i] = Math.min(min[i], cur[i]);
        }
        int[] counts = new int[cur.length];
        for (int i = 0; i < cur.length; i++) counts[i] = -min[i];
        List<Point> out = new ArrayList<>();
        out.add(new Point(0, counts.clone(), null, "before the first users-moved"));
        for (Move m : moves) {
            counts[mode(m.from())] -= m.users();
            counts[mode(m.to())] += m.users();
            Point p = new Point(m.ms(), counts.clone(), m.servedBy(), m.reason());
            if (out.get(out.size() - 1).ms() == p.ms()) out.set(out.size() - 1, p);
            else out.add(p);
        }
        return out;
    }

    /**
     * A series of more than {@code max} points is cut into {@code max} time slices. A slice with no change keeps
     * its state; a slice with changes shows the time-weighted mean of users in each mode over it (the area stays
     * true: user-minutes per mode), and its tooltip names the worst state seen in it (fewest users in normal
     * mode, then most signed out) and when.
     */
    static List<Point> downsample(List<Point> points, long endMs, int max) {
        if (points.size() <= max) return points;
        List<Point> out = new ArrayList<>();
        Point kept = null;
        int i = 0;
        for (int s = 0; s < max; s++) {
            long from = endMs * s / max, to = endMs * (s + 1) / max;
            if (to <= from) continue;
            while (i + 1 < points.size() && points.get(i + 1).ms() <= from) i++;
            Point state = points.get(i), worst = state;
            boolean atStart = i > 0 && state.ms() == from;
            double[] sum = new double[state.counts().length];
            long cursor = from;
            int changes = 0;
            while (i + 1 < points.size() && points.get(i + 1).ms() < to) {
                Point next = points.get(++i);
                for (int m = 0; m < sum.length; m++) sum[m] += state.counts()[m] * (double) (next.ms() - cursor);
                cursor = next.ms();
                state = next;
                changes++;
                if (worse(state, worst)) worst = state;
            }
            Point p;
            if (changes == 0) {
                if (state == kept) continue;
                p = new Point(from, state.counts(), state.servedBy(), state.why());
                kept = state;
            } else {
                kept = null;
                for (int m = 0; m < sum.length; m++) sum[m] += state.counts()[m] * (double) (to - cursor);
                int[] mean = new int[sum.length];
                for (int m = 0; m < sum.length; m++) mean[m] = (int) Math.round(sum[m] / (to - from));
                p = new Point(from, mean, null, "mean over " + clock(from) + "–" + clock(to) + " (" + (changes + (atStart ? 1 : 0)) + " changes); worst: "
                        + describe(worst) + " at " + clock(worst.ms()));
            }
            out.add(p);
        }
        return out;
    }

    private static boolean worse(Point p, Point q) {
        if (p.counts()[0] != q.counts()[0]) return p.counts()[0] < q.counts()[0];
        return p.counts()[2] > q.counts()[2];
    }

    private static int mode(String m) {
        for (int i = 0; i < MODES.length; i++) if (MODES[i].equals(m)) return i;
        return MODES.length;
    }

    private static void users(StringBuilder b, ReportData d) {
        b.append("<section id=\"users\"><h2>Users by mode, per home pool</h2>\n<p class=\"legend\">");
        for (int i = 0; i < MODES.length; i++) b.append(swatch(MODE_COLOURS[i], MODE_LABELS[i]));
        b.append(swatch(FAULT, "fault window")).append("</p>\n");
        if (d.moves.isEmpty()) {
            b.append("<p>No users-moved events in events.jsonl.</p>\n</section>\n");
            return;
        }
        int top = 6, ph = 80, h = top + ph + 26;
        int budget = Math.max(60, SERIES_POINTS / d.moves.size());
        for (Map.Entry<String, List<Move>> e : d.moves.entrySet()) {
            String home = e.getKey();
            List<Point> pts = downsample(series(e.getValue()), d.endMs, budget);
            int max = 1;
            for (Point p : pts) max = Math.max(max, p.total());
            b.append("<svg class=\"chart\" id=\"users-").append(esc(home)).append("\" viewBox=\"0 0 ").append(W).append(' ').append(h)
                    .append("\" role=\"img\" aria-label=\"users of ").append(esc(home)).append(" by mode\">\n");
            shade(b, d.faults, d.endMs, top, top + ph);
            axis(b, d.endMs, top, top + ph);
            text(b, L - 8, top + ph / 2 + 4, "end", "pool", home);
            text(b, L - 8, top + 9, "end", "tick", max + " users");
            text(b, L - 8, top + ph, "end", "tick", "0");
            double scale = ph / (double) max;
            for (int m = 0; m < MODES.length + 1; m++) {
                StringBuilder path = new StringBuilder();
                for (int i = 0; i < pts.size(); i++) {
                    Point p = pts.get(i);
                    long end = i + 1 < pts.size() ? pts.get(i + 1).ms() : d.endMs;
                    if (end <= p.ms() || p.counts()[m] == 0) continue;
                    int below = 0;
                    for (int j = 0; j < m; j++) below += p.counts()[j];
                    double x0 = x(p.ms(), d.endMs), x1 = x(end, d.endMs);
                    double y1 = top + ph - below * scale, y0 = y1 - p.counts()[m] * scale;
                    path.append(String.format(Locale.ROOT, "M%.1f %.1fH%.1fV%.1fH%.1fZ", x0, y0, x1, y1, x0));
                }
                if (path.length() > 0) {
                    b.append("<path d=\"").append(path).append("\" fill=\"").append(m < MODES.length ? MODE_COLOURS[m] : NOTE)
                            .append("\" fill-opacity=\"0.8\"/>\n");
                }
            }
            for (int i = 0; i < pts.size(); i++) {
                Point p = pts.get(i);
                long end = i + 1 < pts.size() ? pts.get(i + 1).ms() : d.endMs;
                if (end <= p.ms()) continue;
                double x0 = x(p.ms(), d.endMs), x1 = x(end, d.endMs);
                String state = describe(p);
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" class=\"hover\"><title>%s</title></rect>",
                        x0, top, Math.max(0.5, x1 - x0), ph, esc(clock(p.ms()) + "–" + clock(end) + ": " + state
                                + (p.why() == null || p.why().isEmpty() ? "" : "\n" + p.why()))));
                String label = label(p);
                if (label != null && x1 - x0 > label.length() * 6 + 8) {
                    text(b, (x0 + x1) / 2, top + ph / 2 + 4, "middle", "in", label);
                }
                b.append('\n');
            }
            b.append("</svg>\n");
        }
        b.append("</section>\n");
    }

    private static String describe(Point p) {
        StringBuilder s = new StringBuilder();
        for (int m = 0; m < p.counts().length; m++) {
            if (p.counts()[m] == 0) continue;
            s.append(s.length() == 0 ? "" : ", ").append(p.counts()[m]).append(' ').append(m < MODES.length ? MODE_LABELS[m] : "other");
        }
        if (s.length() == 0) s.append("no users");
        if (p.servedBy() != null) s.append(" on ").append(p.servedBy());
        return s.toString();
    }

    /** Written inside a segment where all its users share one mode: who serves them. */
    private static String label(Point p) {
        int modes = 0, which = -1;
        for (int m = 0; m < p.counts().length; m++) if (p.counts()[m] > 0) {
            modes++;
            which = m;
        }
        if (modes != 1) return null;
        if (which == 2) return "signed out";
        return p.servedBy() == null ? null : (which == 1 ? "Resiliency on " : "on ") + p.servedBy();
    }

    // ------------------------------------------------------------------ RTO / RPO

    private static void rtoRpo(StringBuilder b, ReportData d) {
        JsonNode t = d.results.path("targets");
        long rtoTarget = t.path("poolFailoverRtoMs").asLong(-1);
        long rpoTarget = t.path("poolFailoverRpoMs").asLong(-1);
        long interval = t.path("backupSyncIntervalMs").asLong(-1);
        long slack = t.path("rpoSlackMs").asLong(-1);
        b.append("<section id=\"rto-rpo\"><h2>RTO and RPO against SfB's targets</h2>\n");
        b.append("<p>SfB's engineering targets for a pool failover: RTO 15–20 min (procedural: from the admin's first "
                + "verb to the pool failed over), RPO ").append(rpoTarget < 0 ? "–" : mins(rpoTarget))
                .append(". The Backup Service ships every ").append(interval < 0 ? "–" : dur(interval))
                .append("; a loss window may reach the interval + ").append(slack < 0 ? "–" : dur(slack))
                .append(" slack before the lost-writes checker fails the run.</p>\n");
        b.append("<h3>Procedural RTO (failover and failback)</h3>\n");
        JsonNode procedures = checker(d, "outage").path("details").path("procedures");
        if (procedures.size() == 0) {
            b.append("<p>No pool failover or failback completed in this run.</p>\n");
        } else {
            b.append("<table><tr><th>home pool</th><th>procedure</th><th>first verb</th><th>started</th><th>completed</th>"
                    + "<th>RTO</th><th>SfB target</th><th>verdict</th></tr>\n");
            for (JsonNode p : procedures) {
                long rto = p.path("rtoMs").asLong(-1);
                boolean within = rto >= 0 && rtoTarget >= 0 && rto <= rtoTarget;
                b.append("<tr class=\"").append(rto < 0 ? "" : within ? "ok" : "bad").append("\"><td>").append(esc(p.path("home").asText()))
                        .append("</td><td>").append(esc(p.path("kind").asText())).append("</td><td>")
                        .append(esc(p.path("firstVerb").asText("–"))).append("</td><td>").append(dur(p.path("startMs").asLong(-1)))
                        .append("</td><td>").append(dur(p.path("completedMs").asLong(-1))).append("</td><td class=\"num\">")
                        .append(dur(rto)).append("</td><td>15–20 min (≤ ").append(rtoTarget < 0 ? "–" : mins(rtoTarget))
                        .append(")</td><td>").append(rto < 0 ? "no admin verb before it" : within ? "within" : "OVER").append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("<h3>Measured RPO per loss window</h3>\n");
        JsonNode windows = checker(d, "lost-writes").path("details");
        if (windows.size() == 0) {
            b.append("<p>No loss window declared in this run (no disaster-mode failover or failback, no QuorumLossRecovery).</p>\n");
        } else {
            b.append("<table><tr><th>window</th><th>pool</th><th>from</th><th>to</th><th>writes lost</th><th>oldest / newest lost</th>"
                    + "<th>RPO measured</th><th>vs SfB ").append(rpoTarget < 0 ? "–" : mins(rpoTarget))
                    .append("</th><th>vs interval + slack</th></tr>\n");
            for (JsonNode w : windows) {
                long rpo = w.path("rpoMs").asLong(-1);
                long bound = w.path("rpoBoundMs").asLong(-1);
                boolean inTarget = rpoTarget < 0 || rpo <= rpoTarget;
                boolean inBound = bound < 0 || rpo <= bound;
                String where = w.path("pool").asText() + (w.path("home").isNull() || w.path("home").isMissingNode() ? ""
                        : " (users of " + w.path("home").asText() + ")") + (w.path("group").asInt(-1) >= 0 ? " group " + w.path("group").asInt() : "");
                b.append("<tr class=\"").append(inTarget && inBound ? "ok" : "bad").append("\"><td>").append(esc(w.path("kind").asText()))
                        .append("</td><td>").append(esc(where)).append("</td><td>").append(dur(w.path("fromMs").asLong(-1)))
                        .append("</td><td>").append(dur(w.path("toMs").asLong(-1))).append("</td><td class=\"num\">")
                        .append(w.path("lostWrites").asLong()).append("</td><td>").append(dur(w.path("oldestLostMs").asLong(-1)))
                        .append(" / ").append(dur(w.path("newestLostMs").asLong(-1))).append("</td><td class=\"num\">").append(dur(rpo))
                        .append("</td><td>").append(inTarget ? "within" : "OVER").append("</td><td>")
                        .append(bound < 0 ? "–" : (inBound ? "within " : "OVER ") + dur(bound)).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        if (!d.admin.isEmpty()) {
            b.append("<details><summary>Admin verbs (").append(d.admin.size()).append(")</summary>\n<table><tr><th>at</th><th>verb</th>"
                    + "<th>arguments</th><th>outcome</th></tr>\n");
            int n = 0;
            for (ReportData.AdminVerb a : d.admin) {
                if (n++ >= TABLE_ROWS) break;
                b.append("<tr class=\"").append(a.ok() ? "" : "warn").append("\"><td>").append(dur(a.ms())).append("</td><td>")
                        .append(esc(a.verb())).append("</td><td>").append(esc(a.args() == null ? "" : a.args())).append("</td><td>")
                        .append(a.ok() ? "" : "REFUSED: ").append(esc(a.detail() == null ? "" : a.detail())).append("</td></tr>\n");
            }
            b.append("</table>").append(more(d.admin.size())).append("</details>\n");
        }
        b.append("</section>\n");
    }

    // ------------------------------------------------------------------ outage

    private static void outage(StringBuilder b, ReportData d) {
        JsonNode details = checker(d, "outage").path("details");
        b.append("<section id=\"outage\"><h2>Outage per fault</h2>\n<p>A user is affected by a fault when one of its "
                + "operations fails after it; its outage runs from the fault to its next successful operation. Operations "
                + "refused by the user's mode (Resiliency mode, a read-only pool) are counted apart: the user reached a "
                + "server that answered.</p>\n");
        JsonNode faults = details.path("faults");
        if (faults.size() == 0) {
            b.append("<p>No fault and no failed operation in this run.</p>\n</section>\n");
            return;
        }
        b.append("<table><tr><th>#</th><th>fault</th><th>at</th><th>affected users</th><th>outage p50</th><th>p99</th>"
                + "<th>max</th><th>failed operations</th><th>refused by mode</th><th>per home pool (users: p50 / p99 / max)</th></tr>\n");
        int n = 0;
        for (JsonNode f : faults) {
            if (n++ >= TABLE_ROWS) break;
            JsonNode o = f.path("outage");
            long unresolved = f.path("unresolvedUsers").asLong();
            StringBuilder pools = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = f.path("byPool").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                pools.append(pools.length() == 0 ? "" : "<br>").append(esc(p.getKey())).append(": ")
                        .append(p.getValue().path("count").asLong()).append(" users, ").append(dist(p.getValue()));
            }
            int index = f.path("fault").asInt();
            b.append("<tr class=\"").append(f.path("affectedUsers").asLong() > 0 ? "warn" : "").append("\"><td>")
                    .append(index < 0 ? "–" : String.valueOf(index)).append("</td><td>")
                    .append(esc(index < 0 ? f.path("target").asText() : f.path("f").asText() + " " + f.path("target").asText()))
                    .append("</td><td>").append(index < 0 ? "–" : dur(f.path("atMs").asLong(-1))).append("</td><td class=\"num\">")
                    .append(f.path("affectedUsers").asLong())
                    .append(unresolved > 0 ? " (" + unresolved + " unresolved, " + dur(f.path("unresolvedSoFarMs").asLong(-1)) + " so far)" : "")
                    .append("</td><td class=\"num\">").append(dur(o.path("p50Ms").asLong(-1))).append("</td><td class=\"num\">")
                    .append(dur(o.path("p99Ms").asLong(-1))).append("</td><td class=\"num\">").append(dur(o.path("maxMs").asLong(-1)))
                    .append("</td><td class=\"num\">").append(f.path("failedOperations").asLong()).append("</td><td class=\"num\">")
                    .append(f.path("refusedByMode").asLong()).append("</td><td>").append(pools).append("</td></tr>\n");
        }
        b.append("</table>").append(more(faults.size())).append('\n');
        JsonNode byPool = details.path("byPool");
        if (byPool.size() > 0) {
            b.append("<h3>Over every fault, per home pool</h3>\n<table><tr><th>home pool</th><th>affected users</th><th>p50</th>"
                    + "<th>p99</th><th>max</th></tr>\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = byPool.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                b.append("<tr><td>").append(esc(p.getKey())).append("</td><td class=\"num\">").append(p.getValue().path("count").asLong())
                        .append("</td><td class=\"num\">").append(dur(p.getValue().path("p50Ms").asLong(-1))).append("</td><td class=\"num\">")
                        .append(dur(p.getValue().path("p99Ms").asLong(-1))).append("</td><td class=\"num\">")
                        .append(dur(p.getValue().path("maxMs").asLong(-1))).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        b.append("</section>\n");
    }

    private static String dist(JsonNode s) {
        return dur(s.path("p50Ms").asLong(-1)) + " / " + dur(s.path("p99Ms").asLong(-1)) + " / " + dur(s.path("maxMs").asLong(-1));
    }

    // ------------------------------------------------------------------ findings, figures, events

    private static void findings(StringBuilder b, ReportData d) {
        b.append("<section id=\"findings\"><h2>Checker findings</h2>\n");
        JsonNode checkers = d.results.path("checkers");
        if (checkers.size() == 0) {
            b.append("<p>No checker results.</p>\n</section>\n");
            return;
        }
        b.append("<table><tr><th>checker</th><th>verdict</th><th>violations</th><th>notices</th></tr>\n");
        for (JsonNode c : checkers) {
            boolean valid = c.path("valid").asBoolean(false);
            b.append("<tr class=\"").append(valid ? "ok" : "bad").append("\"><td>").append(esc(c.path("name").asText())).append("</td><td>")
                    .append(valid ? "valid" : "INVALID").append("</td><td class=\"num\">").append(c.path("violations").asLong())
                    .append("</td><td class=\"num\">").append(c.path("notices").asLong()).append("</td></tr>\n");
        }
        b.append("</table>\n");
        List<String> rows = new ArrayList<>();
        long total = 0;
        for (String severity : List.of("violation", "notice")) {
            for (JsonNode c : checkers) {
                for (JsonNode f : c.path("findings")) {
                    if (!f.path("severity").asText().equals(severity)) continue;
                    total++;
                    if (rows.size() >= TABLE_ROWS) continue;
                    long at = f.path("emulatedMs").asLong(-1);
                    rows.add("<tr class=\"" + (severity.equals("violation") ? "bad" : "warn") + "\"><td>" + esc(severity) + "</td><td>"
                            + esc(c.path("name").asText()) + "</td><td>" + esc(f.path("kind").asText()) + "</td><td>" + dur(at)
                            + "</td><td>" + esc(ReportData.cut(f.path("message").asText())) + "</td></tr>\n");
                }
            }
        }
        if (rows.isEmpty()) {
            b.append("<p>No findings: no violation, no notice.</p>\n");
        } else {
            b.append("<table><tr><th>severity</th><th>checker</th><th>kind</th><th>at</th><th>finding</th></tr>\n");
            for (String row : rows) b.append(row);
            b.append("</table>").append(more(total)).append('\n');
        }
        b.append("</section>\n");
    }

    private static void figures(StringBuilder b, ReportData d) {
        JsonNode f = d.results.path("figures");
        b.append("<section id=\"figures\"><h2>Figures</h2>\n");
        if (f.size() == 0) {
            b.append("<p>No figures.</p>\n</section>\n");
            return;
        }
        b.append("<table class=\"figures\">");
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            long v = Math.round(e.getValue().asDouble());
            boolean duration = k.equals("rpo") || k.equals("procedural-rto") || k.startsWith("outage-");
            b.append("<tr><td>").append(esc(k)).append("</td><td class=\"num\">").append(duration ? dur(v) : String.valueOf(v))
                    .append("</td></tr>");
        }
        b.append("</table>\n</section>\n");
    }

    private static void events(StringBuilder b, ReportData d) {
        b.append("<section id=\"events\"><h2>Key events</h2>\n<details><summary>")
                .append(d.keyEvents > d.listed.size() ? "First " + d.listed.size() + " of " + d.keyEvents : String.valueOf(d.keyEvents))
                .append(" key events (").append(esc(String.join(", ", ReportData.KEY_EVENTS))).append("), in file order</summary>\n")
                .append("<table><tr><th>at</th><th>event</th><th>what</th></tr>\n");
        for (ReportData.Listed e : d.listed) {
            String cls = switch (e.level()) {
                case "ERROR" -> "bad";
                case "WARN" -> "warn";
                default -> "";
            };
            b.append("<tr class=\"").append(cls).append("\"><td>").append(dur(e.ms())).append("</td><td>").append(esc(e.type()))
                    .append("</td><td>").append(esc(e.text())).append("</td></tr>\n");
        }
        b.append("</table></details>\n</section>\n");
    }

    private static JsonNode checker(ReportData d, String name) {
        for (JsonNode c : d.results.path("checkers")) if (c.path("name").asText().equals(name)) return c;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String more(long total) {
        return total > TABLE_ROWS ? "<p class=\"note\">First " + TABLE_ROWS + " of " + total + " rows; all are in results.json.</p>" : "";
    }

    // ------------------------------------------------------------------ helpers

    private static String swatch(String colour, String label) {
        return "<span class=\"sw\" style=\"background:" + colour + "\"></span>" + esc(label) + " ";
    }

    private static void text(StringBuilder b, double x, int y, String anchor, String cls, String s) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">%s</text>", x, y, anchor, cls, esc(s)));
    }

    /** Emulated time as m:ss (minutes not wrapped at the hour). */
    static String clock(long ms) {
        long s = Math.max(0, ms) / 1000;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** A duration or time as m:ss.s; "–" when unknown (negative). */
    static String dur(long ms) {
        if (ms < 0) return "–";
        long tenths = Math.round(ms / 100.0);
        return String.format(Locale.ROOT, "%d:%02d.%d", tenths / 600, (tenths / 10) % 60, tenths % 10);
    }

    private static String mins(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : dur(ms);
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 24px;color:#222}
            h1{margin:0 0 6px;font-size:26px}h2{margin:28px 0 8px;font-size:19px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:16px 0 6px}
            .banner{padding:12px 16px;margin:12px 0;border-radius:6px;color:#fff}.banner.valid{background:#2e7d32}
            .banner.invalid{background:#c62828}.banner.unknown{background:#616161}.banner .exit{font-size:15px;font-weight:normal;margin-left:12px}
            .banner dl{display:flex;flex-wrap:wrap;gap:4px 20px;margin:0}.banner dt{font-size:11px;text-transform:uppercase;opacity:.85}
            .banner dd{margin:0;font-weight:600}nav{margin:6px 0}a{color:#1565c0}
            .note,.legend{color:#555;font-size:13px}.sw{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:-1px;border-radius:2px}
            table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
            th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.bad td{background:#fdecea}tr.warn td{background:#fff6e0}tr.ok td{background:#edf7ee}
            svg.chart{width:100%;height:auto;display:block;margin:4px 0}
            svg text{font-size:11px;fill:#333}svg text.lane{font-size:11px}svg text.pool{font-size:13px;font-weight:600}
            svg text.tick,svg text.small{font-size:10px;fill:#666}svg text.in{font-size:10px;fill:#fff;pointer-events:none}svg text.out{font-size:10px;fill:#4a3563}
            svg .grid{stroke:#e4e4e4;stroke-width:1}svg .axis{stroke:#999}svg .row{stroke:#f0f0f0}
            svg .hover{fill:transparent}svg .hover:hover{fill:#000;fill-opacity:.06}
            footer{margin-top:28px;color:#777;font-size:12px}details summary{cursor:pointer;margin:6px 0}
            """;
}
