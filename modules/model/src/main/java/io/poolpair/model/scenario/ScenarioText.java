package io.poolpair.model.scenario;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a scenario back as a scenario file (docs/scenarios.md) that {@link ScenarioLoader} reads to the same
 * steps, and describes single steps in a line. A drawn chaos scenario is saved this way in its run folder.
 */
public final class ScenarioText {

    private ScenarioText() {}

    /** The scenario as HOCON, preceded by {@code comments} (one {@code #} line each). */
    public static String render(Scenario s, List<String> comments) {
        StringBuilder b = new StringBuilder();
        for (String c : comments) b.append("# ").append(c).append('\n');
        b.append("format-version = 1\n");
        b.append("name = ").append(quote(s.name())).append('\n');
        b.append("description = ").append(quote(s.description())).append('\n');
        if (s.timeScale() != null) b.append("time-scale = ").append(s.timeScale()).append('\n');
        b.append("steps = [\n");
        for (Step step : s.steps()) b.append("  ").append(render(step)).append('\n');
        b.append("]\n");
        return b.toString();
    }

    /** One step as a scenario-file object, e.g. {@code { kill = "a-fe3" }}. */
    public static String render(Step step) {
        if (step instanceof Step.Note n) return obj("note", quote(n.text()));
        if (step instanceof Step.Wait w) return obj("wait", duration(w.emulatedMs()));
        if (step instanceof Step.Fault f) return obj(f.kind().label() + (f.pool() ? "-pool" : ""), quote(f.target()));
        if (step instanceof Step.Heal h) return obj(h.pool() ? "heal-pool" : "heal", quote(h.target()));
        if (step instanceof Step.HealAll) return obj("heal-all", "true");
        if (step instanceof Step.SiteFault sf) return obj(sf.kill() ? "kill-site" : "heal-site", quote(sf.site()));
        if (step instanceof Step.BackEndFault bf) {
            return obj(bf.fail() ? "fail-backend" : "heal-backend", quote(bf.pool()) + ", component = " + quote(bf.component()));
        }
        if (step instanceof Step.FileServerFault ff) {
            return obj(ff.fail() ? "fail-file-server" : "heal-file-server", quote(ff.pool()) + ", server = " + ff.server());
        }
        if (step instanceof Step.Query q) return obj("query", quote(q.what()) + (q.pool() == null ? "" : ", pool = " + quote(q.pool())));
        if (step instanceof Step.Admin a) {
            StringBuilder v = new StringBuilder(quote(a.verb().label()));
            for (Map.Entry<String, String> e : new TreeMap<>(a.args()).entrySet()) {
                String x = e.getValue();
                v.append(", ").append(e.getKey()).append(" = ").append(x.equals("true") || x.equals("false") ? x : quote(x));
            }
            if (a.expectRefused()) v.append(", expect = refused");
            return obj("admin", v.toString());
        }
        if (step instanceof Step.Await w) {
            StringBuilder v = new StringBuilder(quote(w.eventType()));
            if (w.pool() != null) v.append(", pool = ").append(quote(w.pool()));
            if (w.server() != null) v.append(", server = ").append(quote(w.server()));
            if (w.text() != null) v.append(", text = ").append(quote(w.text()));
            v.append(", within = ").append(duration(w.withinMs()));
            return obj("await", v.toString());
        }
        throw new IllegalArgumentException("unknown step " + step);
    }

    /** One step in a line, as the run's header shows it: {@code admin failover-pool pool=pool-a disaster=true}. */
    public static String brief(Step step) {
        if (step instanceof Step.Admin a) {
            StringBuilder b = new StringBuilder("admin ").append(a.verb().label());
            for (Map.Entry<String, String> e : new TreeMap<>(a.args()).entrySet()) b.append(' ').append(e.getKey()).append('=').append(e.getValue());
            return b.toString();
        }
        if (step instanceof Step.Await w) {
            return "await " + w.eventType() + (w.pool() == null ? "" : " pool=" + w.pool()) + (w.server() == null ? "" : " server=" + w.server())
                    + (w.text() == null ? "" : " \"" + w.text() + "\"") + " within " + duration(w.withinMs());
        }
        if (step instanceof Step.Note n) return "note " + n.text();
        if (step instanceof Step.Wait w) return "wait " + duration(w.emulatedMs());
        if (step instanceof Step.Fault f) return f.kind().label() + (f.pool() ? "-pool " : " ") + f.target();
        if (step instanceof Step.Heal h) return (h.pool() ? "heal-pool " : "heal ") + h.target();
        if (step instanceof Step.HealAll) return "heal-all";
        if (step instanceof Step.SiteFault sf) return (sf.kill() ? "kill-site " : "heal-site ") + sf.site();
        if (step instanceof Step.BackEndFault bf) return (bf.fail() ? "fail-backend " : "heal-backend ") + bf.pool() + " " + bf.component();
        if (step instanceof Step.FileServerFault ff) {
            return (ff.fail() ? "fail-file-server " : "heal-file-server ") + ff.pool() + " " + ff.server();
        }
        if (step instanceof Step.Query q) return "query " + q.what() + (q.pool() == null ? "" : " " + q.pool());
        throw new IllegalArgumentException("unknown step " + step);
    }

    private static String obj(String key, String value) {
        return "{ " + key + " = " + value + " }";
    }

    /** A HOCON duration: whole seconds as {@code 41s}, else milliseconds. */
    static String duration(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
