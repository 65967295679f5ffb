package io.poolpair.model.check;

/** How a figure expectation compares the measured figure with its value: the key it is written with. */
public enum Comparison {
    EQUALS("equals", ""),
    AT_MOST("at-most", "at most "),
    AT_LEAST("at-least", "at least ");

    private final String key;
    private final String phrase;

    Comparison(String key, String phrase) {
        this.key = key;
        this.phrase = phrase;
    }

    /** The scenario key: {@code equals}, {@code at-most} or {@code at-least}. */
    public String key() { return key; }

    /** How messages say it before the value: "", "at most ", "at least ". */
    public String phrase() { return phrase; }

    public boolean holds(double actual, double expected) {
        return switch (this) {
            case EQUALS -> actual == expected;
            case AT_MOST -> actual <= expected;
            case AT_LEAST -> actual >= expected;
        };
    }

    public static Comparison parse(String key) {
        for (Comparison c : values()) if (c.key.equals(key)) return c;
        return null;
    }
}
