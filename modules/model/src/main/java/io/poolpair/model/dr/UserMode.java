package io.poolpair.model.dr;

/** What a user gets right now (spec §4). */
public enum UserMode {
    /** full service from the home pool, or from the backup pool once a failover completed */
    NORMAL,
    /** signed in to a backup Registrar with the restricted feature set of §4.2 */
    RESILIENCY,
    /** no Registrar reachable: signed out */
    SIGNED_OUT;

    public String label() { return name().toLowerCase().replace('_', '-'); }
}
