package io.autoactivator.model.snapshot;

/** The bytes are not a readable snapshot: truncated, corrupted, another format, a future version, an unknown learner. */
public class SnapshotFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  public SnapshotFormatException(String message) {
    super(message);
  }

  public SnapshotFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
