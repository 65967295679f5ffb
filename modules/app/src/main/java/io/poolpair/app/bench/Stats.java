package io.poolpair.app.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Summary of a list of samples (milliseconds): min, median, p90 (nearest rank), max, mean. */
record Stats(int n, double min, double median, double p90, double max, double mean, List<Double> samples) {

    static Stats of(List<Double> samples) {
        if (samples.isEmpty()) throw new IllegalArgumentException("no samples");
        List<Double> s = new ArrayList<>(samples);
        Collections.sort(s);
        int n = s.size();
        double median = n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        double p90 = s.get(Math.max(0, (int) Math.ceil(0.9 * n) - 1));
        double mean = s.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new Stats(n, s.get(0), median, p90, s.get(n - 1), mean, List.copyOf(samples));
    }

    /** Prints min/median/p90/max/mean and the raw samples, one {@code bench NAME metric=value unit} line each. */
    void print(String bench, String prefix, String unit) {
        Benchmarks.result(bench, prefix + ".n", n, "");
        Benchmarks.result(bench, prefix + ".min", fmt(min), unit);
        Benchmarks.result(bench, prefix + ".median", fmt(median), unit);
        Benchmarks.result(bench, prefix + ".p90", fmt(p90), unit);
        Benchmarks.result(bench, prefix + ".max", fmt(max), unit);
        Benchmarks.result(bench, prefix + ".mean", fmt(mean), unit);
        Benchmarks.result(bench, prefix + ".samples", samples.stream().map(Stats::fmt).collect(Collectors.joining(",")), unit);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
