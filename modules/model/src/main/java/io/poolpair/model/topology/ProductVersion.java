package io.poolpair.model.topology;

/**
 * The Skype for Business Server product version a topology is built for. It sets the capacity
 * limits of spec §7.1 and a few rules (SQL mirroring and Persistent Chat are gone in 2019).
 */
public enum ProductVersion {
    SFB_2015("2015", 12, 6_660, 80_000, 40_000, 12_000, 1_500, 150),
    SFB_2019("2019", 16, 6_660, 106_000, 53_000, 18_000, 2_000, 200);

    private final String label;
    private final int maxFrontEndsPerPool;
    private final int usersPerFrontEnd;
    private final int maxUsersPerPool;
    private final int maxUsersPerPairedPool;
    private final int remoteUsersPerEdgeOrDirector;
    private final int standaloneMediationCalls;
    private final int collocatedMediationCallsPerFrontEnd;

    ProductVersion(String label, int maxFrontEndsPerPool, int usersPerFrontEnd, int maxUsersPerPool,
                   int maxUsersPerPairedPool, int remoteUsersPerEdgeOrDirector, int standaloneMediationCalls,
                   int collocatedMediationCallsPerFrontEnd) {
        this.label = label;
        this.maxFrontEndsPerPool = maxFrontEndsPerPool;
        this.usersPerFrontEnd = usersPerFrontEnd;
        this.maxUsersPerPool = maxUsersPerPool;
        this.maxUsersPerPairedPool = maxUsersPerPairedPool;
        this.remoteUsersPerEdgeOrDirector = remoteUsersPerEdgeOrDirector;
        this.standaloneMediationCalls = standaloneMediationCalls;
        this.collocatedMediationCallsPerFrontEnd = collocatedMediationCallsPerFrontEnd;
    }

    /** "2015" or "2019", as written in topology files. */
    public String label() { return label; }
    public int maxFrontEndsPerPool() { return maxFrontEndsPerPool; }
    public int usersPerFrontEnd() { return usersPerFrontEnd; }
    public int maxUsersPerPool() { return maxUsersPerPool; }
    public int maxUsersPerPairedPool() { return maxUsersPerPairedPool; }
    /** Concurrent remote users per Edge or Director server (guideline). */
    public int remoteUsersPerEdgeOrDirector() { return remoteUsersPerEdgeOrDirector; }
    /** Concurrent non-bypass calls per standalone Mediation server (hyper-threading on). */
    public int standaloneMediationCalls() { return standaloneMediationCalls; }
    public int collocatedMediationCallsPerFrontEnd() { return collocatedMediationCallsPerFrontEnd; }
    /** Standard Edition server users (5,000 while its pair has failed over to it). */
    public int standardEditionUsers() { return 2_500; }
    /** Persistent Chat: concurrent users per active server. */
    public int persistentChatUsersPerServer() { return 20_000; }
    public int maxActivePersistentChatServers() { return 4; }

    public static ProductVersion parse(String s) {
        for (ProductVersion v : values()) {
            if (v.label.equals(s)) return v;
        }
        return null;
    }
}
