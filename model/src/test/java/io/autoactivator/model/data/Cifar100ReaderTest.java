package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar100ReaderTest {

  @TempDir
  Path dir;

  @Test
  void readsFineOrCoarseLabelsAndScalesPixels() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("cifar-100-binary"));
    try (OutputStream out = Files.newOutputStream(folder.resolve("train.bin"))) {
      for (int r = 0; r < 3; r++) {
        byte[] record = new byte[Cifar100Reader.RECORD];
        record[0] = (byte) (r + 1);     // coarse
        record[1] = (byte) (97 + r);    // fine: 97, 98, 99
        record[2] = (byte) 255;         // first red pixel
        record[2 + 1024] = (byte) 51;   // first green pixel
        out.write(record);
      }
    }
    Dataset fine = Cifar100Reader.readSplit(dir, "train", Cifar100Reader.Labels.FINE);
    assertThat(fine.size()).isEqualTo(3);
    assertThat(fine.dimension()).isEqualTo(3072);
    assertThat(fine.labels()).containsExactly(97, 98, 99);
    assertThat(fine.features()[0][0]).isEqualTo(1f);
    assertThat(fine.features()[0][1024]).isEqualTo(0.2f);
    assertThat(fine.features()[0][1]).isEqualTo(0f);
    Dataset coarse = Cifar100Reader.readSplit(dir, "train", Cifar100Reader.Labels.COARSE);
    assertThat(coarse.labels()).containsExactly(1, 2, 3);
  }

  @Test
  void truncatedAndMissingFilesFailClearly() throws IOException {
    Path file = dir.resolve("test.bin");
    Files.write(file, new byte[Cifar100Reader.RECORD + 10]);
    assertThatThrownBy(() -> Cifar100Reader.read(file, Cifar100Reader.Labels.FINE))
        .hasMessageContaining("truncated in record 1");
    assertThatThrownBy(() -> Cifar100Reader.readSplit(dir, "train", Cifar100Reader.Labels.FINE))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("cifar-100-binary");
  }
}
