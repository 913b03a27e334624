package io.autoactivator.model.snapshot;

import java.util.HexFormat;

/**
 * Snapshot bytes with their checksum, hashed once: {@link SnapshotFormat#encode} and {@link SnapshotFormat#open}
 * read every byte through SHA-256 a single time, which gives both the digest the format ends with (checked here, at
 * open) and the checksum of the whole payload that a transfer's header and keys carry. Whoever then checks the
 * checksum, reads the provenance or decodes the model uses this object, and nothing hashes the bytes again.
 *
 * <p>The checksum is {@code sha256:<hex>} of every byte, the trailing digest included: the value earlier builds
 * wrote into headers, so snapshots of either build verify on the other.
 */
public final class SnapshotBytes {

  private final byte[] bytes;
  private final String checksum;
  private final SnapshotFormat.Layout layout;
  private final SnapshotFormatException problem;
  private Provenance provenance;

  private SnapshotBytes(byte[] bytes, byte[] wholeDigest, SnapshotFormat.Layout layout, Provenance provenance,
      SnapshotFormatException problem) {
    this.bytes = bytes;
    this.checksum = "sha256:" + HexFormat.of().formatHex(wholeDigest);
    this.layout = layout;
    this.provenance = provenance;
    this.problem = problem;
  }

  /** Bytes whose structure and digest verified; {@code provenance} when known (just written), else parsed later. */
  static SnapshotBytes readable(byte[] bytes, byte[] wholeDigest, SnapshotFormat.Layout layout,
      Provenance provenance) {
    return new SnapshotBytes(bytes, wholeDigest, layout, provenance, null);
  }

  /** Bytes that are no readable snapshot, and why. */
  static SnapshotBytes unreadable(byte[] bytes, byte[] wholeDigest, SnapshotFormatException problem) {
    return new SnapshotBytes(bytes, wholeDigest, null, null, problem);
  }

  /** The bytes themselves (not copied: snapshots are large; do not change them). */
  public byte[] bytes() {
    return bytes;
  }

  /** {@code sha256:<lowercase hex>} of every byte. */
  public String checksum() {
    return checksum;
  }

  /** Payload size in bytes. */
  public int length() {
    return bytes.length;
  }

  /** The provenance header; throws when the bytes are no readable snapshot (truncated, corrupted, another format). */
  public Provenance provenance() throws SnapshotFormatException {
    if (problem != null) {
      throw new SnapshotFormatException(problem.getMessage(), problem);
    }
    if (provenance == null) {
      provenance = SnapshotFormat.parseHeader(bytes, layout);
    }
    return provenance;
  }

  /** The model and its provenance; throws when the bytes are no readable snapshot or the weights are invalid. */
  public Snapshot read() throws SnapshotFormatException {
    Provenance p = provenance();
    return new Snapshot(p, SnapshotFormat.readModel(bytes, layout, p));
  }
}
