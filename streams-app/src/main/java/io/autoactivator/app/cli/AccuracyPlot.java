package io.autoactivator.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The demo's chart: accuracy on every class seen so far after each task, and on each task's own classes. */
final class AccuracyPlot {

  private AccuracyPlot() {
  }

  /**
   * Writes a PNG.
   *
   * @param matrix  {@code matrix[t][j]}: accuracy (0..1) on task j's test data after learning task t (j <= t)
   * @param average accuracy on all classes seen after task t
   */
  static void write(Path file, String title, List<String> taskIds, double[][] matrix, double[] average)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("tasks learned").yAxisTitle("accuracy (%)").build();
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0).setXAxisDecimalPattern("0")
        .setChartBackgroundColor(java.awt.Color.WHITE);
    List<Double> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    for (int t = 0; t < average.length; t++) {
      x.add((double) t + 1);
      y.add(100 * average[t]);
    }
    XYSeries all = chart.addSeries("all classes seen", x, y);
    all.setMarker(SeriesMarkers.CIRCLE);
    for (int j = 0; j < taskIds.size(); j++) {
      List<Double> tx = new ArrayList<>();
      List<Double> ty = new ArrayList<>();
      for (int t = j; t < matrix.length; t++) {
        tx.add((double) t + 1);
        ty.add(100 * matrix[t][j]);
      }
      if (!tx.isEmpty()) {
        chart.addSeries(taskIds.get(j), tx, ty).setMarker(SeriesMarkers.DIAMOND);
      }
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
