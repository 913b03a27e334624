package io.autoactivator.app.buffer;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The task processors' meters, registered once by name (every partition's processor shares them): the counts of
 * tasks reported incomplete, quarantined, abandoned and whose samples expired, and the number of buffered samples
 * behind the {@code autoactivator.buffered.samples} gauge.
 */
public final class TaskMetrics {

  private final AtomicLong buffered;
  private final Counter incomplete;
  private final Counter quarantined;
  private final Counter abandoned;
  private final Counter expired;

  /** @param buffered the gauge's value: accepted samples buffered by every processor of this instance */
  public TaskMetrics(MeterRegistry meters, AtomicLong buffered) {
    this.buffered = buffered;
    this.incomplete = Counter.builder("autoactivator.tasks.incomplete")
        .description("tasks reported incomplete after the timeout").register(meters);
    this.quarantined = Counter.builder("autoactivator.tasks.quarantined")
        .description("tasks taken out of their model's queue (training failed too often, or aborted)")
        .register(meters);
    this.abandoned = Counter.builder("autoactivator.tasks.abandoned")
        .description("tasks quarantined because they stayed incomplete past task.abandoned.timeout.ms")
        .register(meters);
    this.expired = Counter.builder("autoactivator.tasks.samples.expired")
        .description("tasks whose samples the samples topic deleted (retention) before they trained")
        .register(meters);
  }

  /** A task stayed incomplete past the incompleteness timeout. */
  void incomplete() {
    incomplete.increment();
  }

  /** A task left its model's queue for good (attempts used up, aborted). */
  void quarantined() {
    quarantined.increment();
  }

  /** A task was quarantined because no record came for it past the abandonment timeout. */
  void abandoned() {
    quarantined.increment();
    abandoned.increment();
  }

  /** A task was quarantined because the samples topic deleted some of its samples. */
  void samplesExpired() {
    quarantined.increment();
    expired.increment();
  }

  /** {@code delta} more (or fewer) accepted samples are buffered. */
  void bufferedSamples(long delta) {
    buffered.addAndGet(delta);
  }
}
