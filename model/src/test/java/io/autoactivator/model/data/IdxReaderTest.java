package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir
  Path dir;

  @Test
  void readsGzippedAndPlainFilesWithPixelsScaledToUnitRange() throws IOException {
    writeImages(dir.resolve("train-images-idx3-ubyte.gz"), true, new byte[][] {{0, (byte) 255, 51, 102}});
    writeLabels(dir.resolve("train-labels-idx1-ubyte"), false, new byte[] {7});

    Dataset data = IdxReader.readSplit(dir, "train");

    assertThat(data.size()).isEqualTo(1);
    assertThat(data.features()[0]).containsExactly(0f, 1f, 0.2f, 0.4f);
    assertThat(data.labels()).containsExactly(7);
  }

  @Test
  void truncatedFilesFailNamingTheFileAndRecord() throws IOException {
    Path images = dir.resolve("x-images-idx3-ubyte");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(images))) {
      out.writeInt(2051);
      out.writeInt(3);
      out.writeInt(2);
      out.writeInt(2);
      out.write(new byte[6]);
    }
    assertThatThrownBy(() -> IdxReader.readImages(images))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("x-images-idx3-ubyte")
        .hasMessageContaining("truncated at record 1");
  }

  @Test
  void wrongMagicIsRejected() throws IOException {
    Path labels = dir.resolve("labels");
    writeLabels(labels, false, new byte[] {1});
    assertThatThrownBy(() -> IdxReader.readImages(labels)).hasMessageContaining("not an IDX image file");
  }

  @Test
  void missingFilesSayWhereTheyWereLookedFor() {
    assertThatThrownBy(() -> IdxReader.readSplit(dir, "t10k"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("t10k-images-idx3-ubyte");
  }

  @Test
  void readsTheRealMnistTestSplit() throws IOException {
    Path mnist = SharedData.root().orElseThrow().resolve("mnist");
    Dataset test = IdxReader.readSplit(mnist, "t10k");
    assertThat(test.size()).isEqualTo(10000);
    assertThat(test.dimension()).isEqualTo(784);
    assertThat(java.util.Arrays.stream(test.labels()).filter(l -> l == 1).count()).isEqualTo(1135);
  }

  private static void writeImages(Path file, boolean gzip, byte[][] images) throws IOException {
    try (DataOutputStream out = new DataOutputStream(stream(file, gzip))) {
      out.writeInt(2051);
      out.writeInt(images.length);
      out.writeInt(2);
      out.writeInt(2);
      for (byte[] image : images) {
        out.write(image);
      }
    }
  }

  private static void writeLabels(Path file, boolean gzip, byte[] labels) throws IOException {
    try (DataOutputStream out = new DataOutputStream(stream(file, gzip))) {
      out.writeInt(2049);
      out.writeInt(labels.length);
      out.write(labels);
    }
  }

  private static OutputStream stream(Path file, boolean gzip) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    return gzip ? new GZIPOutputStream(out) : out;
  }
}
