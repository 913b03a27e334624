package io.autoactivator.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.IncrementalLearner;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.Predictions;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.data.Dataset;
import io.autoactivator.model.data.IdxReader;
import io.autoactivator.model.data.SharedData;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class SnapshotFormatTest {

  static final Map<String, String> TINY = Map.of("max.nodes", "50", "trials", "10", "router.features", "200");

  static Dataset train;
  static Dataset test;
  static ClassIncrementalModel model;
  static byte[] bytes;

  @BeforeAll
  static void trainTwoTasks() throws IOException {
    Dataset mnist = IdxReader.readSplit(SharedData.root().orElseThrow().resolve("mnist"), "t10k");
    train = mnist.select(IntStream.range(0, 3000).filter(i -> mnist.labels()[i] < 4).toArray(), "train")
        .firstPerClass(60);
    test = mnist.select(IntStream.range(5000, 6000).filter(i -> mnist.labels()[i] < 4).toArray(), "test");
    model = train(7);
    bytes = SnapshotFormat.write(model, provenance(model));
  }

  static ClassIncrementalModel train(long seed) {
    IncrementalLearner learner = Learners.create("autoactivator", TINY, seed);
    ClassIncrementalModel m = null;
    for (int t = 0; t < 2; t++) {
      int a = 2 * t;
      int[] rows = IntStream.range(0, train.size()).filter(i -> train.labels()[i] / 2 == a / 2).toArray();
      Dataset slice = train.select(rows, "t" + t);
      m = learner.learn(m, new TaskData("t" + t, new int[] {a, a + 1}, slice.features(), slice.labels()),
          TrainingListener.NONE);
    }
    return m;
  }

  static Provenance provenance(ClassIncrementalModel m) {
    return Provenance.of(m, "mnist-demo", 2, 1L, Map.of("samples-0", 120L, "samples-1", 240L), "test");
  }

  @Test
  void roundTripGivesIdenticalPredictionsAndProvenance() throws Exception {
    Snapshot snapshot = SnapshotFormat.read(bytes);
    assertThat(snapshot.provenance()).isEqualTo(provenance(model));
    assertThat(snapshot.provenance().options()).containsEntry("router", "ridge").containsEntry("max.nodes", "50");
    assertThat(snapshot.provenance().parentVersion()).isEqualTo(1L);
    Predictions before = model.predict(test.features());
    Predictions after = snapshot.model().predict(test.features());
    assertThat(after.labels()).containsExactly(before.labels());
    assertThat(after.firedTask()).containsExactly(before.firedTask());
    for (int i = 0; i < test.size(); i++) {
      assertThat(after.classScores()[i]).containsExactly(before.classScores()[i]);
      assertThat(after.taskScores()[i]).containsExactly(before.taskScores()[i]);
    }
    assertThat(snapshot.model().parameterCount()).isEqualTo(model.parameterCount());
    assertThat(SnapshotFormat.write(snapshot.model(), snapshot.provenance())).isEqualTo(bytes);
    assertThat(SnapshotFormat.readHeader(bytes).toString()).contains("mnist-demo", "task t1: classes [2, 3]");
    assertThat(SnapshotFormat.checksum(bytes)).hasSize(64);
  }

  @Test
  void sameSeedGivesByteIdenticalSnapshotsAndAnotherSeedDoesNot() {
    ClassIncrementalModel again = train(7);
    ClassIncrementalModel other = train(8);
    assertThat(SnapshotFormat.write(again, provenance(again))).isEqualTo(bytes);
    assertThat(SnapshotFormat.write(other, provenance(other))).isNotEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 9, 40, 200, 1000, -33, -1})
  void truncatedSnapshotsFailClearly(int cut) {
    int length = cut > 0 ? cut : bytes.length + cut;
    byte[] truncated = Arrays.copyOf(bytes, length);
    assertThatThrownBy(() -> SnapshotFormat.read(truncated)).isInstanceOf(SnapshotFormatException.class)
        .hasMessageMatching("(?s).*(truncated|not a snapshot|corrupted|not an AutoActivator).*");
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 30, 100, 700, 5000, -40, -1})
  void aFlippedByteIsDetected(int position) {
    byte[] corrupted = bytes.clone();
    int at = position >= 0 ? position : bytes.length + position;
    corrupted[at] ^= 0x10;
    assertThatThrownBy(() -> SnapshotFormat.read(corrupted)).isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("snapshot");
    assertThatThrownBy(() -> SnapshotFormat.readHeader(corrupted)).isInstanceOf(SnapshotFormatException.class);
  }

  @Test
  void otherFormatsFutureVersionsAndUnknownLearnersFailClearly() throws Exception {
    byte[] zip = bytes.clone();
    zip[0] = 'P';
    zip[1] = 'K';
    assertThatThrownBy(() -> SnapshotFormat.read(zip)).hasMessageContaining("not an AutoActivator snapshot");
    byte[] future = bytes.clone();
    ByteBuffer.wrap(future).putInt(6, 99);
    assertThatThrownBy(() -> SnapshotFormat.read(future)).isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("version 99");
    ClassIncrementalModel mystery = new Mystery();
    byte[] unknown = SnapshotFormat.write(mystery, Provenance.of(mystery, "m", 1, null, 1, Map.of(), "h", Map.of(),
        "test"));
    assertThat(SnapshotFormat.readHeader(unknown).learner()).isEqualTo("mystery");
    assertThatThrownBy(() -> SnapshotFormat.read(unknown)).isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("learner 'mystery'").hasMessageContaining("autoactivator");
    assertThatThrownBy(() -> SnapshotFormat.write(model, Provenance.of(mystery, "m", 1, null, 1, Map.of(), "h",
        Map.of(), "test"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneShaPassGivesTheTrailingDigestAndTheChecksumEarlierBuildsWrote() throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update(bytes, 0, bytes.length - 32);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length)).as("the format's own trailing digest")
        .isEqualTo(sha.digest());
    String whole = "sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    SnapshotBytes written = SnapshotFormat.encode(model, provenance(model));
    assertThat(written.bytes()).isEqualTo(bytes);
    assertThat(written.checksum()).as("the checksum headers carry: SHA-256 of every byte").isEqualTo(whole);
    assertThat(SnapshotFormat.open(bytes).checksum()).isEqualTo(whole);
    assertThat(SnapshotFormat.checksum(bytes)).isEqualTo(whole.substring("sha256:".length()));
    assertThat(written.provenance()).isEqualTo(provenance(model));
  }

  @Test
  void openedBytesAreVerifiedOnceAndReadWithoutHashingAgain() throws Exception {
    byte[] copy = bytes.clone();
    SnapshotBytes opened = SnapshotFormat.open(copy);
    copy[copy.length - 1] ^= 0x01; // the trailing digest, already checked at open
    assertThat(opened.read().provenance()).isEqualTo(provenance(model));
    assertThat(opened.read().model().predict(test.features()).labels())
        .containsExactly(model.predict(test.features()).labels());
    assertThatThrownBy(() -> SnapshotFormat.open(copy).read()).hasMessageContaining("checksum does not match");
  }

  @Test
  void bytesThatAreNoSnapshotStillHaveAChecksumAndSayWhyTheyCannotBeRead() throws Exception {
    byte[] garbage = "not a snapshot at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    SnapshotBytes opened = SnapshotFormat.open(garbage);
    assertThat(opened.checksum()).isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(garbage)));
    assertThatThrownBy(opened::provenance).isInstanceOf(SnapshotFormatException.class)
        .hasMessageContaining("not an AutoActivator snapshot");
    assertThatThrownBy(opened::read).isInstanceOf(SnapshotFormatException.class);
    assertThat(SnapshotFormat.open(null).checksum()).startsWith("sha256:");
  }

  /** A model of a learner this build does not know. */
  static final class Mystery implements ClassIncrementalModel {
    @Override
    public String learner() {
      return "mystery";
    }

    @Override
    public int inputDimension() {
      return 1;
    }

    @Override
    public List<LearnedTask> tasks() {
      return List.of(new LearnedTask("x", new int[] {0}, 0));
    }

    @Override
    public int[] classes() {
      return new int[] {0};
    }

    @Override
    public long parameterCount() {
      return 0;
    }

    @Override
    public Predictions predict(float[][] features) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Predictions predict(INDArray features) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Predictions predictWithTask(float[][] features, int[] taskIndex) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void writeWeights(DataOutput out) throws IOException {
      out.writeInt(42);
    }
  }
}
