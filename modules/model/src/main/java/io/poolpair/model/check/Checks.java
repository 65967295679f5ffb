package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the checkers over one pass of a history stream. */
public final class Checks {

    private Checks() {}

    /** The checkers every run uses: lost writes, outage and RTO, sanity. */
    public static List<Checker> standard() {
        return List.of(new LostWriteChecker(), new OutageChecker(), new SanityChecker());
    }

    /** Feeds every record to every checker, once, and collects their results. */
    public static Verdict run(Iterator<? extends HistoryRecord> history, List<Checker> checkers) {
        long records = 0;
        while (history.hasNext()) {
            HistoryRecord r = history.next();
            records++;
            for (Checker c : checkers) c.accept(r);
        }
        List<CheckResult> results = new ArrayList<>();
        for (Checker c : checkers) results.add(c.result());
        return new Verdict(records, results);
    }

    /** Every checker's result; valid when each is. */
    public record Verdict(long records, List<CheckResult> results) {

        public boolean valid() {
            return results.stream().allMatch(CheckResult::valid);
        }

        /** Every checker's figures in one map (names are unique across checkers). */
        public Map<String, Double> figures() {
            Map<String, Double> all = new LinkedHashMap<>();
            for (CheckResult r : results) all.putAll(r.figures());
            return all;
        }

        /**
         * The figures as scenario expectations ask for them: {@code figure} for the whole run, {@code figure@pool}
         * for one home pool's users; absent when not measured.
         */
        public Figures asFigures() {
            Map<String, Double> all = figures();
            return (figure, pool) -> {
                Double d = all.get(pool == null ? figure : figure + "@" + pool);
                return d == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(d);
            };
        }

        public CheckResult result(String checker) {
            for (CheckResult r : results) if (r.checker().equals(checker)) return r;
            return null;
        }
    }
}
