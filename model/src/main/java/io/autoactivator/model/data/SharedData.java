package io.autoactivator.model.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the project's real datasets: the system property {@code autoactivator.data} (set by the build for tests),
 * the environment variable {@code AUTOACTIVATOR_DATA}, then {@code ../shared/data} from the working directory.
 */
public final class SharedData {

  private SharedData() {
  }

  /** The data root, if one of the known places exists. */
  public static Optional<Path> root() {
    String[] candidates = {System.getProperty("autoactivator.data"), System.getenv("AUTOACTIVATOR_DATA"),
        "../shared/data", "../../shared/data"};
    for (String candidate : candidates) {
      if (candidate != null && !candidate.isBlank() && Files.isDirectory(Path.of(candidate))) {
        return Optional.of(Path.of(candidate).toAbsolutePath().normalize());
      }
    }
    return Optional.empty();
  }
}
