package io.autoactivator.app.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

import io.autoactivator.app.kafka.Topic;
import io.autoactivator.schemas.ModelSnapshot;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Writes one snapshot as {@code ModelSnapshot} chunks keyed {@code modelId/version/checksum/chunkIndex}, and returns
 * only when the broker acknowledged every chunk (idempotent producer, acks=all). All chunks of a model go to one
 * partition (chosen from the model id), in index order, so every instance reads them in the same order.
 *
 * <p>The checksum in the key makes a copy's identity its content: the same version published twice with different
 * bytes (an old owner still training after a rebalance, two code versions during a rolling upgrade) leaves two
 * complete copies on the compacted topic, never a mix of both copies' chunks under shared keys that compaction
 * could leave with neither complete; the same bytes published twice share their keys and compact to one copy.
 * Every instance loads the copy that completes first in the partition's order, the same copy on all of them.
 */
public final class SnapshotPublisher {

  private final Producer<String, byte[]> producer;
  private final Topic<String, ModelSnapshot> topic;
  private final int chunkBytes;
  private final SnapshotSigner signer;
  private final DistributionSummary bytes;

  public SnapshotPublisher(Producer<String, byte[]> producer, Topic<String, ModelSnapshot> topic, int chunkBytes,
      MeterRegistry meters) {
    this(producer, topic, chunkBytes, meters, SnapshotSigner.of(null));
  }

  /** @param signer signs every published snapshot (or not, without a key) */
  public SnapshotPublisher(Producer<String, byte[]> producer, Topic<String, ModelSnapshot> topic, int chunkBytes,
      MeterRegistry meters, SnapshotSigner signer) {
    this.signer = signer;
    this.producer = producer;
    this.topic = topic;
    this.chunkBytes = chunkBytes;
    this.bytes = DistributionSummary.builder("autoactivator.snapshot.bytes").baseUnit("bytes")
        .description("size of published snapshots").register(meters);
  }

  /**
   * Publishes {@code payload} with the metadata of {@code header} (whose chunk fields and payload are replaced).
   * Blocks until acknowledged; returns the number of chunks.
   */
  public int publish(ModelSnapshot unsigned, byte[] payload) throws InterruptedException, ExecutionException {
    List<ModelSnapshot> chunks = chunks(signer.sign(unsigned), payload, chunkBytes);
    int partitions = producer.partitionsFor(topic.name()).size();
    int partition = partition(unsigned.getModelId(), partitions);
    List<Future<RecordMetadata>> acks = new ArrayList<>(chunks.size());
    for (ModelSnapshot chunk : chunks) {
      acks.add(producer.send(new ProducerRecord<>(topic.name(), partition, key(chunk), topic.serialize(chunk))));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
    bytes.record(payload.length);
    return chunks.size();
  }

  /** The chunks of {@code payload} with the metadata of {@code header}, at most {@code chunkBytes} each. */
  public static List<ModelSnapshot> chunks(ModelSnapshot header, byte[] payload, int chunkBytes) {
    int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    List<ModelSnapshot> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] slice = Arrays.copyOfRange(payload, i * chunkBytes, Math.min(payload.length, (i + 1) * chunkBytes));
      chunks.add(ModelSnapshot.newBuilder(header).setChunkIndex(i).setChunkCount(count)
          .setPayload(ByteBuffer.wrap(slice)).build());
    }
    return chunks;
  }

  /** The record key of a chunk: {@code modelId/version/checksum/chunkIndex} (its copy's content names it). */
  public static String key(ModelSnapshot chunk) {
    return chunk.getModelId() + "/" + chunk.getVersion() + "/" + chunk.getChecksum() + "/" + chunk.getChunkIndex();
  }

  /** The partition every chunk of {@code modelId} goes to. */
  public static int partition(String modelId, int partitions) {
    return Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
