package io.poolpair.model.dr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The user-mode rows of spec §4.2, §4.3 and §4.4, written out independently of the code. */
class ResiliencyMatrixTest {

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"P2P_CALL", "IM", "PSTN_CALL", "HOLD_TRANSFER", "JOIN_CONFERENCE", "SIGN_IN"})
    void resiliencyModeKeepsPeerToPeerPstnHoldTransferAndJoiningConferences(Operation op) {
        ResiliencyMatrix.Decision d = ResiliencyMatrix.decide(UserMode.RESILIENCY, op);

        assertThat(d.allowed()).as(op.label()).isTrue();
        assertThat(d.reason()).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"ADD_CONTACT", "SCHEDULE_MEETING", "CREATE_CONFERENCE", "PARK_CALL", "PRESENCE",
            "VIEW_CONTACTS", "ADDRESS_BOOK_SEARCH", "RESPONSE_GROUP_CALL", "CHANGE_CALL_FORWARDING"})
    void resiliencyModeRefusesPersistentChangesMeetingsParkPresenceContactsAddressBookResponseGroupsAndForwarding(Operation op) {
        ResiliencyMatrix.Decision d = ResiliencyMatrix.decide(UserMode.RESILIENCY, op);

        assertThat(d.allowed()).as(op.label()).isFalse();
        assertThat(d.reason()).as(op.label()).isNotBlank().contains("[");
    }

    @Test
    void resiliencyRefusalReasonsNameWhatIsUnavailable() {
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.ADD_CONTACT).reason()).contains("contact");
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.PARK_CALL).reason()).contains("park");
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.PRESENCE).reason()).contains("unknown");
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.ADDRESS_BOOK_SEARCH).reason()).contains("Address Book");
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.RESPONSE_GROUP_CALL).reason()).contains("Response Group");
        assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, Operation.CHANGE_CALL_FORWARDING).reason()).contains("forwarding");
    }

    @Test
    void everyPersistentWriteIsRefusedInResiliencyMode() {
        for (Operation op : Operation.values()) {
            if (op.persistentWrite()) {
                assertThat(ResiliencyMatrix.decide(UserMode.RESILIENCY, op).allowed()).as(op.label()).isFalse();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void signedOutUsersCanOnlyTryToSignIn(Operation op) {
        ResiliencyMatrix.Decision d = ResiliencyMatrix.decide(UserMode.SIGNED_OUT, op);

        if (op == Operation.SIGN_IN) {
            assertThat(d.allowed()).isTrue();
        } else {
            assertThat(d.allowed()).as(op.label()).isFalse();
            assertThat(d.reason()).contains("signed out");
        }
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void normalModeAllowsEverything(Operation op) {
        assertThat(ResiliencyMatrix.decide(UserMode.NORMAL, op).allowed()).as(op.label()).isTrue();
    }

    @Test
    void resiliencyRowCoversEveryOperationAndMatchesDecide() {
        Map<Operation, ResiliencyMatrix.Decision> row = ResiliencyMatrix.resiliencyRow();

        assertThat(row).containsOnlyKeys(Operation.values());
        for (Operation op : Operation.values()) {
            assertThat(row.get(op)).isEqualTo(ResiliencyMatrix.decide(UserMode.RESILIENCY, op));
        }
    }

    @Test
    void operationLabelsParseBackAndUnknownLabelsGiveNull() {
        for (Operation op : Operation.values()) assertThat(Operation.parse(op.label())).isEqualTo(op);
        assertThat(Operation.parse("teleport")).isNull();
        assertThat(UserMode.SIGNED_OUT.label()).isEqualTo("signed-out");
    }
}
