package io.poolpair.runtime;

/**
 * Marks a message that may cross JVMs in a multi-node run: the cluster binds it to Pekko's Jackson CBOR serializer
 * ({@code poolpair/cluster.conf} in modules/cluster), and Java serialization stays off. Messages are records, so
 * Jackson reads and writes them by their components. Nothing in the model implements it: codecs stay out of the
 * model.
 */
public interface CborSerializable {}
