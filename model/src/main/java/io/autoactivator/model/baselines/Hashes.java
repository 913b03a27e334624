package io.autoactivator.model.baselines;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable configuration hashes: the first 16 hex digits of SHA-256 over learner, options and seed. */
final class Hashes {

  private Hashes() {
  }

  static String of(String learner, String options, long seed) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((learner + "|" + options + "|" + seed).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
