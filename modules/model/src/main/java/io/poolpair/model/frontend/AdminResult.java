package io.poolpair.model.frontend;

import io.poolpair.model.event.FailoverEvent;
import io.poolpair.model.event.FailoverEvent.AdminVerbRefused;

import java.util.List;

/**
 * The answer of the model to an admin verb: refused (with the reason a person reads) or done, with
 * the events it caused and a one-line outcome.
 */
public record AdminResult(boolean refused, String message, List<FailoverEvent> events) {

    public AdminResult {
        events = List.copyOf(events);
    }

    public static AdminResult refused(AdminVerbRefused e) {
        return new AdminResult(true, e.reason(), List.of(e));
    }

    public static AdminResult done(List<FailoverEvent> events, String outcome) {
        return new AdminResult(false, outcome, events);
    }
}
