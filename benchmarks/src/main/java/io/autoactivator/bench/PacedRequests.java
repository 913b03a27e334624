package io.autoactivator.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Figure 3's client side, shared by the service's latency runs and Kafka's own floor ({@link KafkaEchoFloor}):
 * requests sent at a fixed rate with their send times, and the send-to-receipt latencies summarised the same way, so
 * the two rows of a rate are measured alike.
 */
final class PacedRequests {

  private PacedRequests() {
  }

  /**
   * Sends up to {@code planned} records at {@code rate} per second for {@code seconds}, recording each id's send time
   * in {@code sent}; flushes and returns how many were sent.
   */
  static int send(Producer<String, byte[]> producer, double rate, int seconds, int planned, IntFunction<String> id,
      IntFunction<ProducerRecord<String, byte[]>> record, Map<String, Long> sent) {
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    int i = 0;
    while (System.nanoTime() < end && i < planned) {
      long due = Math.min(planned, (long) ((System.nanoTime() - start) / 1e9 * rate));
      while (i < due) {
        sent.put(id.apply(i), System.nanoTime());
        producer.send(record.apply(i));
        i++;
      }
      LockSupport.parkNanos(200_000);
    }
    producer.flush();
    return i;
  }

  /** p50, p90, p99, p99.9 and max in milliseconds, and the count, of a histogram of microseconds. */
  static Map<String, Double> percentiles(Histogram h) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (double p : new double[] {50, 90, 99, 99.9}) {
      m.put("p" + p, h.getValueAtPercentile(p) / 1000.0);
    }
    m.put("max", h.getMaxValue() / 1000.0);
    m.put("count", (double) h.getTotalCount());
    return m;
  }
}
