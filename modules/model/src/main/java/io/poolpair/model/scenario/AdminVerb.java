package io.poolpair.model.scenario;

import java.util.List;

/**
 * Every admin verb, listed once (docs/admin-verbs.md mirrors this list). Scenarios, the CLI, HTTP and the
 * dashboard use these names.
 *
 * @param target   the argument that names what the verb acts on ("pool", "server", "edge"), or null
 * @param required every argument it needs (including the target)
 * @param options  optional arguments (boolean flags such as force, disaster)
 * @param cmdlet   the SfB cmdlet it mirrors
 */
public enum AdminVerb {
    SERVICE_RESET("service-reset", "pool", List.of("pool"), List.of(), "Reset-CsPoolRegistrarState -ResetType ServiceReset",
            "restarts the Front End services of the pool's running servers; the pool starts again by Table B"),
    QUORUM_LOSS_RECOVERY("quorum-loss-recovery", "pool", List.of("pool"), List.of(),
            "Reset-CsPoolRegistrarState -ResetType QuorumLossRecovery",
            "reloads routing groups in quorum loss from the back end (unflushed writes are lost) and lets a pool"
                    + " stuck starting at the Table A level proceed"),
    DRAIN_SERVER("drain-server", "server", List.of("server"), List.of("force"), "Invoke-CsComputerFailOver",
            "moves a Front End's users and replicas to the rest of the pool, then stops it"),
    RETURN_SERVER("return-server", "server", List.of("server"), List.of(), "Invoke-CsComputerFailBack",
            "returns a drained Front End to service"),
    FAILOVER_POOL("failover-pool", "pool", List.of("pool"), List.of("disaster"), "Invoke-CsPoolFailover -PoolFQDN <home> [-DisasterMode]",
            "fails a home pool's users over to its backup pool"),
    FAILBACK_POOL("failback-pool", "pool", List.of("pool"), List.of("disaster"), "Invoke-CsPoolFailback -PoolFQDN <home> [-DisasterMode]",
            "moves a home pool's users back home through Resiliency mode"),
    FAILOVER_CMS("failover-cms", null, List.of(), List.of("pool", "force"), "Invoke-CsManagementServerFailover [-Force]",
            "moves the active Central Management Store master to its pool's partner"),
    SET_EDGE_NEXT_HOP("set-edge-next-hop", "edge", List.of("edge", "pool"), List.of(), "Set-CsEdgeServer -Registrar",
            "points an Edge pool at another next-hop pool"),
    MOVE_FEDERATION_ROUTE("move-federation-route", "edge", List.of("edge"), List.of(),
            "Set-CsSite -XmppExternalFederationRoute (and Topology Builder's federation route)",
            "moves outbound federation and XMPP to another Edge pool"),
    SYNC_CONFERENCE_CONTENT("sync-conference-content", "pool", List.of("pool"), List.of(),
            "Invoke-CsBackupServiceSync -BackupModule ConfServices.DataConf",
            "copies conference content made on the backup pool home after a failback"),
    RESTORE_LIS("restore-lis", "pool", List.of("pool"), List.of(), "restore of the LIS database from backup",
            "restores LIS data for a failed-over pool's users on its backup pool"),
    IMPORT_RESPONSE_GROUPS("import-response-groups", "pool", List.of("pool"), List.of(), "Import-CsRgsConfiguration",
            "imports a failed-over pool's Response Groups into its backup pool"),
    DATABASE_FAILOVER("database-failover", "pool", List.of("pool"), List.of("force"),
            "Invoke-CsDatabaseFailover -NewPrincipal", "makes the other back-end SQL server principal"),
    PERSISTENT_CHAT_FAILOVER("persistent-chat-failover", "pool", List.of("pool"), List.of(),
            "log-shipping recovery of mgc, then Set-CsPersistentChatState -PoolState FailedOver",
            "fails a stretched Persistent Chat pool over to its standby servers in the other site"),
    PERSISTENT_CHAT_FAILBACK("persistent-chat-failback", "pool", List.of("pool"), List.of(),
            "Set-CsPersistentChatState -PoolState Normal (after restoring the primary database)",
            "returns a stretched Persistent Chat pool to its original active servers");

    private final String label;
    private final String target;
    private final List<String> required;
    private final List<String> options;
    private final String cmdlet;
    private final String summary;

    AdminVerb(String label, String target, List<String> required, List<String> options, String cmdlet, String summary) {
        this.label = label;
        this.target = target;
        this.required = required;
        this.options = options;
        this.cmdlet = cmdlet;
        this.summary = summary;
    }

    public String label() { return label; }

    /** The argument naming what the verb acts on, or null (failover-cms). */
    public String target() { return target; }

    public List<String> required() { return required; }

    public List<String> options() { return options; }

    public String cmdlet() { return cmdlet; }

    public String summary() { return summary; }

    public static AdminVerb parse(String s) {
        for (AdminVerb v : values()) if (v.label.equals(s)) return v;
        return null;
    }

    public static String allowed() {
        return String.join(", ", java.util.Arrays.stream(values()).map(AdminVerb::label).toList());
    }
}
