package io.autoactivator.model.api;

/**
 * Thrown when data handed to a learner or a model cannot be used: wrong dimension, non-finite values, an empty
 * task, a label outside the task, a class learned twice. Callers (the streaming app) dead-letter the input
 * instead of crashing, so the message must name what is wrong and where.
 */
public class InvalidTaskDataException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidTaskDataException(String message) {
    super(message);
  }
}
