package io.poolpair.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.poolpair.model.check.CheckResult;
import io.poolpair.model.check.Checks;
import io.poolpair.model.check.Finding;
import io.poolpair.model.history.HistoryRecord;
import io.poolpair.runtime.journal.HistoryJson;
import io.poolpair.runtime.scenario.ScenarioRunner.StepResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's verdict: the checkers run over {@code history.jsonl} as a stream, and {@code results.json}
 * (docs/results.md) written beside it.
 */
final class RunResults {

    /** SfB's engineering targets [S3]: pool failover RTO 15-20 min (procedural), RPO 5 min. */
    static final long TARGET_POOL_RTO_MS = 20 * 60_000L;
    static final long TARGET_POOL_RPO_MS = 5 * 60_000L;

    private RunResults() {}

    /** Runs the standard checkers over a history file, one pass, never holding the file in memory. */
    static Checks.Verdict check(Path history) throws IOException {
        try (HistoryJson.Reader r = HistoryJson.open(history)) {
            return Checks.run(r, Checks.standard());
        }
    }

    /** What results.json says about the run besides the checkers. */
    record RunInfo(String scenario, String topology, long seed, String clock, double timeScale, long emulatedMs, long wallMs,
                   List<StepResult> steps, List<Map<String, Object>> expectations, long syncIntervalMs, long rpoSlackMs) {}

    static Map<String, Object> document(RunInfo info, Checks.Verdict v, boolean valid, int exitCode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", 1);
        m.put("verdict", valid ? "valid" : "invalid");
        m.put("exitCode", exitCode);
        m.put("scenario", info.scenario());
        m.put("topology", info.topology());
        m.put("seed", info.seed());
        m.put("clock", info.clock());
        m.put("timeScale", info.timeScale());
        m.put("emulatedMs", info.emulatedMs());
        m.put("wallMs", info.wallMs());
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("total", info.steps().size());
        List<Map<String, Object>> failures = new ArrayList<>();
        for (StepResult r : info.steps()) {
            if (r.ok()) continue;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("index", r.index() + 1);
            f.put("step", r.step());
            f.put("message", r.message());
            f.put("emulatedMs", r.emulatedMs());
            failures.add(f);
        }
        steps.put("failed", failures.size());
        steps.put("failures", failures);
        m.put("steps", steps);
        m.put("expectations", info.expectations());
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("poolFailoverRtoMs", TARGET_POOL_RTO_MS);
        targets.put("poolFailoverRpoMs", TARGET_POOL_RPO_MS);
        targets.put("backupSyncIntervalMs", info.syncIntervalMs());
        targets.put("rpoSlackMs", info.rpoSlackMs());
        m.put("targets", targets);
        m.put("historyRecords", v.records());
        m.put("figures", v.figures());
        List<Map<String, Object>> checkers = new ArrayList<>();
        for (CheckResult r : v.results()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", r.checker());
            c.put("valid", r.valid());
            c.put("violations", r.violations());
            c.put("notices", r.notices());
            List<Map<String, Object>> fs = new ArrayList<>();
            for (Finding f : r.findings()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("severity", f.severity().label());
                x.put("kind", f.kind());
                x.put("message", f.message());
                x.put("emulatedMs", f.emulatedMs());
                fs.add(x);
            }
            c.put("findings", fs);
            c.put("figures", r.figures());
            c.put("details", r.details());
            checkers.add(c);
        }
        m.put("checkers", checkers);
        return m;
    }

    static void write(Path file, Map<String, Object> doc) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(file, mapper.writeValueAsString(doc) + "\n");
    }

    /** The verdict as a person reads it, a few lines. */
    static List<String> lines(Checks.Verdict v) {
        List<String> out = new ArrayList<>();
        Map<String, Double> f = v.figures();
        out.add(String.format(Locale.ROOT, "history: %d records; writes acknowledged %d, lost %d (%d outside a declared loss window), "
                        + "RPO measured %s", v.records(), n(f, "acknowledged-writes"), n(f, "lost-writes"), n(f, "unexplained-lost-writes"),
                dur(f, "rpo")));
        out.add(String.format(Locale.ROOT, "outage: %d users affected by faults; p50 %s, p99 %s, max %s; %d operations failed, "
                        + "%d refused by Resiliency mode; procedural RTO %s", n(f, "affected-users"), dur(f, "outage-p50"),
                dur(f, "outage-p99"), dur(f, "outage-max"), n(f, "failed-operations"), n(f, "refused-by-resiliency"),
                dur(f, "procedural-rto")));
        for (CheckResult r : v.results()) {
            out.add(String.format(Locale.ROOT, "checker %-11s %s (%d violations, %d notices)", r.checker(),
                    r.valid() ? "valid" : "INVALID", r.violations(), r.notices()));
            int shown = 0;
            for (Finding x : r.findings()) {
                if (shown++ >= 5) break;
                out.add("    " + x.severity().label() + " " + x.kind() + ": " + x.message());
            }
        }
        return out;
    }

    private static long n(Map<String, Double> f, String k) {
        Double d = f.get(k);
        return d == null ? 0 : Math.round(d);
    }

    /** A duration figure, or "none" when the run did not measure it (nothing to time). */
    private static String dur(Map<String, Double> f, String k) {
        return f.containsKey(k) ? secs(Math.round(f.get(k))) : "none";
    }

    static String secs(long ms) {
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** The first record of the history: what the checkers hold the run to. */
    static HistoryRecord.Header header(String scenario, long seed, io.poolpair.model.settings.EmulatorSettings settings,
                                       String clock, io.poolpair.model.time.Time now) {
        return new HistoryRecord.Header(HistoryRecord.Header.FORMAT, scenario, seed, settings.dr().backupSyncIntervalMs(),
                settings.rpoSlackMs(), settings.timeScale(), clock, now.emulatedMs(), now.wallMs());
    }
}
