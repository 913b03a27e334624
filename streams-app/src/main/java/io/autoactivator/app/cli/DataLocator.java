package io.autoactivator.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the IDX files of MNIST or Fashion-MNIST. Looks, in order, in {@code --data DIR}, {@code $AUTOACTIVATOR_DATA},
 * the system property {@code autoactivator.data}, the Debian package's folder {@code /usr/share/datasets/<name>}
 * ({@code dataset-fashion-mnist}), then {@code ../shared/data}, {@code ./shared/data}, {@code ../../shared/data} and
 * {@code shared/data} in every further parent folder.
 * Each place may be the dataset folder itself or a folder holding {@code <name>/}. If none has the files, it tries
 * to download them from the official source into {@code ./data/<name>} with a short timeout, and otherwise fails
 * with a message that says exactly where to put which files.
 */
public final class DataLocator {

  private static final Logger log = LoggerFactory.getLogger(DataLocator.class);

  /** The four files of an IDX dataset. */
  public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
      "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

  /** Where each dataset can be downloaded from. */
  public static final Map<String, String> SOURCES = Map.of(
      "fashion-mnist", "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
      "mnist", "https://ossci-datasets.s3.amazonaws.com/mnist/");

  private final Map<String, String> environment;
  private final Path workingDir;
  private final Map<String, String> sources;
  private final Duration timeout;

  public DataLocator(Map<String, String> environment, Path workingDir, Map<String, String> sources,
      Duration timeout) {
    this.environment = environment;
    this.workingDir = workingDir;
    this.sources = sources;
    this.timeout = timeout;
  }

  /** The locator of the running process (the given environment, working directory, official sources, 10 s timeout). */
  public static DataLocator standard(Map<String, String> environment) {
    return new DataLocator(environment, Path.of("").toAbsolutePath(), SOURCES, Duration.ofSeconds(10));
  }

  /** The places looked at for {@code dataset}, in order. */
  public List<Path> candidates(String dataset, Path explicit) {
    Set<Path> roots = new LinkedHashSet<>();
    if (explicit != null) {
      roots.add(explicit);
    }
    for (String value : new String[] {environment.get("AUTOACTIVATOR_DATA"), System.getProperty("autoactivator.data")}) {
      if (value != null && !value.isBlank()) {
        roots.add(Path.of(value));
      }
    }
    roots.add(Path.of("/usr/share/datasets"));
    roots.add(workingDir.resolve("../shared/data"));
    roots.add(workingDir.resolve("shared/data"));
    roots.add(workingDir.resolve("../../shared/data"));
    for (Path up = workingDir.toAbsolutePath().normalize().getParent(); up != null; up = up.getParent()) {
      roots.add(up.resolve("shared/data"));
    }
    roots.add(workingDir.resolve("data"));
    List<Path> places = new ArrayList<>();
    for (Path root : roots) {
      Path normal = root.toAbsolutePath().normalize();
      places.add(normal);
      places.add(normal.resolve(dataset));
    }
    return places;
  }

  /**
   * The folder holding the four files of {@code dataset} ({@code mnist} or {@code fashion-mnist}).
   *
   * @param explicit the {@code --data} folder, or null
   * @throws DataNotFoundException saying where to put which files
   */
  public Path locate(String dataset, Path explicit) {
    List<Path> places = candidates(dataset, explicit);
    for (Path place : places) {
      if (hasAll(place)) {
        return place;
      }
    }
    if (explicit != null) {
      throw new DataNotFoundException(missingMessage(dataset, places, explicit.toAbsolutePath().normalize(), null));
    }
    Path target = workingDir.resolve("data").resolve(dataset).toAbsolutePath().normalize();
    String failure = download(dataset, target);
    if (failure == null) {
      return target;
    }
    throw new DataNotFoundException(missingMessage(dataset, places, target, failure));
  }

  private static boolean hasAll(Path dir) {
    for (String file : FILES) {
      String plain = file.substring(0, file.length() - 3);
      if (!Files.isRegularFile(dir.resolve(file)) && !Files.isRegularFile(dir.resolve(plain))) {
        return false;
      }
    }
    return true;
  }

  /** Downloads the four files into {@code target}; returns null on success, else why it failed. */
  String download(String dataset, Path target) {
    String base = sources.get(dataset);
    if (base == null) {
      return "no download source is known for " + dataset;
    }
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    try {
      Files.createDirectories(target);
      for (String file : FILES) {
        Path destination = target.resolve(file);
        if (Files.isRegularFile(destination)) {
          continue;
        }
        URI uri = URI.create(base + file);
        log.info("Downloading {}", uri);
        HttpResponse<InputStream> response = client.send(
            HttpRequest.newBuilder(uri).timeout(timeout.multipliedBy(6)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          response.body().close();
          return "downloading " + uri + " answered HTTP " + response.statusCode();
        }
        Path partial = target.resolve(file + ".part");
        try (InputStream in = response.body()) {
          Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(partial, destination, StandardCopyOption.REPLACE_EXISTING);
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "the download was interrupted";
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return "downloading from " + base + " failed (" + reason + "); this machine may have no internet access";
    }
  }

  static String missingMessage(String dataset, List<Path> places, Path suggestion, String downloadFailure) {
    StringBuilder m = new StringBuilder();
    m.append("The ").append(dataset).append(" dataset was not found.\n");
    m.append("Put these four files (gzipped or not) in ").append(suggestion).append(":\n");
    for (String file : FILES) {
      m.append("  ").append(file).append('\n');
    }
    m.append("or point --data DIR (or AUTOACTIVATOR_DATA) at a folder that holds them");
    if ("fashion-mnist".equals(dataset)) {
      m.append(", or install the Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)");
    }
    m.append(".\nLooked in:\n");
    for (Path place : places) {
      m.append("  ").append(place).append('\n');
    }
    if (downloadFailure != null) {
      m.append("Download: ").append(downloadFailure).append('\n');
    }
    return m.toString();
  }

  /** The dataset is not on this machine and could not be downloaded. */
  public static final class DataNotFoundException extends RuntimeException {
    public DataNotFoundException(String message) {
      super(message);
    }
  }
}
