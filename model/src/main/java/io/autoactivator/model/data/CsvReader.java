package io.autoactivator.model.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a labelled CSV table (plain or gzipped) into a {@link Dataset}.
 *
 * <p>Decisions, so that every caller gets the same table:
 * <ul>
 *   <li><b>Layout</b> ({@link Format}): a header row (the default, mlbench exports), no header (sklearn-digits:
 *       label in the last column unless told otherwise), or sklearn's format whose first line is
 *       {@code n_samples,n_features,class names...} and whose rows end with an integer label. {@link Format#AUTO}
 *       picks one from the first two lines: all-numeric first line means no header; an {@code n,d,names} first line
 *       whose {@code d} equals the row width minus one means sklearn; anything else is a header.</li>
 *   <li><b>Label column</b>: by header name, else by index (0-based; negative counts from the end, -1 = last);
 *       the default is the last column.</li>
 *   <li><b>Class ids</b>: the distinct label strings sorted (numerically when all of them are numbers, else
 *       lexicographically) and numbered 0..K-1, so the mapping does not depend on row order; the strings are kept
 *       as {@link Dataset#classNames()}. In the sklearn format the integer label is the id and the first line
 *       names the classes.</li>
 *   <li><b>Missing values</b>: an empty cell, {@code NA}, {@code ?} or {@code NaN} (quoted or not) in any used
 *       column skips the row; the count and the first {@value #REPORTED_LINES} line numbers are logged and
 *       returned in the {@link Report}.</li>
 *   <li><b>Categorical features</b>: a feature column is numeric when every non-missing cell parses as a number
 *       (quotes ignored, so R's quoted numeric factors such as {@code "0"} stay ordinal numbers). Any other column
 *       is categorical and, by default, one-hot encoded with one column per level (levels sorted, named
 *       {@code column=level}); {@link Categorical#REJECT} fails with the column's name instead.</li>
 * </ul>
 */
public final class CsvReader {

  /** How many skipped line numbers a report keeps. */
  public static final int REPORTED_LINES = 10;

  private static final Logger LOG = LoggerFactory.getLogger(CsvReader.class);

  /** Layout of the file's first line. */
  public enum Format { AUTO, HEADER, NO_HEADER, SKLEARN }

  /** What to do with a non-numeric feature column. */
  public enum Categorical { ONE_HOT, REJECT }

  /**
   * Reading options.
   *
   * @param format      layout of the first line
   * @param labelColumn header name or index of the label column ({@code null} = last column)
   * @param categorical policy for non-numeric feature columns
   */
  public record Options(Format format, String labelColumn, Categorical categorical) {
    public static Options defaults() {
      return new Options(Format.AUTO, null, Categorical.ONE_HOT);
    }

    public Options withLabelColumn(String column) {
      return new Options(format, column, categorical);
    }

    public Options withFormat(Format newFormat) {
      return new Options(newFormat, labelColumn, categorical);
    }

    public Options withCategorical(Categorical policy) {
      return new Options(format, labelColumn, policy);
    }
  }

  /**
   * What happened while reading.
   *
   * @param format             the layout used (resolved when {@link Format#AUTO} was asked)
   * @param labelColumn        name of the label column
   * @param rowsRead           data rows in the file
   * @param rowsSkipped        rows skipped for a missing value
   * @param firstSkippedLines  1-based line numbers of the first skipped rows
   * @param featureNames       names of the produced feature columns (after one-hot encoding)
   * @param oneHotColumns      source columns that were one-hot encoded
   */
  public record Report(Format format, String labelColumn, int rowsRead, int rowsSkipped,
      List<Integer> firstSkippedLines, List<String> featureNames, List<String> oneHotColumns) {
  }

  /** The table and the report. */
  public record Result(Dataset dataset, Report report) {
  }

  private CsvReader() {
  }

  /** Reads {@code file} with {@code options}. */
  public static Result read(Path file, Options options) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no CSV file at " + file.toAbsolutePath());
    }
    List<String[]> lines = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    try (BufferedReader reader = open(file)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (!line.isBlank()) {
          lines.add(split(line, file, number));
          lineNumbers.add(number);
        }
      }
    }
    if (lines.isEmpty()) {
      throw new IOException(file + " is empty");
    }
    Format format = options.format() == Format.AUTO ? detect(lines) : options.format();
    String[] header;
    int first;
    String[] sklearnNames = null;
    int width = lines.get(format == Format.SKLEARN ? Math.min(1, lines.size() - 1) : 0).length;
    switch (format) {
      case HEADER -> {
        header = Arrays.stream(lines.get(0)).map(CsvReader::unquote).toArray(String[]::new);
        first = 1;
      }
      case SKLEARN -> {
        String[] intro = lines.get(0);
        sklearnNames = Arrays.stream(intro, 2, intro.length).map(CsvReader::unquote).toArray(String[]::new);
        header = generatedNames(width);
        first = 1;
      }
      default -> {
        header = generatedNames(width);
        first = 0;
      }
    }
    width = header.length;
    int label = labelIndex(header, options.labelColumn(), file);

    // pass 1: which rows are complete, which columns are numeric
    int rows = lines.size() - first;
    boolean[] keep = new boolean[rows];
    int skipped = 0;
    List<Integer> skippedLines = new ArrayList<>();
    boolean[] numeric = new boolean[width];
    Arrays.fill(numeric, true);
    for (int r = 0; r < rows; r++) {
      String[] cells = lines.get(first + r);
      int lineNumber = lineNumbers.get(first + r);
      if (cells.length != width) {
        throw new IOException(file + " line " + lineNumber + " has " + cells.length + " fields, expected " + width);
      }
      boolean complete = true;
      for (int c = 0; c < width; c++) {
        if (isMissing(cells[c])) {
          complete = false;
        } else if (numeric[c] && parse(cells[c]) == null) {
          numeric[c] = false;
        }
      }
      keep[r] = complete;
      if (!complete) {
        skipped++;
        if (skippedLines.size() < REPORTED_LINES) {
          skippedLines.add(lineNumber);
        }
      }
    }
    if (skipped > 0) {
      LOG.warn("{}: skipped {} of {} rows with a missing value (NA or empty); first lines: {}", file, skipped, rows,
          skippedLines);
    }
    if (skipped == rows) {
      throw new IOException(file + ": every one of the " + rows + " rows has a missing value");
    }

    // feature columns, with the levels of categorical ones
    List<String> featureNames = new ArrayList<>();
    List<String> oneHot = new ArrayList<>();
    Map<Integer, List<String>> levels = new LinkedHashMap<>();
    for (int c = 0; c < width; c++) {
      if (c == label) {
        continue;
      }
      if (numeric[c]) {
        featureNames.add(header[c]);
        continue;
      }
      if (options.categorical() == Categorical.REJECT) {
        throw new IOException(file + ": feature column '" + header[c] + "' is not numeric (e.g. '"
            + firstNonNumeric(lines, first, keep, c) + "'); drop it or read with one-hot encoding");
      }
      TreeSet<String> distinct = new TreeSet<>();
      for (int r = 0; r < rows; r++) {
        if (keep[r]) {
          distinct.add(unquote(lines.get(first + r)[c]));
        }
      }
      levels.put(c, List.copyOf(distinct));
      oneHot.add(header[c]);
      for (String level : distinct) {
        featureNames.add(header[c] + "=" + level);
      }
    }

    // class ids
    String[] classNames;
    Map<String, Integer> classIds = new LinkedHashMap<>();
    if (format == Format.SKLEARN) {
      classNames = sklearnNames;
    } else {
      TreeSet<String> distinct = new TreeSet<>(numeric[label] ? Comparator.comparingDouble(CsvReader::parseOrNaN)
          .thenComparing(Comparator.naturalOrder()) : Comparator.<String>naturalOrder());
      for (int r = 0; r < rows; r++) {
        if (keep[r]) {
          distinct.add(unquote(lines.get(first + r)[label]));
        }
      }
      classNames = distinct.toArray(new String[0]);
      for (int k = 0; k < classNames.length; k++) {
        classIds.put(classNames[k], k);
      }
    }

    // pass 2: build rows
    int kept = rows - skipped;
    float[][] features = new float[kept][featureNames.size()];
    int[] labels = new int[kept];
    int out = 0;
    for (int r = 0; r < rows; r++) {
      if (!keep[r]) {
        continue;
      }
      String[] cells = lines.get(first + r);
      float[] row = features[out];
      int f = 0;
      for (int c = 0; c < width; c++) {
        if (c == label) {
          continue;
        }
        if (numeric[c]) {
          row[f++] = (float) (double) parse(cells[c]);
        } else {
          List<String> columnLevels = levels.get(c);
          row[f + columnLevels.indexOf(unquote(cells[c]))] = 1f;
          f += columnLevels.size();
        }
      }
      String labelText = unquote(cells[label]);
      if (format == Format.SKLEARN) {
        Double value = parse(labelText);
        if (value == null || value != Math.rint(value) || value < 0 || value >= classNames.length) {
          throw new IOException(file + " line " + lineNumbers.get(first + r) + ": label '" + labelText
              + "' is not a class index below " + classNames.length);
        }
        labels[out] = value.intValue();
      } else {
        labels[out] = classIds.get(labelText);
      }
      out++;
    }
    Report report = new Report(format, header[label], rows, skipped, List.copyOf(skippedLines),
        List.copyOf(featureNames), List.copyOf(oneHot));
    return new Result(new Dataset(file.getFileName().toString(), features, labels, classNames), report);
  }

  private static Format detect(List<String[]> lines) {
    String[] first = lines.get(0);
    if (Arrays.stream(first).allMatch(cell -> !isMissing(cell) && parse(cell) != null)) {
      return Format.NO_HEADER;
    }
    if (lines.size() > 1 && first.length >= 3 && isInteger(first[0]) && isInteger(first[1])
        && Integer.parseInt(first[1].trim()) == lines.get(1).length - 1) {
      return Format.SKLEARN;
    }
    return Format.HEADER;
  }

  private static boolean isInteger(String cell) {
    return cell.trim().matches("\\d+");
  }

  private static int labelIndex(String[] header, String column, Path file) throws IOException {
    if (column == null || column.isBlank()) {
      return header.length - 1;
    }
    for (int c = 0; c < header.length; c++) {
      if (unquote(header[c]).equals(column)) {
        return c;
      }
    }
    try {
      int index = Integer.parseInt(column.trim());
      int resolved = index < 0 ? header.length + index : index;
      if (resolved >= 0 && resolved < header.length) {
        return resolved;
      }
    } catch (NumberFormatException notAnIndex) {
      // fall through to the error
    }
    throw new IOException(file + " has no label column '" + column + "'; columns: "
        + Arrays.stream(header).map(CsvReader::unquote).toList() + " (or give a 0-based index)");
  }

  private static String firstNonNumeric(List<String[]> lines, int first, boolean[] keep, int column) {
    for (int r = 0; r < keep.length; r++) {
      String cell = lines.get(first + r)[column];
      if (keep[r] && parse(cell) == null) {
        return unquote(cell);
      }
    }
    return "?";
  }

  private static String[] generatedNames(int width) {
    String[] names = new String[width];
    for (int c = 0; c < width; c++) {
      names[c] = "c" + c;
    }
    return names;
  }

  static boolean isMissing(String cell) {
    String value = unquote(cell);
    return value.isEmpty() || value.equals("NA") || value.equals("?") || value.equalsIgnoreCase("NaN");
  }

  private static Double parse(String cell) {
    String value = unquote(cell);
    if (value.isEmpty()) {
      return null;
    }
    try {
      double parsed = Double.parseDouble(value);
      return Double.isFinite(parsed) ? parsed : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double parseOrNaN(String cell) {
    Double value = parse(cell);
    return value == null ? Double.NaN : value;
  }

  /** The cell's text without surrounding quotes (cells are stored as read, with quotes, by {@link #split}). */
  static String unquote(String cell) {
    String value = cell.trim();
    if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
      return value.substring(1, value.length() - 1).replace("\"\"", "\"");
    }
    return value;
  }

  /** Splits one line on commas outside double quotes; quotes are kept so that missing-value rules can see them. */
  static String[] split(String line, Path file, int number) throws IOException {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '"') {
        quoted = !quoted;
        cell.append(ch);
      } else if (ch == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    if (quoted) {
      throw new IOException(file + " line " + number + " has an unterminated quote");
    }
    cells.add(cell.toString());
    return cells.toArray(new String[0]);
  }

  private static BufferedReader open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream content = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new BufferedReader(new InputStreamReader(content, StandardCharsets.UTF_8), 1 << 16);
  }
}
