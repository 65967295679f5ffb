package io.poolpair.model.dr;

import java.util.EnumMap;
import java.util.Map;

/**
 * Which operations succeed in which user mode, as data (spec §4.2, §4.3, §4.4). A signed-out user can do
 * nothing but try to sign in; a normal user everything; a user in Resiliency mode keeps peer-to-peer
 * sessions, PSTN calls, hold and transfer, and joining conferences hosted on pools that are up, but cannot
 * make persistent changes, schedule or create meetings, park calls, use Response Groups, change call
 * forwarding, or reach the contact list and Address Book; their presence shows as unknown.
 */
public final class ResiliencyMatrix {

    /** The answer for one operation: allowed, or refused with the reason and its source. */
    public record Decision(boolean allowed, String reason) {
        static Decision yes() { return new Decision(true, null); }

        static Decision no(String reason) { return new Decision(false, reason); }
    }

    private static final Map<Operation, Decision> RESILIENCY = new EnumMap<>(Operation.class);

    static {
        RESILIENCY.put(Operation.SIGN_IN, Decision.yes());
        RESILIENCY.put(Operation.PRESENCE, Decision.no("presence shows as unknown to others in Resiliency mode [S4]"));
        RESILIENCY.put(Operation.IM, Decision.yes());
        RESILIENCY.put(Operation.P2P_CALL, Decision.yes());
        RESILIENCY.put(Operation.PSTN_CALL, Decision.yes());
        RESILIENCY.put(Operation.HOLD_TRANSFER, Decision.yes());
        RESILIENCY.put(Operation.ADD_CONTACT, Decision.no("no persistent changes such as adding a contact in Resiliency mode [S4][L4]"));
        RESILIENCY.put(Operation.VIEW_CONTACTS, Decision.no("the contact list is unavailable in Resiliency mode [S4]"));
        RESILIENCY.put(Operation.SCHEDULE_MEETING, Decision.no("meetings cannot be scheduled or modified in Resiliency mode [S4]"));
        RESILIENCY.put(Operation.CREATE_CONFERENCE, Decision.no("ad-hoc conferences cannot be created in Resiliency mode [S4]"));
        RESILIENCY.put(Operation.JOIN_CONFERENCE, Decision.yes());
        RESILIENCY.put(Operation.PARK_CALL, Decision.no("calls cannot be parked in Resiliency mode (hold and transfer work) [L14]"));
        RESILIENCY.put(Operation.CHANGE_CALL_FORWARDING, Decision.no("call-forwarding settings cannot change while the home site is down [S18]"));
        RESILIENCY.put(Operation.RESPONSE_GROUP_CALL, Decision.no("Response Group does not work from a backup Registrar [S18]"));
        RESILIENCY.put(Operation.EMERGENCY_CALL, Decision.yes());
        RESILIENCY.put(Operation.ADDRESS_BOOK_SEARCH, Decision.no("the Address Book is unavailable in Resiliency mode [S4][S18]"));
    }

    private ResiliencyMatrix() {}

    public static Decision decide(UserMode mode, Operation op) {
        return switch (mode) {
            case NORMAL -> Decision.yes();
            case SIGNED_OUT -> op == Operation.SIGN_IN ? Decision.yes()
                    : Decision.no("signed out: no Registrar reachable");
            case RESILIENCY -> RESILIENCY.get(op);
        };
    }

    /** The whole matrix, for docs and the dashboard. */
    public static Map<Operation, Decision> resiliencyRow() {
        return Map.copyOf(RESILIENCY);
    }
}
