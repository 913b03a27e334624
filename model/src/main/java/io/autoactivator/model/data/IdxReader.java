package io.autoactivator.model.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST (images {@code idx3-ubyte}, labels {@code idx1-ubyte}), gzipped
 * or not. Pixels are scaled to [0,1] floats, one flattened row per image, which is the input the paper's MLP
 * setting uses.
 */
public final class IdxReader {

  private static final int IMAGES_MAGIC = 2051;
  private static final int LABELS_MAGIC = 2049;

  private IdxReader() {
  }

  /**
   * Reads one split of an MNIST-style folder: {@code split} is {@code "train"} or {@code "t10k"}; each file is looked
   * up with and without {@code .gz}.
   */
  public static Dataset readSplit(Path directory, String split) throws IOException {
    Path images = locate(directory, split + "-images-idx3-ubyte");
    Path labels = locate(directory, split + "-labels-idx1-ubyte");
    float[][] features = readImages(images);
    int[] classes = readLabels(labels);
    if (features.length != classes.length) {
      throw new IOException(images + " holds " + features.length + " images but " + labels + " holds "
          + classes.length + " labels");
    }
    return new Dataset(directory.getFileName() + "/" + split, features, classes, new String[0]);
  }

  /** The "ROWSxCOLS" shape in the header of a split's image file ({@code split} "train" or "t10k"). */
  public static String imageShape(Path directory, String split) throws IOException {
    Path file = locate(directory, split + "-images-idx3-ubyte");
    try (DataInputStream in = open(file)) {
      if (in.readInt() != IMAGES_MAGIC) {
        throw new IOException(file + " is not an IDX image file");
      }
      in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows <= 0 || cols <= 0) {
        throw new IOException(file + " has an invalid header: images of " + rows + "x" + cols);
      }
      return rows + "x" + cols;
    }
  }

  /** Reads an {@code idx3-ubyte} image file into rows of {@code rows*cols} floats in [0,1]. */
  public static float[][] readImages(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGES_MAGIC) {
        throw new IOException(file + " is not an IDX image file (magic " + magic + ", expected " + IMAGES_MAGIC + ")");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows <= 0 || cols <= 0) {
        throw new IOException(file + " has an invalid header: " + count + " images of " + rows + "x" + cols);
      }
      byte[] pixels = new byte[rows * cols];
      float[][] images = new float[count][rows * cols];
      for (int i = 0; i < count; i++) {
        readFully(in, pixels, file, i);
        float[] row = images[i];
        for (int p = 0; p < pixels.length; p++) {
          row[p] = (pixels[p] & 0xFF) / 255f;
        }
      }
      return images;
    }
  }

  /** Reads an {@code idx1-ubyte} label file. */
  public static int[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABELS_MAGIC) {
        throw new IOException(file + " is not an IDX label file (magic " + magic + ", expected " + LABELS_MAGIC + ")");
      }
      int count = in.readInt();
      if (count < 0) {
        throw new IOException(file + " has an invalid header: " + count + " labels");
      }
      byte[] bytes = new byte[count];
      readFully(in, bytes, file, 0);
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = bytes[i] & 0xFF;
      }
      return labels;
    }
  }

  private static void readFully(DataInputStream in, byte[] into, Path file, int record) throws IOException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated at record " + record, e);
    }
  }

  private static Path locate(Path directory, String baseName) throws IOException {
    for (String candidate : new String[] {baseName + ".gz", baseName}) {
      Path path = directory.resolve(candidate);
      if (Files.isRegularFile(path)) {
        return path;
      }
    }
    throw new NoSuchFileException(directory.resolve(baseName + ".gz").toString(), null,
        "neither " + baseName + " nor " + baseName + ".gz is in " + directory.toAbsolutePath());
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream content = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(content, 1 << 16));
  }
}
