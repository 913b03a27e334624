package io.autoactivator.model.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a model remembers of one learned task: its id, its classes and how many hidden units it recruited
 * (0 for learners without per-task units, or when a task reused earlier units only). Two are equal when id, classes
 * (in order) and units are, so a model's task list compares with the one a snapshot's header records.
 */
public record LearnedTask(String taskId, int[] classes, int units) {

  @Override
  public boolean equals(Object other) {
    return other instanceof LearnedTask t && taskId.equals(t.taskId) && Arrays.equals(classes, t.classes)
        && units == t.units;
  }

  @Override
  public int hashCode() {
    return Objects.hash(taskId, Arrays.hashCode(classes), units);
  }

  @Override
  public String toString() {
    return "LearnedTask[" + taskId + ", classes " + Arrays.toString(classes) + ", units " + units + "]";
  }
}
