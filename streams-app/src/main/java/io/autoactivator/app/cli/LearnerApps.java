package io.autoactivator.app.cli;

import io.autoactivator.app.ops.ManagedApp;

/** The production {@link ManagedApp}: the streaming learner of the app-core module. */
final class LearnerApps {

  private LearnerApps() {
  }

  static ManagedApp.Factory streamingLearner() {
    return (settings, kafka, meters) -> {
      throw new UnsupportedOperationException("StreamingLearnerApp is not in this build yet");
    };
  }
}
