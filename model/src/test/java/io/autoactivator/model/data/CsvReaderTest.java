package io.autoactivator.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

  @TempDir
  Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = name.endsWith(".gz") ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  @Test
  void readsHeaderGzipLabelByNameAndSkipsMissingRows() throws IOException {
    Path file = write("t.csv.gz", """
        "a","Class","b"
        1.5,"x",2
        NA,"y",3
        2.5,"y",
        3.5,"b",4
        """);
    CsvReader.Result result = CsvReader.read(file, CsvReader.Options.defaults().withLabelColumn("Class"));

    assertThat(result.report().format()).isEqualTo(CsvReader.Format.HEADER);
    assertThat(result.report().rowsRead()).isEqualTo(4);
    assertThat(result.report().rowsSkipped()).isEqualTo(2);
    assertThat(result.report().firstSkippedLines()).containsExactly(3, 4);
    assertThat(result.report().featureNames()).containsExactly("a", "b");
    Dataset data = result.dataset();
    assertThat(data.features()).isDeepEqualTo(new float[][] {{1.5f, 2f}, {3.5f, 4f}});
    // classes sorted: "b" -> 0, "x" -> 1 ("y" only occurs in skipped rows)
    assertThat(data.classNames()).containsExactly("b", "x");
    assertThat(data.labels()).containsExactly(1, 0);
  }

  @Test
  void oneHotEncodesCategoricalColumnsOrRejectsThem() throws IOException {
    Path file = write("c.csv", """
        colour,size,label
        "red",1,"1"
        "blue",2,"2"
        "red",3,"10"
        """);
    CsvReader.Result result = CsvReader.read(file, CsvReader.Options.defaults());
    assertThat(result.report().oneHotColumns()).containsExactly("colour");
    assertThat(result.report().featureNames()).containsExactly("colour=blue", "colour=red", "size");
    assertThat(result.dataset().features()[1]).containsExactly(1f, 0f, 2f);
    // numeric labels are sorted numerically: 1, 2, 10
    assertThat(result.dataset().classNames()).containsExactly("1", "2", "10");
    assertThat(result.dataset().labels()).containsExactly(0, 1, 2);

    assertThatThrownBy(() -> CsvReader.read(file,
        CsvReader.Options.defaults().withCategorical(CsvReader.Categorical.REJECT)))
        .isInstanceOf(IOException.class).hasMessageContaining("'colour' is not numeric");
  }

  @Test
  void unknownLabelColumnListsTheColumnsAndMissingFileSaysWhere() throws IOException {
    Path file = write("d.csv", "a,b\n1,2\n");
    assertThatThrownBy(() -> CsvReader.read(file, CsvReader.Options.defaults().withLabelColumn("Kind")))
        .hasMessageContaining("no label column 'Kind'").hasMessageContaining("[a, b]");
    assertThatThrownBy(() -> CsvReader.read(dir.resolve("none.csv"), CsvReader.Options.defaults()))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("none.csv");
  }

  @Test
  void labelColumnByIndex() throws IOException {
    Path file = write("i.csv", "k,a,b\n\"p\",1,2\n\"q\",3,4\n");
    Dataset data = CsvReader.read(file, CsvReader.Options.defaults().withLabelColumn("0")).dataset();
    assertThat(data.classNames()).containsExactly("p", "q");
    assertThat(data.features()[1]).containsExactly(3f, 4f);
  }

  @Test
  void readsRealMlbenchSoybeanWithMissingValuesAndLabelFirst() throws IOException {
    Path file = SharedData.root().orElseThrow().resolve("tabular/mlbench-Soybean.csv.gz");
    CsvReader.Result result = CsvReader.read(file, CsvReader.Options.defaults().withLabelColumn("Class"));
    assertThat(result.report().rowsRead()).isEqualTo(683);
    assertThat(result.report().rowsSkipped()).isPositive();
    assertThat(result.report().firstSkippedLines()).hasSizeLessThanOrEqualTo(CsvReader.REPORTED_LINES);
    assertThat(result.dataset().size()).isEqualTo(683 - result.report().rowsSkipped());
    assertThat(result.dataset().dimension()).isEqualTo(35); // quoted numeric factors stay ordinal numbers
    assertThat(result.dataset().classNames()).contains("diaporthe-stem-canker");
  }

  @Test
  void readsRealGlassAndVowel() throws IOException {
    Path tabular = SharedData.root().orElseThrow().resolve("tabular");
    Dataset glass = CsvReader.read(tabular.resolve("mlbench-Glass.csv.gz"),
        CsvReader.Options.defaults().withLabelColumn("Type")).dataset();
    assertThat(glass.size()).isEqualTo(214);
    assertThat(glass.dimension()).isEqualTo(9);
    assertThat(glass.classes()).hasSize(6);
    Dataset vowel = CsvReader.read(tabular.resolve("mlbench-Vowel.csv.gz"), CsvReader.Options.defaults()).dataset();
    assertThat(vowel.size()).isEqualTo(990);
    assertThat(vowel.classes()).hasSize(11);
  }

  @Test
  void readsHeaderlessDigitsAndSklearnIris() throws IOException {
    Path tabular = SharedData.root().orElseThrow().resolve("tabular");
    CsvReader.Result digits = CsvReader.read(tabular.resolve("sklearn-digits.csv.gz"), CsvReader.Options.defaults());
    assertThat(digits.report().format()).isEqualTo(CsvReader.Format.NO_HEADER);
    assertThat(digits.dataset().size()).isEqualTo(1797);
    assertThat(digits.dataset().dimension()).isEqualTo(64);
    assertThat(digits.dataset().classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    CsvReader.Result iris = CsvReader.read(tabular.resolve("sklearn-iris.csv"), CsvReader.Options.defaults());
    assertThat(iris.report().format()).isEqualTo(CsvReader.Format.SKLEARN);
    assertThat(iris.dataset().size()).isEqualTo(150);
    assertThat(iris.dataset().dimension()).isEqualTo(4);
    assertThat(iris.dataset().classNames()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(Arrays.stream(iris.dataset().labels()).filter(l -> l == 2).count()).isEqualTo(50);
  }
}
