package io.autoactivator.app.snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.Learners;

/**
 * A payload of learner name plus the learner's own weights ({@link ClassIncrementalModel#writeWeights}), read back
 * with {@link Learners#codec}. Used until the model module's {@code SnapshotFormat} (which also embeds provenance)
 * is available; the provenance is then only in the {@code ModelSnapshot} records.
 */
public final class WeightsSnapshotCodec implements SnapshotCodec {

  private static final int MAGIC = 0x41415731; // "AAW1"

  @Override
  public byte[] write(ClassIncrementalModel model, SnapshotInfo info) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeUTF(model.learner());
      model.writeWeights(out);
    }
    return bytes.toByteArray();
  }

  @Override
  public ClassIncrementalModel read(byte[] payload) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IOException("not a weights snapshot (magic " + Integer.toHexString(magic) + ")");
      }
      return Learners.codec(in.readUTF()).readWeights(in);
    }
  }

  @Override
  public String checksum(byte[] payload) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
