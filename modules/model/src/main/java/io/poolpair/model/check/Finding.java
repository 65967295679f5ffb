package io.poolpair.model.check;

/**
 * Something a checker reports. A {@code VIOLATION} fails the run; a {@code NOTICE} is reported only (for
 * example a double home an admin forced, or writes never read back because the run stopped early).
 *
 * @param kind       a stable short name (unexplained-lost-write, rpo-exceeded, two-primaries, ...)
 * @param emulatedMs when (emulated ms), or -1
 */
public record Finding(Severity severity, String kind, String message, long emulatedMs) {

    public enum Severity {
        VIOLATION, NOTICE;

        public String label() { return name().toLowerCase(); }
    }

    public static Finding violation(String kind, String message, long emulatedMs) {
        return new Finding(Severity.VIOLATION, kind, message, emulatedMs);
    }

    public static Finding notice(String kind, String message, long emulatedMs) {
        return new Finding(Severity.NOTICE, kind, message, emulatedMs);
    }
}
