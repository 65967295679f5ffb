package io.poolpair.model.dr;

/** What an emulated user does; the Resiliency matrix decides which succeed in which mode. */
public enum Operation {
    SIGN_IN("sign-in", false),
    PRESENCE("presence", false),
    IM("im", false),
    P2P_CALL("p2p-call", false),
    PSTN_CALL("pstn-call", false),
    HOLD_TRANSFER("hold-transfer", false),
    ADD_CONTACT("add-contact", true),
    VIEW_CONTACTS("view-contacts", false),
    SCHEDULE_MEETING("schedule-meeting", true),
    CREATE_CONFERENCE("create-conference", true),
    JOIN_CONFERENCE("join-conference", false),
    PARK_CALL("park-call", false),
    CHANGE_CALL_FORWARDING("change-call-forwarding", true),
    RESPONSE_GROUP_CALL("response-group-call", false),
    ADDRESS_BOOK_SEARCH("address-book-search", false),
    /** an emergency call that needs the caller's location from the Location Information Server */
    EMERGENCY_CALL("emergency-call", false);

    private final String label;
    private final boolean persistentWrite;

    Operation(String label, boolean persistentWrite) {
        this.label = label;
        this.persistentWrite = persistentWrite;
    }

    public String label() { return label; }

    /** Whether it changes the user's persistent data (replicated in-pool and by the Backup Service). */
    public boolean persistentWrite() { return persistentWrite; }

    /** Every label, comma-separated (for error messages). */
    public static String labels() {
        StringBuilder b = new StringBuilder();
        for (Operation o : values()) b.append(b.length() == 0 ? "" : ", ").append(o.label);
        return b.toString();
    }

    public static Operation parse(String s) {
        for (Operation o : values()) if (o.label.equals(s)) return o;
        return null;
    }
}
