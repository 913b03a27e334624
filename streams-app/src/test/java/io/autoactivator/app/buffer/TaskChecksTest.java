package io.autoactivator.app.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.autoactivator.app.config.Limits;
import io.autoactivator.app.records.Reason;
import io.autoactivator.schemas.BoundaryKind;
import io.autoactivator.schemas.LabelledSample;
import io.autoactivator.schemas.serde.SampleSummary;
import io.autoactivator.schemas.TaskBoundary;

/** Which sample or boundary may join its task, and why not, from the task's and the model's state alone. */
class TaskChecksTest {

  private final TaskChecks checks = new TaskChecks(Limits.defaults().withMaxTaskSamples(3)
      .withMaxModelBufferedBytes(1000));
  private final TaskState open = TaskState.fresh("m", "t1", 0);
  private final TaskState started = open.withStart(new int[] {3, 4}, 0);
  private final ModelState model = ModelState.fresh("m");

  private static SampleSummary sample(int label, int features) {
    return SampleSummary.of(new LabelledSample("m", "t1", "s1", label, java.util.Collections.nCopies(features, 1f),
        null));
  }

  private static TaskBoundary boundary(BoundaryKind kind, Long expected, Integer... classes) {
    return new TaskBoundary("m", "t1", kind, List.of(classes), expected, null);
  }

  private Reason sampleRefusal(TaskState task, ModelState m, SampleSummary s, int size, boolean duplicate) {
    TaskChecks.Refusal refusal = checks.sample(task, m, s, size, () -> duplicate);
    return refusal == null ? null : refusal.reason();
  }

  @Test
  void aSampleOfAnOpenTaskWithinItsQuotasIsAccepted() {
    assertThat(checks.sample(open, model, sample(3, 2), 100, () -> false)).isNull();
    assertThat(checks.sample(started, model.withDimension(2), sample(4, 2), 100, () -> false)).isNull();
  }

  @Test
  void aSampleIsRefusedForTheFirstRuleItBreaksInOrder() {
    TaskState training = started.withStatus(TaskStatus.TRAINING);
    assertThat(sampleRefusal(training, model, sample(9, 5), 100, true)).isEqualTo(Reason.TASK_ALREADY_TRAINED);
    assertThat(sampleRefusal(started.withStatus(TaskStatus.TRAINED), model, sample(3, 2), 100, false))
        .isEqualTo(Reason.TASK_ALREADY_TRAINED);
    assertThat(sampleRefusal(started.withStatus(TaskStatus.QUARANTINED), model, sample(3, 2), 100, true))
        .isEqualTo(Reason.TASK_QUARANTINED);
    assertThat(sampleRefusal(started, model.withDimension(3), sample(9, 2), 100, true))
        .isEqualTo(Reason.DUPLICATE_SAMPLE);
    assertThat(sampleRefusal(started, model.withDimension(3), sample(9, 2), 100, false))
        .isEqualTo(Reason.WRONG_DIMENSION);
    assertThat(sampleRefusal(started, model, sample(9, 2), 100, false)).isEqualTo(Reason.UNKNOWN_LABEL);
    assertThat(sampleRefusal(started.withEnd(new int[] {3, 4}, 2, 0).withReceived(2, 0), model, sample(3, 2), 100,
        false)).isEqualTo(Reason.COUNT_MISMATCH);
  }

  @Test
  void quotasRefuseWithTheirNameSoTheyAreCounted() {
    TaskChecks.Refusal full = checks.sample(started.withReceived(3, 0), model, sample(3, 2), 100, () -> false);
    assertThat(full.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(full.quota()).isEqualTo("task.max.samples");
    assertThat(full.message()).contains("task.max.samples=3");
    TaskChecks.Refusal heavy = checks.sample(started, model.buffering(950), sample(3, 2), 100, () -> false);
    assertThat(heavy.quota()).isEqualTo("model.max.buffered.bytes");
    assertThat(heavy.message()).contains("already buffers 950 bytes");
    assertThat(checks.sample(started, model.buffering(900), sample(3, 2), 100, () -> false))
        .as("exactly at the bound").isNull();
    assertThat(checks.sample(started, model, sample(9, 2), 100, () -> false).quota())
        .as("a refusal that is no quota").isNull();
  }

  @Test
  void theBufferIsAskedAboutADuplicateOnlyWhenTheEarlierChecksPass() {
    boolean[] asked = {false};
    checks.sample(started.withStatus(TaskStatus.TRAINED), model, sample(3, 2), 100, () -> asked[0] = true);
    assertThat(asked[0]).isFalse();
  }

  @Test
  void boundariesAreRefusedForTheFirstRuleTheyBreak() {
    assertThat(checks.boundary(open, boundary(BoundaryKind.START, null, 3, 4), new int[] {3, 4}, () -> null))
        .isNull();
    assertThat(checks.boundary(started.withStatus(TaskStatus.QUARANTINED), boundary(BoundaryKind.END, 2L, 3, 4),
        new int[] {3, 4}, () -> null).reason()).isEqualTo(Reason.TASK_QUARANTINED);
    TaskChecks.Refusal tooMany = checks.boundary(started, boundary(BoundaryKind.END, 4L, 3, 4), new int[] {3, 4},
        () -> null);
    assertThat(tooMany.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(tooMany.quota()).isEqualTo("task.max.samples");
    assertThat(checks.boundary(started, boundary(BoundaryKind.START, null, 3, 4), new int[] {3, 4}, () -> null)
        .reason()).isEqualTo(Reason.DUPLICATE_BOUNDARY);
    assertThat(checks.boundary(started.withStatus(TaskStatus.TRAINING), boundary(BoundaryKind.END, 2L, 3, 4),
        new int[] {3, 4}, () -> null).reason()).isEqualTo(Reason.TASK_ALREADY_TRAINED);
    assertThat(checks.boundary(started, boundary(BoundaryKind.END, 2L, 3, 5), new int[] {3, 5}, () -> null)
        .reason()).isEqualTo(Reason.INCONSISTENT_BOUNDARY);
    TaskChecks.Refusal taken = checks.boundary(open, boundary(BoundaryKind.START, null, 3, 4), new int[] {3, 4},
        () -> "t0");
    assertThat(taken.reason()).isEqualTo(Reason.CLASS_ALREADY_LEARNED);
    assertThat(taken.message()).contains("task t0 of model m");
  }

  @Test
  void aSecondEndWithAnotherCountCorrectsTheFirstWhileTheTaskWaits() {
    TaskState ended = started.withEnd(new int[] {3, 4}, 3, 0).withReceived(1, 0);
    assertThat(checks.boundary(ended, boundary(BoundaryKind.END, 2L, 3, 4), new int[] {3, 4}, () -> null)).isNull();
    assertThat(checks.boundary(ended, boundary(BoundaryKind.END, 3L, 3, 4), new int[] {3, 4}, () -> null).reason())
        .as("the same count again is a duplicate").isEqualTo(Reason.DUPLICATE_BOUNDARY);
  }
}
