package io.autoactivator.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.autoactivator.model.metrics.Stat;

/**
 * Renders a {@link BenchmarkResult}: a text table (percentages, mean ± std over orders), a JSON document (fractions
 * in [0,1]; "does not apply" is null) and a PNG plot of the accuracy after each task.
 *
 * <p>JSON: {@code {"dataset", "tasks", "classes_per_task", "orders", "methods": {"<name>": {"acc", "aia", "bwt",
 * "forgetting", "task_id_accuracy", "units", "params", "train_seconds"} (each mean) plus "<figure>_std",
 * "options", "capped", "note" (what the bench changed, e.g. a capped size), "error" (null unless it failed),
 * and "per_order": [{"order", "class_order", "joint", "acc", "aia", "bwt", "forgetting",
 * "task_id_accuracy", "units", "units_per_task", "params", "train_seconds", "train_seconds_per_task",
 * "accuracy_after_task", "matrix"}]}}}.
 */
public final class BenchmarkReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchmarkReport() {
  }

  /** The summary table. */
  public static String table(BenchmarkResult result) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%s, %d tasks x %d classes, %d order(s); accuracies in %%, mean ± std over"
        + " orders%n", result.dataset(), result.tasks(), result.classesPerTask(), result.orders()));
    String format = "%-22s | %-12s | %-12s | %-13s | %-12s | %-12s | %-9s | %-11s | %-10s%n";
    out.append(String.format(Locale.ROOT, format, "method", "ACC", "AIA", "BWT", "forgetting", "task-id acc", "units",
        "params", "train s"));
    out.append("-".repeat(136)).append('\n');
    for (BenchmarkResult.MethodResult m : result.methods()) {
      out.append(String.format(Locale.ROOT, format, label(m),
          m.acc().format(100, 1), m.aia().format(100, 1), m.bwt().format(100, 1), m.forgetting().format(100, 1),
          m.taskIdAccuracy().format(100, 1), count(m.units()), count(m.params()),
          String.format(Locale.ROOT, "%.1f", m.trainSeconds().mean())));
    }
    for (BenchmarkResult.MethodResult m : result.methods()) {
      if (!m.note().isEmpty()) {
        out.append("  ").append(m.name()).append(": ").append(m.note()).append('\n');
      }
      if (m.error() != null) {
        out.append("  ").append(m.name()).append(" FAILED in ").append(m.error()).append('\n');
      }
    }
    return out.toString();
  }

  /** The method's name in tables: marked when it is the joint upper bound, was capped or failed. */
  static String label(BenchmarkResult.MethodResult m) {
    return m.name() + (m.joint() ? " (upper bd)" : "") + (m.capped() ? " (capped)" : "")
        + (m.error() != null ? " (FAILED)" : "");
  }

  private static String count(Stat stat) {
    return Double.isNaN(stat.mean()) ? "n/a" : String.format(Locale.ROOT, "%,d", Math.round(stat.mean()));
  }

  /** The JSON document. */
  public static ObjectNode json(BenchmarkResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("dataset", result.dataset());
    root.put("tasks", result.tasks());
    root.put("classes_per_task", result.classesPerTask());
    root.put("orders", result.orders());
    ObjectNode methods = root.putObject("methods");
    for (BenchmarkResult.MethodResult m : result.methods()) {
      ObjectNode node = methods.putObject(m.name());
      put(node, "acc", m.acc());
      put(node, "aia", m.aia());
      put(node, "bwt", m.bwt());
      put(node, "forgetting", m.forgetting());
      put(node, "task_id_accuracy", m.taskIdAccuracy());
      put(node, "units", m.units());
      put(node, "params", m.params());
      put(node, "train_seconds", m.trainSeconds());
      node.put("joint", m.joint());
      node.put("capped", m.capped());
      node.put("note", m.note());
      if (m.error() != null) {
        node.put("error", m.error());
      } else {
        node.putNull("error");
      }
      ObjectNode options = node.putObject("options");
      m.options().forEach(options::put);
      ArrayNode perOrder = node.putArray("per_order");
      for (BenchmarkResult.OrderResult r : m.runs()) {
        ObjectNode o = perOrder.addObject();
        o.put("order", r.order());
        ArrayNode classOrder = o.putArray("class_order");
        for (int c : r.classOrder()) {
          classOrder.add(c);
        }
        o.put("joint", r.joint());
        number(o, "acc", r.acc());
        number(o, "aia", r.aia());
        number(o, "bwt", r.bwt());
        number(o, "forgetting", r.forgetting());
        number(o, "task_id_accuracy", r.taskIdAccuracy());
        o.put("units", r.units());
        ArrayNode units = o.putArray("units_per_task");
        for (int u : r.unitsPerTask()) {
          units.add(u);
        }
        o.put("params", r.params());
        number(o, "train_seconds", r.trainSeconds());
        numbers(o.putArray("train_seconds_per_task"), r.trainSecondsPerTask());
        numbers(o.putArray("accuracy_after_task"), r.accuracyAfterTask());
        ArrayNode matrix = o.putArray("matrix");
        for (double[] row : r.matrix()) {
          numbers(matrix.addArray(), row);
        }
      }
    }
    return root;
  }

  /** Writes {@link #json} to {@code file}. */
  public static void writeJson(BenchmarkResult result, Path file) throws IOException {
    createParent(file);
    JSON.writeValue(file.toFile(), json(result));
  }

  /**
   * Plots the mean (over orders) accuracy on the seen tasks after each task, one line per method; the joint upper
   * bound is a single point at the last task. Works headless.
   */
  public static void writePlot(BenchmarkResult result, Path file) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    XYChart chart = new XYChartBuilder().width(800).height(500)
        .title(result.dataset() + ": " + result.tasks() + " tasks x " + result.classesPerTask() + " classes")
        .xAxisTitle("tasks learned").yAxisTitle("accuracy on seen classes (%)").build();
    for (BenchmarkResult.MethodResult m : result.methods()) {
      if (m.runs().isEmpty()) {
        continue; // failed in order 0: nothing to plot
      }
      int points = m.runs().get(0).accuracyAfterTask().length;
      double[] x = new double[points];
      double[] y = new double[points];
      for (int i = 0; i < points; i++) {
        x[i] = m.joint() ? result.tasks() : i + 1;
        int index = i;
        y[i] = 100 * Stat.of(m.runs().stream().mapToDouble(r -> r.accuracyAfterTask()[index]).toArray()).mean();
      }
      chart.addSeries(m.name(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    createParent(file);
    String name = file.toString();
    String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }

  private static void put(ObjectNode node, String key, Stat stat) {
    number(node, key, stat.mean());
    number(node, key + "_std", stat.std());
  }

  private static void number(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  private static void numbers(ArrayNode array, double[] values) {
    for (double v : values) {
      if (Double.isFinite(v)) {
        array.add(v);
      } else {
        array.addNull();
      }
    }
  }
}
