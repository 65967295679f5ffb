package io.poolpair.model.time;

/** Emulated durations written as people and HOCON write them: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 2m30.5s}. */
public final class Durations {
    private Durations() {}

    /** {@code 500ms}, {@code 30s}, {@code 1.25s}, {@code 2m}, {@code 2m30s}, {@code 1h5m}; negative values get a minus sign. */
    public static String format(long ms) {
        if (ms < 0) return "-" + format(-ms);
        if (ms < 1_000) return ms + "ms";
        long h = ms / 3_600_000;
        long m = (ms % 3_600_000) / 60_000;
        long rest = ms % 60_000;
        StringBuilder b = new StringBuilder();
        if (h > 0) b.append(h).append('h');
        if (m > 0) b.append(m).append('m');
        if (rest > 0) {
            b.append(rest / 1000);
            long frac = rest % 1000;
            if (frac > 0) {
                String f = String.format(java.util.Locale.ROOT, "%03d", frac).replaceAll("0+$", "");
                b.append('.').append(f);
            }
            b.append('s');
        }
        return b.toString();
    }
}
