package io.autoactivator.model.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the CIFAR-100 binary format ({@code cifar-100-binary/train.bin}, {@code test.bin}): each record is one byte
 * coarse label, one byte fine label and 3072 bytes of pixels (1024 red, 1024 green, 1024 blue, row-major 32x32).
 * Pixels are scaled to [0,1] in file order (channel-major, as stored). Labels are the 100 fine classes unless
 * coarse labels are asked for. The dataset is not on the project machines (shared/data/README.md); this reader is
 * for machines that have it.
 */
public final class Cifar100Reader {

  /** Bytes of pixels per image. */
  public static final int PIXELS = 3 * 32 * 32;
  /** Bytes per record. */
  public static final int RECORD = 2 + PIXELS;

  private Cifar100Reader() {
  }

  /** Which label of the record to use. */
  public enum Labels { FINE, COARSE }

  /**
   * Reads one split from a folder holding {@code <split>.bin} (or {@code .bin.gz}), directly or in a
   * {@code cifar-100-binary} subfolder. {@code split} is {@code train} or {@code test}.
   */
  public static Dataset readSplit(Path directory, String split, Labels labels) throws IOException {
    List<Path> tried = new ArrayList<>();
    for (Path folder : new Path[] {directory, directory.resolve("cifar-100-binary")}) {
      for (String name : new String[] {split + ".bin", split + ".bin.gz"}) {
        Path candidate = folder.resolve(name);
        tried.add(candidate);
        if (Files.isRegularFile(candidate)) {
          return read(candidate, labels);
        }
      }
    }
    throw new NoSuchFileException(tried.get(0).toString(), null, "CIFAR-100 " + split + " split not found; looked for "
        + tried);
  }

  /** Reads every record of {@code file}. */
  public static Dataset read(Path file, Labels which) throws IOException {
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    byte[] record = new byte[RECORD];
    try (InputStream in = open(file)) {
      while (true) {
        int read = in.readNBytes(record, 0, RECORD);
        if (read == 0) {
          break;
        }
        if (read < RECORD) {
          throw new IOException(file + " is truncated in record " + rows.size() + " (" + read + " of " + RECORD
              + " bytes)");
        }
        int label = (which == Labels.FINE ? record[1] : record[0]) & 0xFF;
        int limit = which == Labels.FINE ? 100 : 20;
        if (label >= limit) {
          throw new IOException(file + " record " + rows.size() + " has " + which + " label " + label
              + " (expected < " + limit + "); is this a CIFAR-100 binary file?");
        }
        float[] row = new float[PIXELS];
        for (int p = 0; p < PIXELS; p++) {
          row[p] = (record[2 + p] & 0xFF) / 255f;
        }
        rows.add(row);
        labels.add(label);
      }
    }
    return new Dataset(file.getFileName().toString(), rows.toArray(new float[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray(), new String[0]);
  }

  private static InputStream open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    return (b0 == 0x1f && b1 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
  }
}
