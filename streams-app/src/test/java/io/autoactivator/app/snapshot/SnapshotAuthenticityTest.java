package io.autoactivator.app.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.TaskData;
import io.autoactivator.model.api.TrainingListener;
import io.autoactivator.model.snapshot.Provenance;
import io.autoactivator.model.snapshot.SnapshotBytes;
import io.autoactivator.schemas.ModelSnapshot;

/** A header's claims are checked against the payload and, with a key, against a signature. */
class SnapshotAuthenticityTest {

  private final SnapshotFormatCodec codec = new SnapshotFormatCodec();
  private final ClassIncrementalModel model = Learners.create("ncm", Map.of(), 1L).learn(null,
      new TaskData("t", new int[] {0, 1}, new float[][] {{0f}, {1f}}, new int[] {0, 1}), TrainingListener.NONE);

  private SnapshotBytes payload(String modelId, long version) throws IOException {
    return codec.encode(model, Provenance.of(model, modelId, version, version == 1 ? null : version - 1, 7L, Map.of(), "h",
            Map.of(), "dev"));
  }

  private ModelSnapshot header(String modelId, long version, SnapshotBytes payload) throws IOException {
    return SnapshotHeaders.of(Provenance.of(model, modelId, version, null, 1L, Map.of(), "h", Map.of(), "dev"), Map.of(), payload,
        Instant.EPOCH);
  }

  @Test
  void modelAsPayloadDoesNotInstallAsModelB() throws IOException {
    SnapshotBytes a = codec.open(payload("a", 1).bytes());
    codec.checkProvenance(a, "a", 1);
    assertThatThrownBy(() -> codec.checkProvenance(a, "b", 1)).hasMessageContaining("model a version 1");
    assertThatThrownBy(() -> codec.checkProvenance(a, "a", 2)).hasMessageContaining("model a version 1");
  }

  @Test
  void withAKeyOnlySignedSnapshotsPass() throws IOException {
    SnapshotBytes p = payload("a", 1);
    ModelSnapshot unsigned = header("a", 1, p);
    SnapshotSigner signer = SnapshotSigner.of("s3cret");
    assertThat(signer.problem(unsigned)).contains("unsigned");
    ModelSnapshot signed = signer.sign(unsigned);
    assertThat(signed.getSignature()).startsWith("hmac-sha256:");
    assertThat(signer.problem(signed)).isNull();
    assertThat(SnapshotSigner.of("other").problem(signed)).contains("does not verify");
    assertThat(signer.problem(ModelSnapshot.newBuilder(signed).setVersion(9).build()))
        .as("a signature covers the version").contains("does not verify");
    assertThat(SnapshotSigner.of(null).problem(unsigned)).as("no key, no requirement").isNull();
  }
}
