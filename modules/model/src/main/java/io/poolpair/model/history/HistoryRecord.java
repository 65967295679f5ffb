package io.poolpair.model.history;

/**
 * One line of {@code history.jsonl}: what the emulated users did and saw, what was done to the deployment
 * (faults, heals, admin verbs), and what the model declared (loss windows, pool quorum, users moved). The
 * checkers read these as a stream; the JSON codec lives outside {@code model} (docs/history.md).
 */
public sealed interface HistoryRecord permits HistoryRecord.Header, HistoryRecord.ClientOp, HistoryRecord.Nemesis,
        HistoryRecord.ModelFact {

    /** Emulated milliseconds since the run began. */
    long emulatedMs();

    /** Wall-clock epoch milliseconds (on a virtual clock, the virtual time). */
    long wallMs();

    /** Whether an operation is starting, or how it ended. {@code INFO}: the outcome is unknown. */
    enum Type {
        INVOKE, OK, FAIL, INFO;

        public String label() { return name().toLowerCase(); }

        public static Type of(String label) { return valueOf(label.toUpperCase()); }
    }

    /**
     * The first record: what the checkers need to judge the rest.
     *
     * @param syncIntervalMs the Backup Service interval (the RPO target the lost-write checker holds windows to)
     * @param rpoSlackMs     how far past the interval a measured loss window may go (poolpair.check.rpo-slack)
     * @param clock          "wall" or "virtual"
     */
    record Header(int format, String scenario, long seed, long syncIntervalMs, long rpoSlackMs, double timeScale,
                  String clock, long emulatedMs, long wallMs) implements HistoryRecord {
        public static final int FORMAT = 1;
    }

    /**
     * An emulated user's operation: an {@code INVOKE}, then its {@code OK}, {@code FAIL} or {@code INFO}.
     *
     * @param user     {@code homePool/u<index>}
     * @param home     the user's home pool
     * @param f        the operation: an {@link io.poolpair.model.dr.Operation} label, or {@code read} (the final read)
     * @param write    the write's id for a persistent write, else -1
     * @param read     for {@code read}: the ids of the user's writes the deployment holds, ascending; else null
     * @param pool     the pool that served (or refused) it; null if none could be reached
     * @param server   the Front End (routing-group primary) that answered, or null
     * @param group    the user's routing group in {@code pool}, or -1
     * @param epoch    the primary's epoch for that group, or -1
     * @param error    why it failed, or null
     * @param refused  a failure because the user's mode (Resiliency, or failover read-only) does not offer it
     * @param servedMs when the server answered, on its own clock (emulated ms), or -1; the record's own time is when
     *                 the user heard the answer
     */
    record ClientOp(Type type, String user, String home, String f, long write, long[] read, String pool, String server,
                    int group, long epoch, String error, boolean refused, long servedMs, long emulatedMs, long wallMs)
            implements HistoryRecord {

        public boolean isWrite() { return write >= 0; }

        public static ClientOp invoke(String user, String home, String f, long write, long emulatedMs, long wallMs) {
            return new ClientOp(Type.INVOKE, user, home, f, write, null, null, null, -1, -1, null, false, -1, emulatedMs, wallMs);
        }
    }

    /**
     * Something done to the deployment: a fault, a heal or an admin verb. {@code INVOKE} when asked, then
     * {@code OK} (accepted) or {@code FAIL} (refused, with the reason in {@code detail}).
     *
     * @param category fault, heal or admin
     * @param f        the action: kill, hang, restart, kill-site, fail-backend, cut-link, heal, heal-all, or the verb
     * @param target   the server, pool, site or link it acted on, or the verb's arguments
     */
    record Nemesis(Type type, Category category, String f, String target, String detail, long emulatedMs, long wallMs)
            implements HistoryRecord {

        public enum Category {
            FAULT, HEAL, ADMIN;

            public String label() { return name().toLowerCase(); }

            public static Category of(String label) { return valueOf(label.toUpperCase()); }
        }
    }

    /**
     * What the model declared, for the checkers. {@code f}:
     * <ul>
     *   <li>{@code loss-window}: acknowledged writes made at {@code pool} (by users of {@code home}, when not null;
     *       in routing group {@code group}, when not -1) after {@code fromMs} may be lost; {@code detail} says
     *       why (disaster-failover, disaster-failback, quorum-loss-recovery). The window ends at this record.</li>
     *   <li>{@code pool-quorum-lost} / {@code pool-quorum-regained}: {@code pool}'s Front Ends stop / start serving.</li>
     *   <li>{@code users-moved}: {@code home}'s users are now served by {@code pool} (null: nowhere); {@code detail}
     *       is the new mode.</li>
     *   <li>{@code failover-started}, {@code failover-completed}, {@code failback-completed}: {@code home}'s pool
     *       failover state.</li>
     * </ul>
     */
    record ModelFact(String f, String pool, String home, int group, long fromMs, String detail, long emulatedMs, long wallMs)
            implements HistoryRecord {}
}
