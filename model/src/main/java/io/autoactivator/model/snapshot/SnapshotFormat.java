package io.autoactivator.model.snapshot;

import io.autoactivator.model.api.ClassIncrementalModel;
import io.autoactivator.model.api.LearnedTask;
import io.autoactivator.model.api.Learners;
import io.autoactivator.model.api.ModelCodec;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.HexFormat;

/**
 * The snapshot binary format: self-describing, versioned and checksummed (never Java serialization), deterministic
 * (no timestamp: equal models and provenance give equal bytes).
 *
 * <pre>
 *   6 bytes  magic "AASNAP"
 *   int      format version (1)
 *   int      header length H, then H bytes of header (DataOutput encoding):
 *              UTF modelId, long version, boolean hasParent [long parentVersion], UTF learner, long seed,
 *              int n, n x (UTF key, UTF value) options (sorted), UTF configHash,
 *              int t, t x (UTF taskId, int k, k x int class, int units) tasks,
 *              int c, c x int classes, long parameterCount, int m, m x (UTF key, long offset) data offsets (sorted),
 *              UTF codeVersion
 *   long     weights length W, then W bytes: the learner's weights ({@link ClassIncrementalModel#writeWeights})
 *   32 bytes SHA-256 of every byte before it
 * </pre>
 * All numbers are big-endian. Float arrays inside the weights are raw 4-byte values.
 *
 * <p>The header is the one home of the learner's name, seed and options: the learner's codec reads the weights with
 * them ({@link Provenance#learnerSettings()}, which also hands it the header's tasks and classes), and
 * {@link #encode} refuses a provenance whose seed or option values differ from those of a model that knows its own
 * ({@link ClassIncrementalModel#learnerSettings()}). The weights say their own layout version first. Since session 8
 * they no longer repeat the name, seed and options: AutoActivator weights format 5, baseline weights version 2;
 * since session 9 the baselines' weights no longer repeat the task and class lists either, nor the analytic models'
 * ridge (baseline weights version 3). The layouts of earlier builds, which repeated them (AutoActivator weights
 * formats 1 to 4: format int, UTF learner, long seed, int n, n x (UTF key, UTF value) options, then the body;
 * baseline version 1: magic, version, UTF learner, then the body; baseline version 2: the ridge, classes and tasks
 * inside the body), still read, with that copy, and a snapshot of either kind has the same outer layout above
 * (format version 1), so an earlier build still reads the header of a newer snapshot and names the weights version
 * it does not know.
 *
 * <p>The checksum a transfer carries is SHA-256 of every byte, the trailing digest included
 * ({@link SnapshotBytes#checksum}). Both come from one pass over the bytes ({@link #encode}, {@link #open}): the
 * digest state after the content is the trailing digest, and the same state fed those 32 bytes is the checksum.
 */
public final class SnapshotFormat {

  /** The magic bytes that open every snapshot. */
  public static final byte[] MAGIC = "AASNAP".getBytes(StandardCharsets.US_ASCII);
  /** The format version this build writes and reads. */
  public static final int VERSION = 1;

  private static final int DIGEST_BYTES = 32;
  private static final int PREFIX_BYTES = MAGIC.length + Integer.BYTES + Integer.BYTES;

  private SnapshotFormat() {
  }

  /**
   * Writes a snapshot of {@code model}.
   *
   * @throws IllegalArgumentException when the provenance does not describe the model (learner, tasks, classes)
   */
  public static byte[] write(ClassIncrementalModel model, Provenance provenance) {
    return encode(model, provenance).bytes();
  }

