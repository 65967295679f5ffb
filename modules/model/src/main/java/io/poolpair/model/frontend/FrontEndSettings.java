package io.poolpair.model.frontend;

import io.poolpair.model.quorum.QuorumSettings;

/**
 * Front End pool settings. Every duration is emulated time.
 *
 * @param replicasPerGroup        replicas per routing group (3 per [S2]; fewer where the pool is smaller)
 * @param quorumLossAtLiveReplicas a group with this many live replicas or fewer (but at least one) is in
 *                                routing-group quorum loss; derived as majority of 3 → 1 (spec §2.2)
 * @param quorumLossService       what users of a group in quorum loss can still do
 * @param replicaRebuildDelayMs   how long a lost replica stays missing before it is rebuilt elsewhere
 *                                (Windows Fabric's timer is unconfirmed; our default is documented)
 * @param usersPerServerGuideline users per Front End before a capacity warning (6,660 per [S15])
 */
public record FrontEndSettings(
        int replicasPerGroup,
        int quorumLossAtLiveReplicas,
        QuorumLossService quorumLossService,
        long replicaRebuildDelayMs,
        int usersPerServerGuideline,
        QuorumSettings quorum) {

    /** What a routing group in quorum loss still does for its users. */
    public enum QuorumLossService {
        /** the last replica keeps serving sign-in, presence and peer-to-peer, but refuses persistent writes */
        READ_ONLY("read-only"),
        /** the group's users get no service until recovery */
        NONE("none"),
        /** the last replica keeps serving everything (writes are then at risk) */
        FULL("full");

        private final String label;

        QuorumLossService(String label) { this.label = label; }

        public String label() { return label; }

        public static QuorumLossService parse(String s) {
            for (QuorumLossService q : values()) if (q.label.equals(s)) return q;
            return null;
        }
    }

    public static final FrontEndSettings DEFAULT =
            new FrontEndSettings(3, 1, QuorumLossService.READ_ONLY, 60_000, 6_660, QuorumSettings.DEFAULT);

    public FrontEndSettings withRebuildDelayMs(long ms) {
        return new FrontEndSettings(replicasPerGroup, quorumLossAtLiveReplicas, quorumLossService, ms,
                usersPerServerGuideline, quorum);
    }

    public FrontEndSettings withQuorumLossService(QuorumLossService s) {
        return new FrontEndSettings(replicasPerGroup, quorumLossAtLiveReplicas, s, replicaRebuildDelayMs,
                usersPerServerGuideline, quorum);
    }
}
