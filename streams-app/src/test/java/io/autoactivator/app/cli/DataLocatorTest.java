package io.autoactivator.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLocatorTest {

  @TempDir
  Path dir;

  private DataLocator locator(Map<String, String> env) {
    // an address that refuses connections: the "no internet" case, without relying on the network
    return new DataLocator(env, dir.resolve("work"), Map.of("fashion-mnist", "http://127.0.0.1:9/fashion/"),
        Duration.ofSeconds(2));
  }

  @Test
  void findsTheDatasetUnderARootOrInTheFolderItself() throws Exception {
    Path root = dir.resolve("data");
    Path fashion = Files.createDirectories(root.resolve("fashion-mnist"));
    for (String file : DataLocator.FILES) {
      Files.write(fashion.resolve(file), new byte[] {1});
    }
    assertThat(locator(Map.of("AUTOACTIVATOR_DATA", root.toString())).locate("fashion-mnist", null))
        .isEqualTo(fashion.toAbsolutePath());
    assertThat(locator(Map.of()).locate("fashion-mnist", fashion)).isEqualTo(fashion.toAbsolutePath());
  }

  @Test
  void saysWhereToPutWhichFilesWhenNothingIsFoundAndTheDownloadFails() {
    String previous = System.getProperty("autoactivator.data");
    System.clearProperty("autoactivator.data");
    try {
      assertThatThrownBy(() -> locator(Map.of()).locate("fashion-mnist", null))
          .isInstanceOf(DataLocator.DataNotFoundException.class)
          .hasMessageContaining("The fashion-mnist dataset was not found")
          .hasMessageContaining("Put these four files (gzipped or not) in "
              + dir.resolve("work/data/fashion-mnist").toAbsolutePath())
          .hasMessageContaining("train-images-idx3-ubyte.gz")
          .hasMessageContaining("t10k-labels-idx1-ubyte.gz")
          .hasMessageContaining("AUTOACTIVATOR_DATA")
          .hasMessageContaining("dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)")
          .hasMessageContaining(dir.resolve("work/shared/data").toAbsolutePath().normalize().toString())
          .hasMessageContaining("Download: downloading from http://127.0.0.1:9/fashion/ failed")
          .hasMessageContaining("no internet access");
    } finally {
      if (previous != null) {
        System.setProperty("autoactivator.data", previous);
      }
    }
  }

  @Test
  void anExplicitFolderWithoutTheFilesIsNotReplacedByADownload() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> locator(Map.of()).locate("mnist", empty))
        .hasMessageContaining("Put these four files (gzipped or not) in " + empty.toAbsolutePath())
        .hasMessageNotContaining("Download:");
  }
}