  /**
   * Writes a snapshot of {@code model} with its checksum: one SHA-256 pass over the bytes gives both the digest the
   * format ends with and the checksum of the whole payload ({@link SnapshotBytes#checksum}).
   *
   * @throws IllegalArgumentException when the provenance does not describe the model (learner, tasks, classes, and
   *     the seed and options of a model that knows them)
   */
  public static SnapshotBytes encode(ClassIncrementalModel model, Provenance provenance) {
    checkConsistent(model, provenance);
    provenance.checkSettingsOf(model);
    try {
      byte[] header = header(provenance);
      ByteArrayOutputStream weights = new ByteArrayOutputStream(1 << 16);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(weights, 1 << 16))) {
        model.writeWeights(out);
      }
      ByteBuffer buffer = ByteBuffer.allocate(PREFIX_BYTES + header.length + Long.BYTES + weights.size()
          + DIGEST_BYTES);
      buffer.put(MAGIC).putInt(VERSION).putInt(header.length).put(header).putLong(weights.size());
      buffer.put(weights.toByteArray());
      byte[] bytes = buffer.array();
      MessageDigest content = sha256();
      content.update(bytes, 0, buffer.position());
      MessageDigest whole = copy(content, bytes, buffer.position());
      byte[] digest = content.digest();
      buffer.put(digest);
      whole.update(digest);
      Layout layout = new Layout(PREFIX_BYTES, header.length, PREFIX_BYTES + header.length + Long.BYTES,
          weights.size());
      return SnapshotBytes.readable(bytes, whole.digest(), layout, provenance);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
  }

  /**
   * Opens snapshot bytes read back (a file, a reassembled transfer): checks magic, version and lengths, and in one
   * SHA-256 pass both the digest the bytes end with and the checksum of the whole payload. Never throws: bytes that
   * are no readable snapshot still have a checksum, and {@link SnapshotBytes#provenance} and
   * {@link SnapshotBytes#read} say why they cannot be read.
   */
  public static SnapshotBytes open(byte[] bytes) {
    Layout layout;
    try {
      layout = layout(bytes);
    } catch (SnapshotFormatException e) {
      byte[] all = bytes == null ? new byte[0] : bytes;
      MessageDigest whole = sha256();
      whole.update(all, 0, all.length);
      return SnapshotBytes.unreadable(all, whole.digest(), e);
    }
    int contentLength = bytes.length - DIGEST_BYTES;
    MessageDigest content = sha256();
    content.update(bytes, 0, contentLength);
    MessageDigest whole = copy(content, bytes, contentLength);
    byte[] digest = content.digest();
    whole.update(bytes, contentLength, DIGEST_BYTES);
    if (!Arrays.equals(digest, 0, DIGEST_BYTES, bytes, contentLength, bytes.length)) {
      return SnapshotBytes.unreadable(bytes, whole.digest(),
          new SnapshotFormatException("corrupted snapshot: the SHA-256 checksum does not match its content"));
    }
    return SnapshotBytes.readable(bytes, whole.digest(), layout, null);
  }

  /** Reads a snapshot: checks magic, version, length and checksum, then decodes the header and the model. */
  public static Snapshot read(byte[] bytes) throws SnapshotFormatException {
    return open(bytes).read();
  }

  /** Reads only the provenance header (after checking magic, version, length and checksum), for inspection. */
  public static Provenance readHeader(byte[] bytes) throws SnapshotFormatException {
    return open(bytes).provenance();
  }

  /** The model in the weights of verified bytes whose header said {@code provenance}. */
  static ClassIncrementalModel readModel(byte[] bytes, Layout layout, Provenance provenance)
      throws SnapshotFormatException {
    ModelCodec codec;
    try {
      codec = Learners.codec(provenance.learner());
    } catch (IllegalArgumentException e) {
      throw new SnapshotFormatException("the snapshot was written by learner '" + provenance.learner()
          + "', which this build does not know; known learners: " + Learners.names(), e);
    }
    ClassIncrementalModel model;
    try (BoundedInput in = BoundedInput.of(bytes, layout.weightsStart, (int) layout.weightsLength)) {
      model = codec.readWeights(in, provenance.learnerSettings());
      if (in.available() > 0) {
        throw new IOException(in.available() + " unread bytes after the weights");
      }
    } catch (EOFException e) {
      throw new SnapshotFormatException("the weights of learner '" + provenance.learner() + "' end early", e);
    } catch (IOException | RuntimeException e) {
      throw new SnapshotFormatException("the weights of learner '" + provenance.learner() + "' are invalid: "
          + e.getMessage(), e);
    }
    try {
      checkConsistent(model, provenance);
    } catch (IllegalArgumentException e) {
      throw new SnapshotFormatException("the header does not match the weights: " + e.getMessage(), e);
    }
    return model;
  }

  /** SHA-256 (hex) of the given bytes: of a whole snapshot, the hex of {@link SnapshotBytes#checksum}. */
  public static String checksum(byte[] bytes) {
    MessageDigest digest = sha256();
    digest.update(bytes, 0, bytes.length);
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The implementation version of this build's model jar, or "dev" outside a packaged jar. */
  public static String codeVersion() {
    String version = SnapshotFormat.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  /** Where the header and the weights lie in snapshot bytes. */
  record Layout(int headerStart, int headerLength, int weightsStart, long weightsLength) {
  }

  /** Checks magic, version and lengths (not the digest) and says where header and weights lie. */
  private static Layout layout(byte[] bytes) throws SnapshotFormatException {
    if (bytes == null || bytes.length < MAGIC.length) {
      throw new SnapshotFormatException("not a snapshot: only " + (bytes == null ? 0 : bytes.length) + " bytes");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new SnapshotFormatException("not an AutoActivator snapshot: the first bytes are "
          + HexFormat.of().formatHex(bytes, 0, MAGIC.length) + ", expected \"AASNAP\"");
    }
    if (bytes.length < PREFIX_BYTES) {
      throw new SnapshotFormatException("truncated snapshot: " + bytes.length + " bytes, the fixed prefix alone is "
          + PREFIX_BYTES);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int version = buffer.getInt(MAGIC.length);
    if (version != VERSION) {
      throw new SnapshotFormatException("unsupported snapshot format version " + version + "; this build reads"
          + " version " + VERSION + (version > VERSION ? " (written by a newer build?)" : ""));
    }
    int headerLength = buffer.getInt(MAGIC.length + Integer.BYTES);
    if (headerLength < 0 || (long) PREFIX_BYTES + headerLength + Long.BYTES > bytes.length) {
      throw new SnapshotFormatException("truncated or corrupted snapshot: header length " + headerLength
          + " does not fit in " + bytes.length + " bytes");
    }
    int weightsStart = PREFIX_BYTES + headerLength + Long.BYTES;
    long weightsLength = buffer.getLong(PREFIX_BYTES + headerLength);
    long expected = weightsStart + weightsLength + DIGEST_BYTES;
    if (weightsLength < 0 || expected > bytes.length) {
      throw new SnapshotFormatException("truncated snapshot: " + bytes.length + " bytes, the header announces "
          + expected);
    }
    if (expected < bytes.length) {
      throw new SnapshotFormatException("corrupted snapshot: " + (bytes.length - expected)
          + " bytes after the checksum");
    }
    return new Layout(PREFIX_BYTES, headerLength, weightsStart, weightsLength);
  }

  private static byte[] header(Provenance p) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeUTF(p.modelId());
      out.writeLong(p.version());
      out.writeBoolean(p.parentVersion() != null);
      if (p.parentVersion() != null) {
        out.writeLong(p.parentVersion());
      }
      out.writeUTF(p.learner());
      out.writeLong(p.seed());
      out.writeInt(p.options().size());
      for (Map.Entry<String, String> e : p.options().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.writeUTF(p.configHash());
      out.writeInt(p.tasks().size());
      for (LearnedTask task : p.tasks()) {
        out.writeUTF(task.taskId());
        writeInts(out, task.classes());
        out.writeInt(task.units());
      }
      writeInts(out, p.classes());
      out.writeLong(p.parameterCount());
      out.writeInt(p.dataOffsets().size());
      for (Map.Entry<String, Long> e : p.dataOffsets().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.writeUTF(p.codeVersion());
    }
    return bytes.toByteArray();
  }

  static Provenance parseHeader(byte[] bytes, Layout layout) throws SnapshotFormatException {
    try (BoundedInput in = BoundedInput.of(bytes, layout.headerStart, layout.headerLength)) {
      String modelId = in.readUTF();
      long version = in.readLong();
      Long parent = in.readBoolean() ? in.readLong() : null;
      String learner = in.readUTF();
      long seed = in.readLong();
      int optionCount = count(in.readInt(), "options");
      Map<String, String> options = new LinkedHashMap<>();
      for (int i = 0; i < optionCount; i++) {
        options.put(in.readUTF(), in.readUTF());
      }
      String configHash = in.readUTF();
      int taskCount = count(in.readInt(), "tasks");
      List<LearnedTask> tasks = new ArrayList<>();
      for (int i = 0; i < taskCount; i++) {
        tasks.add(new LearnedTask(in.readUTF(), readInts(in), in.readInt()));
      }
      int[] classes = readInts(in);
      long parameterCount = in.readLong();
      int offsetCount = count(in.readInt(), "data offsets");
      Map<String, Long> offsets = new LinkedHashMap<>();
      for (int i = 0; i < offsetCount; i++) {
        offsets.put(in.readUTF(), in.readLong());
      }
      String codeVersion = in.readUTF();
      if (in.available() > 0) {
        throw new IOException(in.available() + " unread header bytes");
      }
      return new Provenance(modelId, version, parent, learner, seed, options, configHash, tasks, classes,
          parameterCount, offsets, codeVersion);
    } catch (IOException e) {
      throw new SnapshotFormatException("invalid snapshot header: " + e.getMessage(), e);
    }
  }

  private static void checkConsistent(ClassIncrementalModel model, Provenance provenance) {
    if (!model.learner().equals(provenance.learner())) {
      throw new IllegalArgumentException("the provenance names learner '" + provenance.learner()
          + "' but the model is from '" + model.learner() + "'");
    }
    if (!model.tasks().equals(provenance.tasks()) || !Arrays.equals(model.classes(),
        provenance.classes())) {
      throw new IllegalArgumentException("the provenance's tasks or classes differ from the model's");
    }
  }

  private static int count(int value, String what) throws IOException {
    if (value < 0 || value > 1 << 20) {
      throw new IOException("invalid number of " + what + ": " + value);
    }
    return value;
  }

  private static void writeInts(DataOutputStream out, int[] values) throws IOException {
    out.writeInt(values.length);
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static int[] readInts(BoundedInput in) throws IOException {
    int count = count(in.readInt(), "integers");
    in.require(count, Integer.BYTES, "integers");
    int[] values = new int[count];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readInt();
    }
    return values;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * A digest in the state of {@code digest}, which has read the first {@code length} bytes: a clone (no second
   * pass), or, from a provider that cannot clone, a new digest fed the same bytes again.
   */
  private static MessageDigest copy(MessageDigest digest, byte[] bytes, int length) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      MessageDigest again = sha256();
      again.update(bytes, 0, length);
      return again;
    }
  }
}
