package io.poolpair.model.event;

/** Where an event happened; any part may be null when it does not apply. */
public record Where(String site, String pool, String server, Integer routingGroup) {
    public static Where pool(String site, String pool) { return new Where(site, pool, null, null); }
    public static Where server(String site, String pool, String server) { return new Where(site, pool, server, null); }
    public static Where group(String site, String pool, int group) { return new Where(site, pool, null, group); }
    public static Where groupOnServer(String site, String pool, String server, int group) {
        return new Where(site, pool, server, group);
    }
}
