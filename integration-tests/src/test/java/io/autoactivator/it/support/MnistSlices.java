package io.autoactivator.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;

/**
 * Small, reproducible slices of the real MNIST (../shared/data/mnist, via the {@code autoactivator.data} property
 * the build sets): the first N training images of each class for training, the first M test images of each class
 * as held-out queries.
 */
public final class MnistSlices {

  private static Dataset train;
  private static Dataset test;

  private MnistSlices() {
  }

  /** Rows and labels of one slice, in dataset order. */
  public record Slice(float[][] features, int[] labels) {

    public int size() {
      return labels.length;
    }
  }

  /** The first {@code perClass} training images of each class in {@code classes}. */
  public static Slice train(int perClass, int... classes) {
    return of(train(), perClass, classes);
  }

  /** The first {@code perClass} test (t10k) images of each class in {@code classes}. */
  public static Slice heldOut(int perClass, int... classes) {
    return of(test(), perClass, classes);
  }

  private static Slice of(Dataset dataset, int perClass, int[] classes) {
    Dataset slice = dataset.firstPerClass(perClass);
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int i = 0; i < slice.size(); i++) {
      int label = slice.labels()[i];
      if (Arrays.stream(classes).anyMatch(c -> c == label)) {
        rows.add(slice.features()[i]);
        labels.add(label);
      }
    }
    return new Slice(rows.toArray(float[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
  }

  private static synchronized Dataset train() {
    if (train == null) {
      train = read("train");
    }
    return train;
  }

  private static synchronized Dataset test() {
    if (test == null) {
      test = read("t10k");
    }
    return test;
  }

  private static Dataset read(String split) {
    Path root = SharedData.root().orElseThrow(() -> new IllegalStateException(
        "MNIST not found: set -Dautoactivator.data (the build points it at ../shared/data)"));
    try {
      return IdxReader.readSplit(root.resolve("mnist"), split);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
