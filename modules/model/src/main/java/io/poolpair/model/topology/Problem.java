package io.poolpair.model.topology;

/**
 * One finding about an input file: an error (the file is refused) or a warning (accepted, as
 * Topology Builder accepts unsupported-but-valid choices). Printed as {@code FILE:LINE: field: message}.
 */
public record Problem(Severity severity, Origin origin, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public static Problem error(Origin origin, String field, String message) {
        return new Problem(Severity.ERROR, origin, field, message);
    }

    public static Problem warning(Origin origin, String field, String message) {
        return new Problem(Severity.WARNING, origin, field, message);
    }

    public boolean isError() { return severity == Severity.ERROR; }

    /** {@code FILE:LINE: field: message}, with "warning: " before the field for warnings. */
    public String format() {
        return origin.file() + ":" + origin.line() + ": " + (isError() ? "" : "warning: ") + field + ": " + message;
    }

    @Override
    public String toString() { return format(); }
}
