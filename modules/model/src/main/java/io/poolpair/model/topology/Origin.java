package io.poolpair.model.topology;

/** Where a value came from: file and 1-based line (0 when unknown). */
public record Origin(String file, int line) {
    public static final Origin NONE = new Origin("<built-in>", 0);

    @Override
    public String toString() { return file + ":" + line; }
}
