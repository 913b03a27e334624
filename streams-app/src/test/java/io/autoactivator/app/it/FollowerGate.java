package io.autoactivator.app.it;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer interceptor ({@code consumer.interceptor.classes}) that acts on the snapshot follower's consumer only
 * (its client id ends in {@code -follower}) and lets every other consumer of the app through: it holds the records a
 * poll returned (the follower is busy: a large snapshot, a slow disk) or throws an Error from the poll (the follower
 * dies, as from a class missing from the image), so that a real app on the real broker can be watched through both. The state is
 * static because Kafka instantiates the interceptor; one test at a time uses it.
 */
public final class FollowerGate implements ConsumerInterceptor<Object, Object> {

  /** What the follower's polls meet. */
  enum Mode { PASS, HOLD, DIE }

  private static volatile Mode mode = Mode.PASS;
  private static volatile boolean holding;
  private boolean follower;

  static void set(Mode next) {
    mode = next;
  }

  /** True while a follower's poll is held. */
  static boolean holding() {
    return holding;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    follower = String.valueOf(configs.get(ConsumerConfig.CLIENT_ID_CONFIG)).endsWith("-follower");
  }

  @Override
  public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
    if (!follower) {
      return records;
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (mode == Mode.HOLD && System.nanoTime() < deadline) {
      holding = true;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    holding = false;
    if (mode == Mode.DIE) {
      throw new NoClassDefFoundError("FollowerGate: a class missing from the image; the follower dies");
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
  }

  @Override
  public void close() {
  }
}
