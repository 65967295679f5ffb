package io.poolpair.model.topology;

/** A data center. */
public record Site(String name, Origin origin) {}
