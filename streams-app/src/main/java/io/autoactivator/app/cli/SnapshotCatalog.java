package io.autoactivator.app.cli;

import io.autoactivator.schemas.ModelSnapshot;
import io.autoactivator.schemas.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The snapshots on the snapshot topic, reassembled from their chunks. */
final class SnapshotCatalog {

  /** One snapshot: the metadata of its first chunk, and the payload when every chunk is present. */
  record Entry(ModelSnapshot header, byte[] payload) {
    boolean complete() {
      return payload != null;
    }
  }

  private SnapshotCatalog() {
  }

  /** Every snapshot of the topic, by model id then version. */
  static List<Entry> read(Properties kafka, String topic, Duration timeout) {
    AvroSerde<ModelSnapshot> serde = KafkaClients.serde(ModelSnapshot.class, kafka);
    Map<String, Map<Integer, ModelSnapshot>> chunks = new TreeMap<>();
    for (var record : KafkaClients.readAll(kafka, topic, timeout)) {
      if (record.value() == null) {
        continue;
      }
      ModelSnapshot chunk = serde.deserializer().deserialize(topic, record.value());
      chunks.computeIfAbsent(chunk.getModelId() + "\u0000" + chunk.getVersion(), k -> new TreeMap<>())
          .put(chunk.getChunkIndex(), chunk);
    }
    List<Entry> entries = new ArrayList<>();
    for (Map<Integer, ModelSnapshot> parts : chunks.values()) {
      ModelSnapshot first = parts.values().iterator().next();
      byte[] payload = null;
      if (parts.size() == first.getChunkCount()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ModelSnapshot part : parts.values()) {
          ByteBuffer bytes = part.getPayload().duplicate();
          byte[] b = new byte[bytes.remaining()];
          bytes.get(b);
          out.writeBytes(b);
        }
        payload = out.toByteArray();
      }
      entries.add(new Entry(first, payload));
    }
    entries.sort(Comparator.comparing((Entry e) -> e.header().getModelId())
        .thenComparing(e -> e.header().getVersion()));
    return entries;
  }
}
