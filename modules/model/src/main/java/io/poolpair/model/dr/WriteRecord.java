package io.poolpair.model.dr;

/**
 * One acknowledged persistent write (contact, meeting, setting) of a user.
 *
 * @param id          unique, rising with time
 * @param user        the user's index among its home pool's users
 * @param homePool    the user's home pool
 * @param servedBy    the pool that acknowledged it (home, or backup after a failover)
 * @param emulatedMs  when it was acknowledged
 */
public record WriteRecord(long id, int user, String homePool, String servedBy, long emulatedMs) {}
