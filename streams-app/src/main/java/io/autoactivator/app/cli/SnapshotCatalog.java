package io.autoactivator.app.cli;

import io.autoactivator.app.config.Topics;
import io.autoactivator.app.kafka.Topic;
import io.autoactivator.app.snapshot.SnapshotAssembler;
import io.autoactivator.app.snapshot.SnapshotFormatCodec;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.ModelSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The snapshots on the snapshot topic, reassembled from their chunks by the follower's {@link SnapshotAssembler}, so
 * the tools show a payload only when its size and checksum verify.
 */
final class SnapshotCatalog {

  /**
   * One snapshot: the metadata of its first chunk, and the payload (opened once, with its checksum) when every
   * chunk is present and verifies.
   *
   * @param allChunks every chunk is on the topic (a complete snapshot without a payload failed verification)
   */
  record Entry(ModelSnapshot header, SnapshotBytes payload, boolean allChunks) {
    boolean complete() {
      return payload != null;
    }

    /** Empty when complete, else why there is no payload. */
    String problem() {
      return complete() ? "" : allChunks ? "fails its size or checksum check" : "incomplete";
    }
  }

  private SnapshotCatalog() {
  }

  /** Every snapshot of the topic, by model id then version. */
  static List<Entry> read(Properties kafka, Topics topics, Duration timeout) {
    Topic<String, ModelSnapshot> snapshots = KafkaClients.topics(kafka, topics).snapshots();
    SnapshotAssembler assembler = new SnapshotAssembler(new SnapshotFormatCodec());
    Map<String, ModelSnapshot> first = new TreeMap<>();
    Map<String, Set<Integer>> seen = new HashMap<>();
    Map<String, SnapshotBytes> verified = new HashMap<>();
    for (var record : KafkaClients.readAll(kafka, snapshots.name(), timeout)) {
      if (record.value() == null) {
        continue;
      }
      ModelSnapshot chunk = snapshots.deserialize(record.value());
      String id = chunk.getModelId() + "\u0000" + chunk.getVersion();
      first.merge(id, chunk, (a, b) -> b.getChunkIndex() <= a.getChunkIndex() ? b : a);
      seen.computeIfAbsent(id, k -> new TreeSet<>()).add(chunk.getChunkIndex());
      assembler.add(chunk).ifPresent(done -> verified.put(id, done.snapshot()));
    }
    List<Entry> entries = new ArrayList<>();
    first.forEach((id, header) -> entries.add(new Entry(header, verified.get(id),
        seen.get(id).size() == header.getChunkCount())));
    entries.sort(Comparator.comparing((Entry e) -> e.header().getModelId())
        .thenComparing(e -> e.header().getVersion()));
    return entries;
  }
}
