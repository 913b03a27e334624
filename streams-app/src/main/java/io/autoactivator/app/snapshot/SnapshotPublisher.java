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
 * Writes one snapshot as {@code ModelSnapshot} chunks keyed {@code modelId/version/chunkIndex}, and returns only
 * when the broker acknowledged every chunk (idempotent producer, acks=all). All chunks of a model go to one
 * partition (chosen from the model id), in index order, so the final chunk is proof that the others are there:
 * the topology treats it as the commit of the snapshot.
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
    ModelSnapshot header = signer.sign(unsigned);
    int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    int partitions = producer.partitionsFor(topic.name()).size();
    int partition = Utils.toPositive(Utils.murmur2(header.getModelId().getBytes(StandardCharsets.UTF_8)))
        % partitions;
    List<Future<RecordMetadata>> acks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] slice = Arrays.copyOfRange(payload, i * chunkBytes, Math.min(payload.length, (i + 1) * chunkBytes));
      ModelSnapshot chunk = ModelSnapshot.newBuilder(header).setChunkIndex(i).setChunkCount(count)
          .setPayload(ByteBuffer.wrap(slice)).build();
      String key = header.getModelId() + "/" + header.getVersion() + "/" + i;
      acks.add(producer.send(new ProducerRecord<>(topic.name(), partition, key, topic.serialize(chunk))));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      ack.get();
    }
    bytes.record(payload.length);
    return count;
  }
}
