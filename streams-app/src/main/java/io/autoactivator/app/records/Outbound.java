package io.autoactivator.app.records;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * A record on its way out: an already-encoded value and the topic it belongs to. Every processor emits these and
 * one sink routes them by {@link #topic}, so a processor that answers a query, rejects a sample and writes a shadow
 * prediction needs no branching in the topology.
 */
public record Outbound(String topic, byte[] value) {

  /** Routes each outbound record to its topic. */
  public static TopicNameExtractor<String, Outbound> router() {
    return (key, value, context) -> value.topic();
  }

  /** Writes the value bytes as they are; never read back (output topics are read with their record serdes). */
  public static Serde<Outbound> serde() {
    return new Serde<>() {
      @Override
      public Serializer<Outbound> serializer() {
        return (topic, o) -> o == null ? null : o.value();
      }

      @Override
      public Deserializer<Outbound> deserializer() {
        return (topic, data) -> {
          throw new UnsupportedOperationException("outbound records are never read back");
        };
      }
    };
  }
}
