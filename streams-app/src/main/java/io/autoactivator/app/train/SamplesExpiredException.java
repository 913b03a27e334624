package io.autoactivator.app.train;

import io.autoactivator.model.api.InvalidTaskDataException;

/**
 * Samples a task accepted are no longer on the samples topic: retention deleted them (the partition's log now starts
 * after them) before the task trained. The task can never be trained on all its data, so it is not retried: the
 * task processor quarantines it with a SAMPLES_EXPIRED dead letter.
 */
public final class SamplesExpiredException extends InvalidTaskDataException {
  private static final long serialVersionUID = 1L;

  public SamplesExpiredException(String message) {
    super(message);
  }
}
