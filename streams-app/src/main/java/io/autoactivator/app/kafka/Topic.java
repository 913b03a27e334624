package io.autoactivator.app.kafka;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic bound to the serdes of its keys and values (the {@code Topic<K,V>} of kafka-streams-examples'
 * {@code Schemas}): whoever writes or reads a topic takes both from here, so a name never travels without the format
 * of its records.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

  /** The value's bytes as they go on this topic. */
  public byte[] serialize(V value) {
    return valueSerde.serializer().serialize(name, value);
  }

  /** A value read from this topic (throws the serde's exception on bytes that are not one). */
  public V deserialize(byte[] value) {
    return valueSerde.deserializer().deserialize(name, value);
  }
}
