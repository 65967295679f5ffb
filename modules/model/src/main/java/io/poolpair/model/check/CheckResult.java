package io.poolpair.model.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checker's verdict: valid unless it found a violation; its findings (the first {@link #MAX_FINDINGS} of
 * each severity are kept, the counts are exact); its figures (name -> number, see docs/results.md); and a
 * details object for results.json (outage per fault, loss windows).
 */
public record CheckResult(String checker, boolean valid, List<Finding> findings, long violations, long notices,
                          Map<String, Double> figures, Object details) {

    public static final int MAX_FINDINGS = 50;

    /** Collects findings, keeping the first few of each severity and counting all. */
    public static final class Findings {
        private final List<Finding> kept = new ArrayList<>();
        private long violations;
        private long notices;
        private int keptViolations;
        private int keptNotices;

        public void add(Finding f) {
            if (f.severity() == Finding.Severity.VIOLATION) {
                violations++;
                if (keptViolations++ < MAX_FINDINGS) kept.add(f);
            } else {
                notices++;
                if (keptNotices++ < MAX_FINDINGS) kept.add(f);
            }
        }

        public long violations() { return violations; }

        public long notices() { return notices; }

        public CheckResult result(String checker, Map<String, Double> figures, Object details) {
            return new CheckResult(checker, violations == 0, List.copyOf(kept), violations, notices,
                    new LinkedHashMap<>(figures), details);
        }
    }
}
