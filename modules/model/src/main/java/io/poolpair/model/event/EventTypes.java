package io.poolpair.model.event;

import java.util.List;

/** The event type names of {@link FailoverEvent}, for validating scenario awaits and filters. */
public final class EventTypes {
    private EventTypes() {}

    public static final List<String> ALL = List.of(
            "server-suspected", "server-down", "server-up", "fault-injected", "fault-healed",
            "primary-moved", "replica-rebuilt", "routing-group-quorum-lost", "routing-group-lost",
            "routing-group-recovered", "primary-stepped-down", "pool-rebuilt", "pool-quorum-lost", "pool-quorum-regained", "pool-start-blocked",
            "load-redistributed", "capacity-exceeded", "service-dropped",
            "admin-verb-started", "admin-verb-finished", "admin-verb-refused", "data-lost", "run-marker",
            "pool-failover-state", "backup-state", "users-moved", "cms-moved", "edge-route-changed", "not-replicated",
            "back-end-state", "operations-refused", "site-link-cut", "site-link-slowed", "site-link-healed");
}
