package io.poolpair.model.check;

import io.poolpair.model.history.HistoryRecord;

/**
 * One invariant, checked over a history read as a stream: {@link #accept} sees every record once, in file
 * order, and keeps only what the invariant needs; {@link #result} gives the verdict at the end.
 */
public interface Checker {

    /** The checker's name in results.json (lost-writes, outage, sanity). */
    String name();

    void accept(HistoryRecord record);

    CheckResult result();

    /**
     * Violations found so far, before {@link #result()}: what a live view shows while the history is still being
     * written (findings that only the end of the history can make, such as writes never read back, are not in it).
     */
    long violationsSoFar();

    /** Notices found so far, as {@link #violationsSoFar()}. */
    long noticesSoFar();
}
