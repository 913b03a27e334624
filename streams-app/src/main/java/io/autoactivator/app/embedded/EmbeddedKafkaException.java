package io.autoactivator.app.embedded;

/** The embedded broker could not be started; the message names the broker's log file. */
public final class EmbeddedKafkaException extends RuntimeException {

  public EmbeddedKafkaException(String message) {
    super(message);
  }

  public EmbeddedKafkaException(String message, Throwable cause) {
    super(message, cause);
  }
}
