package io.autoactivator.app.snapshot;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.autoactivator.schemas.ModelSnapshot;

/**
 * Authenticity of snapshots: the checksum in a header proves only that the payload is what the header's writer
 * meant, and anyone who can write the snapshot topic writes headers. With a key ({@code snapshot.signing.key}) the
 * publisher signs each snapshot's identity and checksum (HMAC-SHA256) and the follower loads only snapshots whose
 * signature verifies; without a key nothing is signed and nothing is required.
 */
public final class SnapshotSigner {

  static final String PREFIX = "hmac-sha256:";
  private static final SnapshotSigner NONE = new SnapshotSigner(null);

  private final SecretKeySpec key;

  private SnapshotSigner(byte[] key) {
    this.key = key == null ? null : new SecretKeySpec(key, "HmacSHA256");
  }

  /** A signer with {@code key}, or one that neither signs nor requires signatures when it is null. */
  public static SnapshotSigner of(String key) {
    return key == null ? NONE : new SnapshotSigner(key.getBytes(StandardCharsets.UTF_8));
  }

  /** True when snapshots are signed and signatures required. */
  public boolean enabled() {
    return key != null;
  }

  /** {@code header} with its signature set (unchanged without a key). */
  public ModelSnapshot sign(ModelSnapshot header) {
    return key == null ? header : ModelSnapshot.newBuilder(header).setSignature(signature(header)).build();
  }

  /** Why {@code header} must not be loaded, or null: a missing or wrong signature when a key is set. */
  public String problem(ModelSnapshot header) {
    if (key == null) {
      return null;
    }
    String actual = header.getSignature();
    if (actual == null) {
      return "unsigned, and snapshot.signing.key is set";
    }
    byte[] expected = signature(header).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual.getBytes(StandardCharsets.US_ASCII)) ? null
        : "its signature does not verify with this deployment's snapshot.signing.key";
  }

  private String signature(ModelSnapshot h) {
    String message = h.getModelId() + "\n" + h.getVersion() + "\n" + h.getParentVersion() + "\n" + h.getByteSize()
        + "\n" + h.getChecksum();
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
