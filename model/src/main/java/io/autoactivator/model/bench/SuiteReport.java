package io.autoactivator.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.autoactivator.model.metrics.Stat;

/**
 * Renders a {@link BenchmarkSuite} run as one table (dataset x method: ACC, BWT, params, training seconds, notes),
 * a JSON document and a PNG bar chart of ACC per dataset and method.
 *
 * <p>JSON: {@code {"datasets": [{"dataset", "name", "tasks", "classes_per_task", "seconds", "error", "methods":
 * [{"method", "acc", "bwt", "params", "train_seconds", "capped", "note", "error"}]}], "seconds"}}, fractions in
 * [0,1], null where a figure does not apply or a run failed.
 */
public final class SuiteReport {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String FORMAT = "%-24s | %-7s | %-28s | %6s | %6s | %11s | %8s%n";

  private SuiteReport() {
  }

  /** The one table, with the notes (capped sizes) and errors under it. */
  public static String table(List<BenchmarkSuite.Entry> entries) {
    StringBuilder out = new StringBuilder();
    int orders = entries.stream().filter(e -> e.result() != null).mapToInt(e -> e.result().orders()).max().orElse(1);
    out.append(orders == 1 ? "bench --suite: one class order" : "bench --suite: mean of " + orders + " class orders")
        .append(", default options; ACC and BWT in %, per-sample class-IL (no task id)\n");
    out.append(String.format(Locale.ROOT, FORMAT, "dataset", "tasks", "method", "ACC", "BWT", "params", "train s"));
    out.append("-".repeat(106)).append('\n');
    List<String> notes = new ArrayList<>();
    for (BenchmarkSuite.Entry e : entries) {
      String split = e.tasks() + "x" + e.classesPerTask();
      if (e.result() == null) {
        out.append(String.format(Locale.ROOT, FORMAT, e.dataset(), split, "(dataset FAILED)", "", "", "", ""));
        notes.add(e.dataset() + ": " + e.error());
        continue;
      }
      for (BenchmarkResult.MethodResult m : e.result().methods()) {
        out.append(String.format(Locale.ROOT, FORMAT, e.result().dataset(), split, BenchmarkReport.label(m),
            percent(m.acc()), percent(m.bwt()), count(m.params()), seconds(m.trainSeconds())));
        if (!m.note().isEmpty()) {
          notes.add(e.result().dataset() + " " + m.name() + ": " + m.note());
        }
        if (m.error() != null) {
          notes.add(e.result().dataset() + " " + m.name() + " FAILED in " + m.error());
        }
      }
    }
    double total = entries.stream().mapToDouble(BenchmarkSuite.Entry::seconds).sum();
    out.append(String.format(Locale.ROOT, "%d datasets in %.0f s (loading and evaluation included)%n",
        entries.size(), total));
    notes.forEach(n -> out.append("  ").append(n).append('\n'));
    return out.toString();
  }

  /** The JSON document. */
  public static ObjectNode json(List<BenchmarkSuite.Entry> entries) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode datasets = root.putArray("datasets");
    double total = 0;
    for (BenchmarkSuite.Entry e : entries) {
      total += e.seconds();
      ObjectNode d = datasets.addObject();
      d.put("dataset", e.dataset());
      d.put("name", e.result() == null ? e.dataset() : e.result().dataset());
      d.put("tasks", e.tasks());
      d.put("classes_per_task", e.classesPerTask());
      d.put("seconds", e.seconds());
      text(d, "error", e.error());
      ArrayNode methods = d.putArray("methods");
      if (e.result() == null) {
        continue;
      }
      for (BenchmarkResult.MethodResult m : e.result().methods()) {
        ObjectNode o = methods.addObject();
        o.put("method", m.name());
        o.put("joint", m.joint());
        number(o, "acc", m.acc().mean());
        number(o, "bwt", m.bwt().mean());
        number(o, "params", m.params().mean());
        number(o, "train_seconds", m.trainSeconds().mean());
        o.put("capped", m.capped());
        o.put("note", m.note());
        text(o, "error", m.error());
      }
    }
    root.put("seconds", total);
    return root;
  }

  /** Writes {@link #json} to {@code file}. */
  public static void writeJson(List<BenchmarkSuite.Entry> entries, Path file) throws IOException {
    createParent(file);
    JSON.writeValue(file.toFile(), json(entries));
  }

  /** A bar chart: ACC (%) per dataset, one bar per method; failed runs have no bar. Works headless. */
  public static void writePlot(List<BenchmarkSuite.Entry> entries, Path file) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<String> names = new ArrayList<>();
    Set<String> methods = new LinkedHashSet<>();
    for (BenchmarkSuite.Entry e : entries) {
      if (e.result() != null) {
        names.add(e.result().dataset().replace(".csv.gz", "").replace(".csv", ""));
        e.result().methods().forEach(m -> methods.add(m.name()));
      }
    }
    CategoryChart chart = new CategoryChartBuilder().width(1200).height(600).title("bench --suite: ACC per dataset")
        .xAxisTitle("dataset").yAxisTitle("ACC (%)").build();
    chart.getStyler().setXAxisLabelRotation(30);
    for (String method : methods) {
      List<Double> values = new ArrayList<>();
      for (BenchmarkSuite.Entry e : entries) {
        if (e.result() == null) {
          continue;
        }
        double acc = e.result().methods().stream().filter(m -> m.name().equals(method)).findFirst()
            .map(m -> m.acc().mean()).orElse(Double.NaN);
        values.add(Double.isFinite(acc) ? 100 * acc : 0.0);
      }
      if (!names.isEmpty()) {
        chart.addSeries(method, names, values);
      }
    }
    createParent(file);
    String name = file.toString();
    String base = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
  }

  private static String percent(Stat stat) {
    return Double.isNaN(stat.mean()) ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * stat.mean());
  }

  private static String count(Stat stat) {
    return Double.isNaN(stat.mean()) ? "n/a" : String.format(Locale.ROOT, "%,d", Math.round(stat.mean()));
  }

  private static String seconds(Stat stat) {
    return Double.isNaN(stat.mean()) ? "n/a" : String.format(Locale.ROOT, "%.1f", stat.mean());
  }

  private static void number(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  private static void text(ObjectNode node, String key, String value) {
    if (value == null) {
      node.putNull(key);
    } else {
      node.put(key, value);
    }
  }

  private static void createParent(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
  }
}
