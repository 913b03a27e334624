package io.autoactivator.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import io.autoactivator.model.api.TaskData;

/**
 * Cuts a train/test pair into a class-incremental sequence: N tasks of k classes each, in a class order that is the
 * natural one, a seeded permutation, or given explicitly. Task {@code t} takes classes
 * {@code order[t*k .. t*k+k-1]}; its training data becomes a {@link TaskData} with id {@code "task-t"} and its
 * classes in that order, and its test rows are kept apart so accuracy can be measured per task.
 *
 * @param classOrder the order used
 * @param tasks      the tasks, oldest first
 */
public record ClassIncrementalSplit(int[] classOrder, List<Task> tasks) {

  /**
   * One task.
   *
   * @param index the task's position
   * @param train its training data
   * @param test  the test rows of its classes
   */
  public record Task(int index, TaskData train, Dataset test) {
    public String taskId() {
      return train.taskId();
    }

    public int[] classes() {
      return train.classes();
    }
  }

  /** The task id of task {@code index}. */
  public static String taskId(int index) {
    return "task-" + index;
  }

  /** The classes of {@code data} in ascending order (the natural order, "order 0"). */
  public static int[] naturalOrder(Dataset data) {
    return data.classes();
  }

  /** A permutation of {@code classes} drawn with {@code seed} (Fisher-Yates on a SplittableRandom). */
  public static int[] seededOrder(int[] classes, long seed) {
    int[] order = classes.clone();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /**
   * Splits {@code train} and {@code test} into {@code tasks} tasks of {@code classesPerTask} classes in
   * {@code classOrder} (which must list at least tasks*classesPerTask distinct classes present in train; extra
   * classes are left out).
   */
  public static ClassIncrementalSplit split(Dataset train, Dataset test, int tasks, int classesPerTask,
      int[] classOrder) {
    if (tasks < 1 || classesPerTask < 1) {
      throw new IllegalArgumentException("need at least one task of one class, got " + tasks + " x " + classesPerTask);
    }
    if (Arrays.stream(classOrder).distinct().count() != classOrder.length) {
      throw new IllegalArgumentException("class order has duplicates: " + Arrays.toString(classOrder));
    }
    if ((long) tasks * classesPerTask > classOrder.length) {
      throw new IllegalArgumentException(tasks + " tasks x " + classesPerTask + " classes need "
          + tasks * classesPerTask + " classes, but the order has " + classOrder.length + ": "
          + Arrays.toString(classOrder));
    }
    int[] present = train.classes();
    List<Task> out = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      int[] classes = Arrays.copyOfRange(classOrder, t * classesPerTask, (t + 1) * classesPerTask);
      for (int c : classes) {
        if (Arrays.binarySearch(present, c) < 0) {
          throw new IllegalArgumentException("class " + c + " has no training rows in " + train.name()
              + "; classes present: " + Arrays.toString(present));
        }
      }
      Dataset taskTrain = train.select(rowsOf(train, classes), train.name() + "/" + taskId(t));
      Dataset taskTest = test.select(rowsOf(test, classes), test.name() + "/" + taskId(t));
      out.add(new Task(t, new TaskData(taskId(t), classes, taskTrain.features(), taskTrain.labels()), taskTest));
    }
    return new ClassIncrementalSplit(classOrder.clone(), List.copyOf(out));
  }

  /** Rows of {@code data} whose label is one of {@code classes}, in file order. */
  public static int[] rowsOf(Dataset data, int[] classes) {
    int[] rows = new int[data.size()];
    int n = 0;
    for (int i = 0; i < data.size(); i++) {
      int label = data.labels()[i];
      for (int c : classes) {
        if (c == label) {
          rows[n++] = i;
          break;
        }
      }
    }
    return Arrays.copyOf(rows, n);
  }

  /** All classes of the sequence, in order. */
  public int[] allClasses() {
    return tasks.stream().flatMapToInt(task -> Arrays.stream(task.classes())).toArray();
  }
}
