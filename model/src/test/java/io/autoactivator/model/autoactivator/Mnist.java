package io.autoactivator.model.autoactivator;

import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/** Small real slices of MNIST / Fashion-MNIST for tests (read once per JVM). */
final class Mnist {

  private static final ConcurrentHashMap<String, Dataset> CACHE = new ConcurrentHashMap<>();

  private Mnist() {
  }

  static Dataset split(String dataset, String split) {
    return CACHE.computeIfAbsent(dataset + "/" + split, key -> {
      try {
        return IdxReader.readSplit(SharedData.root().orElseThrow(
            () -> new IllegalStateException("no shared data root")).resolve(dataset), split);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The rows of {@code data} whose label is one of {@code classes}. */
  static Dataset only(Dataset data, int... classes) {
    int[] rows = IntStream.range(0, data.size())
        .filter(i -> Arrays.stream(classes).anyMatch(c -> c == data.labels()[i])).toArray();
    return data.select(rows, data.name() + Arrays.toString(classes));
  }

  /** A task of the first {@code perClass} training images of each class. */
  static TaskData task(String dataset, String split, String id, int perClass, int... classes) {
    Dataset slice = only(split(dataset, split), classes).firstPerClass(perClass);
    return new TaskData(id, classes, slice.features(), slice.labels());
  }

  /** Rows {@code skip..skip+perClass} of each class (a held-out slice disjoint from {@link #task}'s first rows). */
  static Dataset after(String dataset, String split, int skip, int perClass, int... classes) {
    Dataset data = only(split(dataset, split), classes);
    int[] seen = new int[10];
    int[] rows = IntStream.range(0, data.size()).filter(i -> {
      int n = seen[data.labels()[i]]++;
      return n >= skip && n < skip + perClass;
    }).toArray();
    return data.select(rows, data.name() + "[after " + skip + "]");
  }
}
