package io.autoactivator.app.serve;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.autoactivator.schemas.PredictionStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The serving loop's meters, registered once: answers by status and their in-app latency (read from Kafka ->
 * answered), and where that time goes: queue depth, batch size, time in queue, inference time; plus requests
 * skipped as already answered after a takeover, and whether the consumer is paused by back-pressure.
 */
final class ServingMetrics {

  private final Map<PredictionStatus, Counter> answered = new EnumMap<>(PredictionStatus.class);
  private final Timer latency;
  private final Timer queueTime;
  private final Timer inferenceTime;
  private final DistributionSummary batchSize;
  private final Counter skipped;

  ServingMetrics(MeterRegistry meters, Supplier<Number> queueDepth, Supplier<Number> paused) {
    for (PredictionStatus status : PredictionStatus.values()) {
      answered.put(status, Counter.builder("autoactivator.predictions").description("answers by status")
          .tag("status", status.name()).register(meters));
    }
    latency = Timer.builder("autoactivator.prediction.latency")
        .description("request read from Kafka to answer handed to the producer").publishPercentileHistogram()
        .register(meters);
    queueTime = Timer.builder("autoactivator.serving.queue.time")
        .description("request read from Kafka to the start of its batch's inference").publishPercentileHistogram()
        .register(meters);
    inferenceTime = Timer.builder("autoactivator.serving.inference.time")
        .description("one predict call (one batch of one model version)").publishPercentileHistogram()
        .register(meters);
    batchSize = DistributionSummary.builder("autoactivator.serving.batch.size")
        .description("requests taken from the queue together").publishPercentileHistogram().register(meters);
    skipped = Counter.builder("autoactivator.serving.replays.skipped")
        .description("requests read again after a takeover and not answered: a previous owner had answered them")
        .register(meters);
    Gauge.builder("autoactivator.serving.queue.depth", queueDepth).description("requests read, not yet answered")
        .strongReference(true).register(meters);
    Gauge.builder("autoactivator.serving.paused", paused)
        .description("1 while the serving consumer is paused by back-pressure").strongReference(true)
        .register(meters);
  }

  void answered(PredictionStatus status, long latencyMillis) {
    answered.get(status).increment();
    latency.record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
  }

  void queued(long nanos) {
    queueTime.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  void inference(long nanos) {
    inferenceTime.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void skipped() {
    skipped.increment();
  }
}
